"""Site-wide reads."""

from django.utils import timezone

from needs.models import Call


def call_current() -> Call | None:
    """The call the portal is running now (at most one is marked current)."""
    return Call.objects.filter(is_current=True).prefetch_related("focus_fields").first()


def call_seconds_left(call: Call | None) -> int | None:
    if call is None:
        return None
    return max(0, int((call.deadline - timezone.now()).total_seconds()))
