"""The Celery app.

Without REDIS_URL tasks run in-process (eager), so development and the default
test run need no broker. With it, a worker (`celery -A portal worker`) runs them.
Job state lives in database rows (e.g. matching.MatchRun), not in Celery results.
"""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # A task is acknowledged only after it ran. If its pool process dies the
    # job goes straight back to the queue; if the whole worker is killed, Redis
    # hands it out again after JOB_VISIBILITY_TIMEOUT. Tasks are idempotent, so
    # running one twice is harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    # A hung or absent Redis must fail fast instead of blocking a web request.
    broker_connection_timeout=3,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "socket_timeout": 3,
        "socket_connect_timeout": 3,
        "visibility_timeout": settings.JOB_VISIBILITY_TIMEOUT,
        "max_retries": 1,
    },
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
    },
    timezone="Asia/Shanghai",
    beat_schedule={
        "matching-pick-up-pending": {
            "task": "matching.tasks.score_pending_needs",
            "schedule": crontab(minute="*/5"),
        },
        "needs-resume-waiting-exports": {
            "task": "needs.tasks.export_jobs_resume",
            "schedule": crontab(minute="*/5"),
        },
        "partners-expire-interests": {
            "task": "partners.tasks.expire_interests",
            "schedule": crontab(minute=15, hour="*"),
        },
    },
)

app.autodiscover_tasks()
