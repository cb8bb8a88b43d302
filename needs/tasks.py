"""Celery tasks of the back office. They take ids and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from needs.services import duplicates, exports, screening, submission
from portal.mail import MAIL_TASK_OPTIONS


@shared_task(name="needs.tasks.export_job", time_limit=15 * 60, soft_time_limit=14 * 60)
def export_job_task(job_id: int) -> None:
    """Write the workbook of one ExportJob (idempotent: a finished job is kept)."""
    exports.export_job_run(job_id=job_id)


@shared_task(name="needs.tasks.export_jobs_resume", time_limit=60)
def export_jobs_resume() -> int:
    """Queue the export jobs that waited for the queue (beat, every 5 minutes)."""
    return exports.export_jobs_resume()


@shared_task(
    name="needs.tasks.flag_duplicates",
    time_limit=2 * 60,
    soft_time_limit=100,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def flag_duplicates(need_id: int) -> None:
    """Flag the needs of the call that look like this one (idempotent: a rerun
    leaves the same flags). Queued after a submission commits."""
    duplicates.need_flag_duplicates(need_id=need_id)


@shared_task(name="needs.tasks.send_need_receipt", **MAIL_TASK_OPTIONS)
def send_need_receipt(need_id: int, language: str, edited: bool = False) -> None:
    """E-mail the receipt of a submission (queued after the submission commits)."""
    submission.need_send_receipt(need_id=need_id, language=language, edited=edited)


@shared_task(name="needs.tasks.send_screening_notice", **MAIL_TASK_OPTIONS)
def send_screening_notice(event_id: int) -> None:
    """E-mail the enterprise about a screening decision (queued after it commits)."""
    screening.screening_notify(event_id=event_id)
