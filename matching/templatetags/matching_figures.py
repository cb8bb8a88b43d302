"""Matching figures on pages of the apps matching builds on (the staff
dashboard), so those apps need not import matching."""

from django import template

from matching import selectors

register = template.Library()


@register.simple_tag
def top_partners(call):
    """The ten Hong Kong institutions matched to most needs of `call` (all calls if None)."""
    return selectors.top_partners(call=call)
