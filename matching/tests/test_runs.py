"""Matching runs: scheduling, idempotency, partner merges, pending pick-up, broker down."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse

from matching import services, tasks
from matching.documents import need_to_doc, partner_to_doc
from matching.models import Match, MatchDecision, MatchRun, RunKind, RunStatus
from matching.scoring import SCORER_VERSION
from matching.tests.conftest import make_need, make_partner
from needs.models import MatchingState, Need, NeedStatus
from portal.celery import app

pytestmark = pytest.mark.django_db


def current_set(need: Need) -> list[tuple[int, float]]:
    return list(
        Match.objects.filter(need=need).order_by("-score", "partner_id").values_list("partner_id", "score")
    )


def schedule(need: Need, django_capture_on_commit_callbacks) -> MatchRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.need_schedule_scoring(need_id=need.pk)
    run.refresh_from_db()
    return run


# --- documents -----------------------------------------------------------------------


def test_need_doc_carries_codes_focus_named_partner_and_no_private_fields(robot_need, enterprise):
    robot_need.has_intended_partner = True
    robot_need.intended_partner_name = "香港大学"
    robot_need.save()

    doc = need_to_doc(robot_need)

    assert doc.field_codes == ("08", "08.05")
    assert doc.field_names == ("先进制造与自动化", "新型机械")
    assert doc.focus_field_codes == ("01", "02")  # the current call's focus fields
    assert doc.named_partner == "香港大学"
    assert enterprise.name not in repr(doc) and enterprise.contact_email not in repr(doc)


def test_partner_doc_splits_keywords_and_reads_fields(directory):
    doc = partner_to_doc(directory["chip"])

    assert doc.keywords == ("晶片設計", "封裝")
    assert doc.field_codes == ("01.02",)
    assert "City University of Hong Kong (CityU)" in doc.names
    assert "partner-private" not in repr(doc)


# --- one need --------------------------------------------------------------------------


def test_submitting_a_need_scores_it_with_reasons_and_version(
    robot_need, directory, django_capture_on_commit_callbacks
):
    run = schedule(robot_need, django_capture_on_commit_callbacks)

    robot_need.refresh_from_db()
    assert run.status == RunStatus.DONE and run.processed == 1 and run.attempts == 1
    assert robot_need.matching_state == MatchingState.DONE
    top = Match.objects.filter(need=robot_need).order_by("-score").first()
    assert top.partner == directory["robot"]
    assert top.scorer_version == SCORER_VERSION
    assert {r["code"] for r in top.reasons} >= {"shared_concepts", "same_field"}
    assert set(top.parts) >= {"text_concepts", "field", "mode"}
    assert run.matches_written == Match.objects.filter(need=robot_need).count()


def test_top_n_is_kept(robot_need, directory, settings, django_capture_on_commit_callbacks):
    settings.MATCHING_TOP_N = 2

    schedule(robot_need, django_capture_on_commit_callbacks)

    assert Match.objects.filter(need=robot_need).count() == 2


def test_running_a_need_task_twice_leaves_one_current_set(
    robot_need, directory, django_capture_on_commit_callbacks
):
    run = schedule(robot_need, django_capture_on_commit_callbacks)
    first = current_set(robot_need)

    tasks.score_need.apply(args=[run.pk])  # the same message delivered again
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)  # as if killed before finishing
    tasks.score_need.apply(args=[run.pk])
    schedule(robot_need, django_capture_on_commit_callbacks)  # and a new run

    assert current_set(robot_need) == first
    assert Match.objects.filter(need=robot_need).count() == len(first)
    assert MatchRun.objects.get(pk=run.pk).attempts == 2  # the finished run was not executed again


def test_withdrawn_need_loses_its_matches(robot_need, directory, django_capture_on_commit_callbacks):
    schedule(robot_need, django_capture_on_commit_callbacks)
    Need.objects.filter(pk=robot_need.pk).update(status=NeedStatus.WITHDRAWN)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.need_schedule_scoring(need_id=robot_need.pk) is None

    robot_need.refresh_from_db()
    assert not Match.objects.filter(need=robot_need).exists()
    assert robot_need.matching_state == MatchingState.NONE


def test_draft_needs_are_not_scored(enterprise, current_call, directory, django_capture_on_commit_callbacks):
    draft = make_need(enterprise, current_call, "手术机器人", "手术机器人", ["08"], status=NeedStatus.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        services.need_schedule_scoring(need_id=draft.pk)

    assert not Match.objects.filter(need=draft).exists()
    assert not MatchRun.objects.filter(need=draft).exists()


# --- full rescore ------------------------------------------------------------------------


def test_full_rescore_twice_gives_one_set_per_need(
    robot_need, chip_need, directory, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.full_rescore_start(actor=staff_user)
    run.refresh_from_db()
    sets = {n.pk: current_set(n) for n in (robot_need, chip_need)}
    assert run.status == RunStatus.DONE and run.processed == run.total == 2
    assert sets[chip_need.pk][0][0] == directory["chip"].pk

    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)

    assert {n.pk: current_set(n) for n in (robot_need, chip_need)} == sets
    assert Match.objects.count() == sum(len(s) for s in sets.values())


def test_full_rescore_resumes_after_its_cursor(robot_need, chip_need, directory, staff_user):
    """A redelivered run continues after the last need it finished."""
    run = MatchRun.objects.create(kind=RunKind.FULL, trigger="staff", status=RunStatus.RUNNING)
    Match.objects.create(
        need=robot_need, partner=directory["battery"], score=0.99, parts={}, reasons=[], scorer_version="x"
    )
    # The first delivery finished robot_need (lower id) before the worker died.
    MatchRun.objects.filter(pk=run.pk).update(cursor=robot_need.pk, processed=1, total=2, attempts=1)

    tasks.rescore_all.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.processed == run.total == 2 and run.attempts == 2
    assert current_set(robot_need) == [(directory["battery"].pk, 0.99)]  # not redone
    assert Match.objects.filter(need=chip_need).exists()


def test_a_second_full_rescore_is_refused_while_one_runs(staff_user, directory):
    MatchRun.objects.create(kind=RunKind.FULL, trigger="staff", status=RunStatus.RUNNING)

    with pytest.raises(services.MatchingError):
        services.full_rescore_start(actor=staff_user)


def test_full_rescore_drops_matches_of_deactivated_partners(
    robot_need, directory, staff_user, django_capture_on_commit_callbacks
):
    schedule(robot_need, django_capture_on_commit_callbacks)
    directory["robot"].is_active = False
    directory["robot"].save()

    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)

    assert not Match.objects.filter(partner=directory["robot"]).exists()


# --- dismissals ---------------------------------------------------------------------------


def test_dismissed_pair_stays_dismissed_after_rescoring(
    robot_need, directory, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_TOP_N = 2
    schedule(robot_need, django_capture_on_commit_callbacks)
    best = directory["robot"]
    assert current_set(robot_need)[0][0] == best.pk

    services.match_dismiss(
        actor=staff_user, need_id=robot_need.pk, partner_id=best.pk, reason="lacks_capability"
    )
    schedule(robot_need, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_schedule_scoring(partner_id=best.pk)

    partners = [p for p, _s in current_set(robot_need)]
    assert best.pk not in partners
    assert len(partners) == 2  # the top N is refilled from the others
    decision = MatchDecision.objects.get(need=robot_need, partner=best)
    assert decision.decision == "dismissed" and decision.score > 0


def test_dismissing_with_other_needs_a_note(
    robot_need, directory, staff_user, django_capture_on_commit_callbacks
):
    schedule(robot_need, django_capture_on_commit_callbacks)

    with pytest.raises(services.MatchingError):
        services.match_dismiss(
            actor=staff_user,
            need_id=robot_need.pk,
            partner_id=directory["robot"].pk,
            reason="other",
            note=" ",
        )

    assert Match.objects.filter(need=robot_need, partner=directory["robot"]).exists()


# --- one partner ---------------------------------------------------------------------------


def test_a_new_partner_enters_the_top_n_of_fitting_needs(
    robot_need, chip_need, directory, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_TOP_N = 2
    for need in (robot_need, chip_need):
        schedule(need, django_capture_on_commit_callbacks)
    newcomer = make_partner(
        "微創手術機械人實驗室",
        "Surgical Robotics Lab",
        "手術機械人、內窺鏡機械人、連續體機械人的精準控制。Surgical robot control.",
        "手術機械人, 內窺鏡機械人",
        ["08.05"],
        ["joint_dev"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        run = services.partner_schedule_scoring(partner_id=newcomer.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.kind == RunKind.PARTNER
    assert newcomer.pk in [p for p, _s in current_set(robot_need)]
    assert newcomer.pk not in [p for p, _s in current_set(chip_need)]
    assert all(Match.objects.filter(need=n).count() <= 2 for n in (robot_need, chip_need))

    # Merging is idempotent and agrees with rescoring the need from scratch.
    tasks.score_partner.apply(args=[run.pk])
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    tasks.score_partner.apply(args=[run.pk])
    merged = current_set(robot_need)
    schedule(robot_need, django_capture_on_commit_callbacks)
    assert [p for p, _s in merged] == [p for p, _s in current_set(robot_need)]


def test_deactivated_partner_leaves_every_need(robot_need, directory, django_capture_on_commit_callbacks):
    schedule(robot_need, django_capture_on_commit_callbacks)
    directory["robot"].is_active = False
    directory["robot"].save()

    with django_capture_on_commit_callbacks(execute=True):
        services.partner_schedule_scoring(partner_id=directory["robot"].pk)

    assert not Match.objects.filter(partner=directory["robot"]).exists()


# --- broker down and the periodic pick-up ------------------------------------------------


@contextmanager
def _broker_unreachable():
    """Publishing goes to a closed port, as when Redis is down."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**saved[2], "max_retries": 0}
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    with _broker_unreachable():
        yield


