"""Queueing e-mail tasks from a web request.

E-mail is always sent by a Celery task with retries, queued after the commit.
Queueing must never turn a request that already succeeded into an error page:
if the broker is down, or a task run eagerly (development, tests) fails after
its retries, the failure is logged and the request carries on.
"""

import logging
from smtplib import SMTPException

from celery import Task

logger = logging.getLogger(__name__)

# What a mail task retries on: SMTP refusals and network errors.
MAIL_ERRORS = (SMTPException, OSError)
# The retry policy shared by every mail task (`@shared_task(**MAIL_TASK_OPTIONS)`).
MAIL_TASK_OPTIONS = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 6,
    "time_limit": 60,
    "soft_time_limit": 50,
}


def mail_enqueue(task: Task, *args) -> None:
    """Queue a mail task; log instead of failing the request."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 (the user's action is committed; the mail is not theirs to fix)
        logger.exception("could not queue or send e-mail task %s%r", task.name, args)
