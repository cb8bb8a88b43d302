"""Small presentation helpers shared by every app's templates."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def countdown(seconds_left: int | None) -> str:
    """ "3 天 5 小时" style text for the time left before a deadline."""
    if not seconds_left or seconds_left <= 0:
        return _("已截止")
    days, rest = divmod(int(seconds_left), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("距截止还有 %(days)d 天 %(hours)d 小时") % {"days": days, "hours": hours}
    return _("距截止还有 %(hours)d 小时 %(minutes)d 分钟") % {"hours": hours, "minutes": minutes}


@register.filter
def minutes(delta) -> int:
    """Whole minutes of a timedelta (at least 1), e.g. a login lockout's length."""
    if delta is None:
        return 0
    return max(1, int(delta.total_seconds() // 60))
