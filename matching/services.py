"""Matching services (scheduling and review). Stubs until the matching work lands."""


def need_schedule_scoring(*, need_id: int) -> None:
    """Queue scoring of one need after the caller's transaction commits."""


def partner_schedule_scoring(*, partner_id: int) -> None:
    """Queue scoring of one partner after the caller's transaction commits."""
