"""Site-wide reads."""

from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from needs.models import Call
from portal.models import AuditEntry


def call_current() -> Call | None:
    """The call the portal is running now (at most one is marked current)."""
    return Call.objects.filter(is_current=True).prefetch_related("focus_fields").first()


def call_seconds_left(call: Call | None) -> int | None:
    if call is None:
        return None
    return max(0, int((call.deadline - timezone.now()).total_seconds()))


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
