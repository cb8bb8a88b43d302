"""Tasks that exist only for the worker harness's tests.

Each records what it saw as an AuditEntry, so the test process can read the
outcome from the database, which is the only state a job leaves.
"""

import os
import time

from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext

from portal.models import AuditEntry


@shared_task(name="portal.tests.record")
def record(*, action: str, language: str = "zh-hans") -> None:
    """Write one entry with the worker's pid and a translated word."""
    with translation.override(language):
        AuditEntry.objects.create(action=action, data={"pid": os.getpid(), "login": gettext("登录")})


@shared_task(name="portal.tests.die_once")
def die_once(*, action: str) -> None:
    """The first delivery kills its pool process; the redelivered one completes."""
    if not AuditEntry.objects.filter(action=f"{action}.died").exists():
        AuditEntry.objects.create(action=f"{action}.died", data={"pid": os.getpid()})
        os._exit(1)
    AuditEntry.objects.create(action=f"{action}.done", data={"pid": os.getpid()})


@shared_task(name="portal.tests.slow")
def slow(*, action: str, seconds: float) -> None:
    """Record the start, sleep, record the end: a job to kill half-way."""
    AuditEntry.objects.create(action=f"{action}.started", data={"pid": os.getpid()})
    time.sleep(seconds)
    AuditEntry.objects.create(action=f"{action}.done", data={"pid": os.getpid()})
