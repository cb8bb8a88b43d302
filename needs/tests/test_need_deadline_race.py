"""A submission racing the deadline on PostgreSQL: accepted whole or refused whole.

Another connection holds the need's row lock while the deadline passes (the
service's clock is moved past it before the lock is released). The submission
waits for the lock, then decides on the deadline inside its own transaction.
"""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from needs.errors import NeedError
from needs.models import Call, Need, NeedStatus
from needs.services import submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FIELDS = {
    "title": "竞态测试需求",
    "description": "完整内容",
    "basis": "基础",
    "categories": ["patent"],
    "cooperation_modes": ["transfer"],
}


@pytest.fixture(autouse=True)
def _postgres_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    monkeypatch.setattr("matching.services.need_schedule_scoring", lambda *, need_id: None)


def _race(need: Need, user, *, deadline_passes: bool, lock_model, monkeypatch):
    """Hold a row lock in another thread; submit in a third; return its outcome."""
    locked, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def holder():
        try:
            with transaction.atomic():
                lock_model.objects.select_for_update().get(pk=need.pk if lock_model is Need else need.call_id)
                locked.set()
                release.wait(10)
                if deadline_passes:
                    late = need.call.deadline + timedelta(seconds=1)
                    monkeypatch.setattr(submission, "_now", lambda: late)
        finally:
            connections.close_all()

    def submitter():
        try:
            outcome["need"] = submission.need_submit(
                user=user,
                enterprise=need.enterprise,
                call=need.call,
                need_id=need.pk,
                fields=FIELDS,
                consent_share_hk=True,
                consent_contact_release=True,
            )
        except NeedError as error:
            outcome["error"] = str(error)
        finally:
            connections.close_all()

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(10)
    submitting = threading.Thread(target=submitter)
    submitting.start()
    release.set()
    holding.join(15)
    submitting.join(15)
    return outcome


@pytest.fixture
def draft(current_call, enterprise_user) -> Need:
    return Need.objects.create(
        enterprise=enterprise_user.enterprise, call=current_call, created_by=enterprise_user, title="草稿标题"
    )


@pytest.mark.parametrize("lock_model", [Need, Call])
def test_deadline_passing_while_locked_refuses_the_whole_submission(
    draft, enterprise_user, monkeypatch, lock_model
):
    outcome = _race(
        draft, enterprise_user, deadline_passes=True, lock_model=lock_model, monkeypatch=monkeypatch
    )
    assert "截止" in outcome["error"]
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.reference, draft.consent_at, draft.categories) == (
        NeedStatus.DRAFT,
        "草稿标题",
        None,
        None,
        [],
    )


@pytest.mark.parametrize("lock_model", [Need, Call])
def test_submission_before_the_deadline_is_saved_whole(draft, enterprise_user, monkeypatch, lock_model):
    outcome = _race(
        draft, enterprise_user, deadline_passes=False, lock_model=lock_model, monkeypatch=monkeypatch
    )
    assert "error" not in outcome
    draft.refresh_from_db()
    assert draft.status == NeedStatus.SUBMITTED
    assert draft.title == "竞态测试需求" and draft.categories == ["patent"]
    assert draft.reference == "JSHK-2026-0001"
    assert draft.consent_version == settings.CONSENT_VERSION


def test_two_submissions_at_once_share_one_reference(draft, enterprise_user):
    errors: list[Exception] = []

    def submit():
        try:
            submission.need_submit(
                user=enterprise_user,
                enterprise=draft.enterprise,
                call=draft.call,
                need_id=draft.pk,
                fields=FIELDS,
                consent_share_hk=True,
                consent_contact_release=False,
            )
        except Exception as error:  # noqa: BLE001 - any failure is reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert not errors
    draft.refresh_from_db()
    assert draft.reference == "JSHK-2026-0001"
    from needs.models import ReferenceCounter

    assert ReferenceCounter.objects.get(year=2026).last_number == 1
