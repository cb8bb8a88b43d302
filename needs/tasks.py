"""Celery tasks of the back office. They take ids and call services."""

from celery import shared_task


@shared_task(name="needs.tasks.export_job", time_limit=15 * 60, soft_time_limit=14 * 60)
def export_job_task(job_id: int) -> None:
    """Write the workbook of one ExportJob (idempotent: a finished job is kept)."""
    from needs.exports import export_job_run

    export_job_run(job_id=job_id)
