"""Time one need as the worker's task scores it, against the configured database.

Unlike :mod:`matching.benchmark` (the engine on synthetic documents), this runs the
service the task calls, :func:`matching.services.run_execute` of a need run: the
run's bookkeeping, the need's rows, the directory version check, the index from this
process's cache, ranking, and the delete + insert of the need's matches. Everything
happens inside one transaction that is rolled back, so the timing can be taken on a
shared database; the commits a worker makes (one per run) are therefore not included.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass

from django.db import connection, transaction

from matching import partner_index, services
from matching.documents import scorable_needs
from matching.models import RunStatus, RunTrigger
from needs.models import Need


@dataclass
class TaskTimings:
    """Milliseconds: the first run (cold cache, builds the index) and the warm runs."""

    first_ms: float
    warm_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.warm_ms)


def one_need_task_timings(*, samples: int = 20, seed: int = 7) -> TaskTimings | None:
    """Run ``samples`` + 1 randomly chosen scorable needs as their task would, in
    one rolled-back transaction; ``None`` when the database has no scorable need
    (or is not migrated: the engine timings need no database)."""
    if samples < 1 or Need._meta.db_table not in connection.introspection.table_names():
        return None
    need_ids = list(scorable_needs().order_by("pk").values_list("pk", flat=True))
    if not need_ids or samples < 1:
        return None
    picked = random.Random(seed).sample(need_ids, min(samples + 1, len(need_ids)))
    partner_index.partner_index_forget()
    timings: list[float] = []
    with transaction.atomic():
        for need_id in picked:
            run = services.need_schedule_scoring(need_id=need_id, trigger=RunTrigger.STAFF)
            start = time.perf_counter()
            done = services.run_execute(run_id=run.pk)
            timings.append((time.perf_counter() - start) * 1000)
            if done is None or done.status != RunStatus.DONE:
                raise RuntimeError(f"need {need_id}: run #{run.pk} did not finish")
        transaction.set_rollback(True)
    return TaskTimings(first_ms=timings[0], warm_ms=timings[1:] or timings)
