"""The Celery set-up against a real worker process, Redis and the test database.

Run with REDIS_URL and DATABASE_URL (PostgreSQL) set; see portal/tests/worker.py.
"""

import os
import time
import uuid

import pytest
from django.db import transaction

from portal.models import AuditEntry
from portal.tests import worker_tasks
from portal.tests.worker import worker_running

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _action() -> str:
    return f"worker-test-{uuid.uuid4().hex[:8]}"


def test_a_queued_task_runs_in_the_worker_and_writes_to_the_test_database(celery_worker):
    action = _action()

    worker_tasks.record.delay(action=action)

    entry = celery_worker.wait_until(
        lambda: AuditEntry.objects.filter(action=action).first(), what="the task's row"
    )
    assert entry.data["pid"] != os.getpid()


def test_a_task_enqueued_on_commit_is_not_sent_when_the_transaction_rolls_back(celery_worker):
    kept, dropped = _action(), _action()

    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: worker_tasks.record.delay(action=dropped))
        raise RuntimeError("the request failed")
    with transaction.atomic():
        transaction.on_commit(lambda: worker_tasks.record.delay(action=kept))

    celery_worker.wait_until(lambda: AuditEntry.objects.filter(action=kept).exists(), what=kept)
    # The worker handles one job at a time in queue order, so `dropped` would be done by now.
    assert not AuditEntry.objects.filter(action=dropped).exists()


def test_the_worker_translates_with_the_compiled_catalogs(celery_worker):
    for language, expected in (("zh-hans", "登录"), ("zh-hant", "登入"), ("en", "Log in")):
        action = _action()
        worker_tasks.record.delay(action=action, language=language)
        entry = celery_worker.wait_until(
            lambda action=action: AuditEntry.objects.filter(action=action).first(), what=language
        )
        assert entry.data["login"] == expected, language


def test_a_job_whose_pool_process_dies_is_run_again(celery_worker):
    action = _action()

    worker_tasks.die_once.delay(action=action)

    celery_worker.wait_until(
        lambda: AuditEntry.objects.filter(action=f"{action}.done").exists(), timeout=60, what="the rerun"
    )
    died = AuditEntry.objects.get(action=f"{action}.died")
    done = AuditEntry.objects.get(action=f"{action}.done")
    assert died.data["pid"] != done.data["pid"]


def test_health_check_counts_the_running_worker(celery_worker, client, settings):
    # The monitor's token shows which part is up; anonymous callers only see ok.
    settings.HEALTHZ_TOKEN = "worker-test-monitor-token"
    response = client.get("/healthz", headers={"Authorization": "Bearer worker-test-monitor-token"})

    body = response.json()
    assert response.status_code == 200
    assert body["broker"] == {"ok": True, "mode": "redis"}
    assert body["workers"]["ok"] is True
    assert body["workers"]["workers"] >= 1


def test_a_job_of_a_killed_worker_goes_to_another_worker_after_the_visibility_timeout(transactional_db):
    # A queue of its own, so the session's worker cannot take the job.
    queue = f"redelivery-{uuid.uuid4().hex[:6]}"
    action = _action()
    short = {"JOB_VISIBILITY_TIMEOUT": "2"}

    with worker_running(queues=(queue,), env=short) as first:
        worker_tasks.slow.apply_async(kwargs={"action": action, "seconds": 3}, queue=queue)
        first.wait_until(lambda: AuditEntry.objects.filter(action=f"{action}.started").exists(), what="start")
        first.stop(kill=True)
    assert not AuditEntry.objects.filter(action=f"{action}.done").exists()

    time.sleep(2.5)  # past the visibility timeout: the next worker's start-up sweep restores the job
    with worker_running(queues=(queue,), env=short) as second:
        second.wait_until(
            lambda: AuditEntry.objects.filter(action=f"{action}.done").exists(), timeout=60, what="the rerun"
        )
    assert AuditEntry.objects.filter(action=f"{action}.started").count() == 2
