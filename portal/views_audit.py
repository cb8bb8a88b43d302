"""Audit log browsing for staff: filter by action, actor, object type and dates."""

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import permissions
from portal.models import AuditEntry, Role, User


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False)
    actor = forms.ModelChoiceField(label=_("操作人"), queryset=User.objects.none(), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        types = AuditEntry.objects.exclude(object_type="").order_by("object_type")
        self.fields["action"].choices = everything + [(a, a) for a in actions]
        self.fields["object_type"].choices = everything + [
            (t, t) for t in types.values_list("object_type", flat=True).distinct()
        ]
        self.fields["actor"].queryset = User.objects.filter(
            role__in=[Role.STAFF, Role.REVIEWER, Role.ADMIN]
        ).order_by("email")


def audit_entries(*, filters: dict) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by the filter form's cleaned data."""
    qs = AuditEntry.objects.select_related("actor")
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor=filters["actor"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lte=datetime.combine(filters["date_to"], time.max, tzinfo=tz))
    return qs.order_by("-created_at", "-id")


@permissions.require(permissions.can_view_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(audit_entries(filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
