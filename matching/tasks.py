"""Celery tasks of matching: thin interfaces that take a run id and call a service.

Retries cover database hiccups only; a worker that dies mid-run has its message
given back by the broker (``acks_late`` + ``reject_on_worker_lost`` in
``portal/celery.py``) and the service resumes or repeats the run safely.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import translation

from matching import services

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="matching.tasks.score_need", time_limit=5 * 60, soft_time_limit=4 * 60, **RETRY)
def score_need(run_id: int) -> None:
    """Score one need against every active partner."""
    with translation.override("zh-hans"):
        services.run_execute(run_id=run_id)


@shared_task(name="matching.tasks.score_partner", time_limit=15 * 60, soft_time_limit=14 * 60, **RETRY)
def score_partner(run_id: int) -> None:
    """Score one partner against every need and merge it into their top N."""
    with translation.override("zh-hans"):
        services.run_execute(run_id=run_id)


@shared_task(
    name="matching.tasks.rescore_all",
    time_limit=services.RESCORE_TIME_LIMIT,
    soft_time_limit=115 * 60,
    **RETRY,
)
def rescore_all(run_id: int) -> None:
    """Rescore every need against the whole directory (resumable)."""
    with translation.override("zh-hans"):
        services.run_execute(run_id=run_id)


@shared_task(name="matching.tasks.score_pending_needs", time_limit=30 * 60, soft_time_limit=28 * 60, **RETRY)
def score_pending_needs() -> int:
    """Periodic (beat): queue the runs that waited for the broker, then score
    needs left "matching pending" (their job never reached a worker)."""
    with translation.override("zh-hans"):
        services.waiting_runs_enqueue()
        return services.pending_needs_score()
