"""One partner index per directory version, coalesced need triggers, cancelling a full run."""

import pytest
from django.db import transaction
from django.urls import reverse

from matching import partner_index, services
from matching.models import Match, MatchRun, RunKind, RunStatus
from needs.models import CooperationMode, MatchingState, Need
from partners.services import partner_update
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts index builds in this process, starting from an empty cache."""
    partner_index.partner_index_forget()
    calls: list[int] = []
    real = partner_index.partner_index_build

    def counting(**kwargs):
        index = real(**kwargs)
        calls.append(len(index.partners))
        return index

    monkeypatch.setattr(partner_index, "partner_index_build", counting)
    yield calls
    partner_index.partner_index_forget()


def _need_run(need: Need) -> MatchRun:
    return MatchRun.objects.create(kind=RunKind.NEED, trigger="staff", need=need, total=1)


def test_two_need_runs_share_one_index(robot_need, chip_need, builds):
    for need in (robot_need, chip_need, robot_need):
        run = services.run_execute(run_id=_need_run(need).pk)
        assert run.status == RunStatus.DONE

    assert builds == [4]
    assert Match.objects.filter(need=robot_need).exists() and Match.objects.filter(need=chip_need).exists()


def test_a_partner_change_rebuilds_the_index_and_is_scored(robot_need, directory, staff_user, builds):
    battery = Match.objects.filter(need=robot_need, partner=directory["battery"])
    services.run_execute(run_id=_need_run(robot_need).pk)
    before = battery.get().score

    # The battery institute takes up surgical robots; the directory service records it.
    partner_update(
        actor=staff_user,
        partner=directory["battery"],
        data={
            "description": "手術機械人、醫療機械人、內窺鏡機械人研究。",
            "keywords": "手術機械人",
            "cooperation_modes": [CooperationMode.JOINT_DEV],
        },
    )
    services.run_execute(run_id=_need_run(robot_need).pk)

    assert builds == [4, 4]
    assert battery.get().score > before


def test_a_field_change_without_a_save_changes_the_version(directory, builds):
    before = partner_index.directory_version()
    directory["battery"].fields.set(["01.02"])
    assert partner_index.directory_version() != before


def test_repeated_triggers_in_one_transaction_leave_one_run(
    robot_need, directory, django_capture_on_commit_callbacks, builds
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            runs = {services.need_schedule_scoring(need_id=robot_need.pk).pk for _ in range(20)}

    assert len(runs) == 1 and len(callbacks) == 1
    run = MatchRun.objects.get(need=robot_need)
    assert run.status == RunStatus.DONE and run.attempts == 1
    assert Need.objects.get(pk=robot_need.pk).matching_state == MatchingState.DONE
    assert Match.objects.filter(need=robot_need).exists()


def test_a_trigger_after_the_run_started_gets_a_new_run(robot_need, directory, builds):
    first = services.need_schedule_scoring(need_id=robot_need.pk)
    MatchRun.objects.filter(pk=first.pk).update(status=RunStatus.RUNNING)

    second = services.need_schedule_scoring(need_id=robot_need.pk)

    assert second.pk != first.pk
    assert services.need_schedule_scoring(need_id=robot_need.pk).pk == second.pk


def test_the_need_task_writes_its_matches_in_a_few_statements(
    robot_need, directory, builds, django_assert_max_num_queries
):
    services.run_execute(run_id=_need_run(robot_need).pk)  # warm the index
    run = _need_run(robot_need)
    # Not per match: the run's bookkeeping, the need's documents and one delete + one insert.
    with django_assert_max_num_queries(24):
        services.run_execute(run_id=run.pk)
    assert Match.objects.filter(need=robot_need, run=run).count() >= 2


def test_a_cancelled_full_run_never_writes(robot_need, chip_need, staff_user, builds):
    run = services.full_rescore_start(actor=staff_user)
    Match.objects.all().delete()

    services.run_cancel(actor=staff_user, run_id=run.pk)
    result = services.run_execute(run_id=run.pk)

    assert result.status == RunStatus.CANCELLED and result.attempts == 0 and result.processed == 0
    assert not Match.objects.exists()
    assert AuditEntry.objects.filter(action="matching.run_cancel", actor=staff_user).count() == 1
    assert builds == []


def test_a_full_run_stops_at_the_need_boundary_after_a_cancel(
    robot_need, chip_need, staff_user, monkeypatch, builds
):
    run = services.full_rescore_start(actor=staff_user)
    Match.objects.all().delete()
    real = services._replace_need_matches

    def cancel_after_first(need_id, matches, run_):
        written = real(need_id, matches, run_)
        # Staff press "cancel" while the first need is being written.
        MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED)
        return written

    monkeypatch.setattr(services, "_replace_need_matches", cancel_after_first)
    result = services.run_execute(run_id=run.pk)

    assert result.status == RunStatus.CANCELLED and result.processed == 1
    assert set(Match.objects.values_list("need_id", flat=True)) == {min(robot_need.pk, chip_need.pk)}


def test_finished_or_other_runs_cannot_be_cancelled(robot_need, staff_user, builds):
    need_run = _need_run(robot_need)
    done = MatchRun.objects.create(kind=RunKind.FULL, trigger="staff", status=RunStatus.DONE)

    for run in (need_run, done):
        with pytest.raises(services.MatchingError):
            services.run_cancel(actor=staff_user, run_id=run.pk)


def test_staff_cancel_a_waiting_run_from_its_page(staff_user, client_as, builds):
    run = MatchRun.objects.create(kind=RunKind.FULL, trigger="staff", status=RunStatus.WAITING)
    client = client_as(staff_user)
    page = client.get(reverse("matching:run_detail", args=[run.pk]))
    assert reverse("matching:run_cancel", args=[run.pk]) in page.content.decode()

    response = client.post(reverse("matching:run_cancel", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert "已取消" in response.content.decode()
    assert reverse("matching:run_cancel", args=[run.pk]) not in response.content.decode()
    assert services.waiting_runs_enqueue() == 0