def test_submission_survives_a_broker_outage_and_the_periodic_task_scores_later(
    robot_need, directory, broker_down, django_capture_on_commit_callbacks
):
    Need.objects.filter(pk=robot_need.pk).update(status=NeedStatus.DRAFT, submitted_at=None)

    # The enterprise submits: the need is saved and marked pending; queuing fails quietly.
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            Need.objects.filter(pk=robot_need.pk).update(status=NeedStatus.SUBMITTED)
            services.need_schedule_scoring(need_id=robot_need.pk)

    robot_need.refresh_from_db()
    assert robot_need.status == NeedStatus.SUBMITTED
    assert robot_need.matching_state == MatchingState.PENDING
    assert not Match.objects.filter(need=robot_need).exists()
    stuck = MatchRun.objects.get(need=robot_need)
    assert stuck.status == RunStatus.QUEUED

    # Later, beat runs the pick-up (here in-process).
    assert tasks.score_pending_needs.apply().get() == 1

    robot_need.refresh_from_db()
    assert robot_need.matching_state == MatchingState.DONE
    assert Match.objects.filter(need=robot_need).exists()
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.DONE
    assert tasks.score_pending_needs.apply().get() == 0


def test_pending_pick_up_closes_older_stuck_runs(robot_need, directory):
    older = MatchRun.objects.create(kind=RunKind.NEED, trigger="need_saved", need=robot_need, total=1)
    newer = MatchRun.objects.create(kind=RunKind.NEED, trigger="need_saved", need=robot_need, total=1)
    Need.objects.filter(pk=robot_need.pk).update(matching_state=MatchingState.PENDING)

    services.pending_needs_score()

    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.status == RunStatus.DONE and newer.attempts == 1
    assert older.status == RunStatus.DONE and older.attempts == 0
    assert Need.objects.get(pk=robot_need.pk).matching_state == MatchingState.DONE


