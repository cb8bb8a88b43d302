"""The needs app's refusals (calls, profiles, needs, screening, review, shortlist)."""

from portal.errors import DomainError


class NeedError(DomainError):
    """A rule of the call or the screening workflow refused the action."""
