"""Staff actions on matching runs.

Kept apart from :mod:`matching.views` while that module is being reworked; fold
in when the views become a package.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import services
from portal import permissions
from portal.errors import DomainError


@permissions.require(permissions.can_review_matches)
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.run_cancel(actor=request.user, run_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已取消全量重新匹配；已完成的需求保留新结果。"))
    return redirect("matching:run_detail", pk=pk)
