"""The current call on pages of the base layer (the home page), so that
portal need not import needs."""

from django import template

from needs import selectors

register = template.Library()


@register.simple_tag
def current_call():
    return selectors.call_current()


@register.filter
def seconds_left(call) -> int | None:
    return selectors.call_seconds_left(call)