def test_a_failing_run_is_marked_failed(
    robot_need, directory, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("scorer exploded")

    monkeypatch.setattr(services.scoring, "rank_partners_for_need", broken)

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        services.need_schedule_scoring(need_id=robot_need.pk)

    run = MatchRun.objects.get(need=robot_need)
    assert run.status == RunStatus.FAILED and "scorer exploded" in run.error
    assert Need.objects.get(pk=robot_need.pk).matching_state == MatchingState.PENDING


@pytest.mark.django_db(transaction=True)  # real commits: the queue is tried when the request commits
def test_a_full_rescore_started_while_the_broker_is_down_waits_and_runs_when_it_is_back(
    staff_user, robot_need, directory, client_as
):
    client = client_as(staff_user)
    with _broker_unreachable():
        response = client.post(reverse("matching:rescore_start"), follow=True)

    run = MatchRun.objects.get(kind=RunKind.FULL)
    assert run.status == RunStatus.WAITING
    assert "任务队列暂时不可用" in response.content.decode()
    assert "全量重新匹配已开始" not in response.content.decode()
    with pytest.raises(services.MatchingError):  # the waiting run is the one that will run
        services.full_rescore_start(actor=staff_user)

    tasks.score_pending_needs()  # the periodic job, once the broker is back

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Match.objects.filter(need=robot_need).exists()
