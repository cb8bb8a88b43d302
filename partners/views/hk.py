"""Pages of Hong Kong institution users: published needs and their interests.

Everything about needs comes from `selectors.hk_need_search/hk_need_get` (the
projection), never from Need objects.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partners import selectors, services
from partners.exports import hk_needs_workbook
from partners.forms import HkNeedFilterForm, InterestForm
from partners.models import InterestStatus
from portal import permissions
from portal.errors import DomainError
from portal.exports import xlsx_response

PAGE_SIZE = 20


def _script(request: HttpRequest) -> str:
    return "hant" if request.GET.get("script") == "hant" else ""


def _search(request: HttpRequest):
    form = HkNeedFilterForm(request.GET or None)
    return form, selectors.hk_need_search(partner=request.user.partner, **form.filters())


@permissions.require(permissions.can_browse_published_needs)
def hk_home(request: HttpRequest) -> HttpResponse:
    form, rows = _search(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    script = _script(request)
    shown = [selectors.hk_need_present(row, script=script) for row in page]
    context = {"form": form, "page": page, "rows": shown, "script": script}
    return render(request, "partners/hk_home.html", context)


@permissions.require(permissions.can_browse_published_needs)
def hk_need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = request.user.partner
    need = selectors.hk_need_present(
        selectors.hk_need_get(partner=partner, need_id=pk), script=_script(request)
    )
    form = InterestForm(request.POST or None)
    if request.method == "POST" and permissions.can_express_interest(request.user) and form.is_valid():
        try:
            services.interest_submit(user=request.user, need_id=pk, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("合作意向已提交，交流中心将尽快处理。"))
        return redirect("partners:hk_need_detail", pk=pk)
    statuses = dict(InterestStatus.choices)
    interests = [
        {**row, "status_label": statuses.get(row["status"], "")}
        for row in selectors.interest_rows_of_partner(partner=partner, need_id=pk)
    ]
    can_submit = not need["contacts_released"] and not any(
        row["status"] in (InterestStatus.PENDING, InterestStatus.ASKED) for row in interests
    )
    context = {
        "need": need,
        "form": form,
        "interests": interests,
        "can_submit": can_submit,
        "script": _script(request),
    }
    return render(request, "partners/hk_need_detail.html", context)


@permissions.require(permissions.can_browse_published_needs)
def hk_need_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _search(request)
    return xlsx_response(hk_needs_workbook(rows, script=_script(request)), "jiangsu-needs.xlsx")


@permissions.require(permissions.can_browse_published_needs)
def hk_need_json(request: HttpRequest) -> JsonResponse:
    _form, rows = _search(request)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    script = _script(request)
    data = {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [selectors.hk_need_present(row, script=script) for row in page],
    }
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


@permissions.require(permissions.can_express_interest)
def hk_interests(request: HttpRequest) -> HttpResponse:
    rows = selectors.interest_rows_of_partner(partner=request.user.partner)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = dict(InterestStatus.choices)
    shown = [{**row, "status_label": statuses.get(row["status"], "")} for row in page]
    return render(request, "partners/hk_interests.html", {"page": page, "rows": shown})
