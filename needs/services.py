"""Writes on calls, enterprises and needs."""

from django.db import transaction

from needs.models import ReferenceCounter


def reference_next(*, year: int) -> str:
    """Hand out the next need reference of a year, e.g. JSHK-2026-0001.

    The counter row is locked, so two submissions at once never share a number.
    Must run inside the caller's transaction.
    """
    assert transaction.get_connection().in_atomic_block, "reference_next needs a transaction"
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"JSHK-{year}-{counter.last_number:04d}"
