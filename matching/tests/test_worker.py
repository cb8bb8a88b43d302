"""A real worker killed in the middle of a full rescore (Redis + PostgreSQL only).

Run with e.g. ``DATABASE_URL=postgresql:///portal REDIS_URL=redis://127.0.0.1:6379/15
.venv/bin/python -m pytest -m worker matching``; the workers come from portal/tests/worker.py.
"""

import os
import signal
from collections import Counter

import pytest

from matching import services
from matching.models import Match, MatchRun, RunStatus
from matching.tests.conftest import make_need
from needs.models import MatchingState, Need
from portal.tests.worker import queues_purge, worker_running

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEAM = ("matching.tests.worker_app",)

NEEDS = 8


@pytest.fixture
def many_needs(enterprise, current_call, directory) -> list[Need]:
    topics = [
        ("手术机器人运动控制", ["08", "08.05"]),
        ("芯片先进封装", ["01", "01.02"]),
        ("固态电池电解质", ["06", "06.03"]),
        ("康复机器人外骨骼", ["02", "02.05"]),
    ]
    return [
        make_need(enterprise, current_call, f"{title}（{i}）", f"{title}相关技术合作。", codes)
        for i in range(NEEDS // len(topics))
        for title, codes in topics
    ]


def _run(run_id: int) -> MatchRun:
    return MatchRun.objects.get(pk=run_id)


def _assert_one_set_per_need(needs: list[Need], run: MatchRun) -> None:
    per_need = Counter(Match.objects.values_list("need_id", flat=True))
    pairs = Match.objects.values_list("need_id", "partner_id")
    assert len(pairs) == len(set(pairs))
    assert set(per_need) == {n.pk for n in needs}
    assert all(count == 4 for count in per_need.values())  # every partner scores > 0 on each need here
    assert run.status == RunStatus.DONE and run.processed == run.total == len(needs)
    assert set(Need.objects.values_list("matching_state", flat=True)) == {MatchingState.DONE}


def test_whole_worker_killed_mid_rescore_is_redelivered_to_a_new_worker(many_needs, staff_user):
    queues_purge()
    with worker_running(include=SEAM, env={"MATCHING_TEST_STEP_DELAY": "0.5"}) as first:
        run_id = services.full_rescore_start(actor=staff_user).pk
        first.wait_until(
            lambda: _run(run_id).processed >= 2, timeout=120, what="the first worker to score two needs"
        )
        first.stop(kill=True)
    killed_at = _run(run_id)
    assert killed_at.status == RunStatus.RUNNING and killed_at.processed < NEEDS

    # Redis gives an unacknowledged message back after the visibility timeout.
    with worker_running(include=SEAM, env={"JOB_VISIBILITY_TIMEOUT": "3"}) as second:
        second.wait_until(
            lambda: _run(run_id).status == RunStatus.DONE,
            timeout=180,
            what="the new worker to finish the run",
        )

    run = _run(run_id)
    assert run.attempts >= 2
    _assert_one_set_per_need(many_needs, run)


def test_pool_process_killed_mid_rescore_is_requeued_and_finished(many_needs, staff_user):
    """Only the process running the task dies (e.g. the OOM killer): the worker
    rejects the message back to the queue and runs it again."""
    queues_purge()
    with worker_running(include=SEAM, env={"MATCHING_TEST_STEP_DELAY": "0.3"}) as worker:
        run_id = services.full_rescore_start(actor=staff_user).pk
        worker.wait_until(
            lambda: _run(run_id).processed >= 2, timeout=120, what="the worker to score two needs"
        )
        for child in worker.pool_pids():
            os.kill(child, signal.SIGKILL)
        worker.wait_until(
            lambda: _run(run_id).status == RunStatus.DONE, timeout=180, what="the requeued task to finish"
        )

    run = _run(run_id)
    assert run.attempts >= 2
    _assert_one_set_per_need(many_needs, run)
