"""A real worker killed in the middle of a full rescore (Redis + PostgreSQL only).

Run with e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_matching
REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python -m pytest -m worker matching``.
"""

import os
import signal
from collections import Counter
from pathlib import Path

import pytest

from matching import services
from matching.models import Match, MatchRun, RunStatus
from matching.tests.conftest import make_need, wait_for
from needs.models import MatchingState, Need

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

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


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def test_whole_worker_killed_mid_rescore_is_redelivered_to_a_new_worker(
    celery_worker_process, many_needs, staff_user
):
    worker = celery_worker_process
    first = worker.start(MATCHING_TEST_STEP_DELAY="0.5")
    run_id = services.full_rescore_start(actor=staff_user).pk

    wait_for(lambda: _run(run_id).processed >= 2, 120, "the first worker to score two needs", worker)
    worker.kill(first)
    killed_at = _run(run_id)
    assert killed_at.status == RunStatus.RUNNING and killed_at.processed < NEEDS

    # Redis gives an unacknowledged message back after the visibility timeout.
    worker.start(MATCHING_TEST_VISIBILITY_TIMEOUT="3")
    wait_for(lambda: _run(run_id).status == RunStatus.DONE, 180, "the new worker to finish the run", worker)

    run = _run(run_id)
    assert run.attempts >= 2
    _assert_one_set_per_need(many_needs, run)


def test_pool_process_killed_mid_rescore_is_requeued_and_finished(
    celery_worker_process, many_needs, staff_user
):
    """Only the process running the task dies (e.g. the OOM killer): the worker
    rejects the message back to the queue and runs it again."""
    worker = celery_worker_process
    main = worker.start(MATCHING_TEST_STEP_DELAY="0.3")
    run_id = services.full_rescore_start(actor=staff_user).pk

    wait_for(lambda: _run(run_id).processed >= 2, 120, "the worker to score two needs", worker)
    for child in _children(main.pid):
        os.kill(child, signal.SIGKILL)

    wait_for(lambda: _run(run_id).status == RunStatus.DONE, 180, "the requeued task to finish", worker)

    run = _run(run_id)
    assert run.attempts >= 2
    _assert_one_set_per_need(many_needs, run)
