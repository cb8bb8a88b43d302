"""A submission racing the deadline on PostgreSQL: accepted whole or refused whole.

Another connection holds the need's (or the call's) row lock. A submission
sent before the deadline is accepted even when the deadline passes while it
waits for the lock; one sent after it is refused, and nothing of it is saved.
"""

import threading
import time
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


def _submit(need: Need, user):
    """The enterprise submits its draft with the test's complete fields."""
    return submission.need_submit(
        user=user,
        enterprise=need.enterprise,
        call=need.call,
        need_id=need.pk,
        fields=FIELDS,
        consent_share_hk=True,
        consent_contact_release=True,
    )


def _blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def _race(need: Need, user, *, deadline_passes: str, lock_model, monkeypatch):
    """Hold a row lock in another thread; submit in a third; the deadline
    passes "before" the submission is sent, "while" it waits for the lock,
    or "never". Return the submission's outcome."""
    locked, release = threading.Event(), threading.Event()
    outcome: dict = {}
    late = need.call.deadline + timedelta(seconds=1)

    def holder():
        try:
            with transaction.atomic():
                lock_model.objects.select_for_update().get(pk=need.pk if lock_model is Need else need.call_id)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    def submitter():
        try:
            outcome["need"] = _submit(need, user)
        except NeedError as error:
            outcome["error"] = str(error)
        finally:
            connections.close_all()

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(10)
    if deadline_passes == "before":
        monkeypatch.setattr(submission, "_now", lambda: late)
    submitting = threading.Thread(target=submitter)
    submitting.start()
    for _ in range(100):  # until the submission waits for the holder's lock
        if _blocked_on_a_lock():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the submission never waited for the lock")
    if deadline_passes == "while":
        monkeypatch.setattr(submission, "_now", lambda: late)
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
def test_a_submission_sent_after_the_deadline_is_refused_whole(
    draft, enterprise_user, monkeypatch, lock_model
):
    outcome = _race(
        draft, enterprise_user, deadline_passes="before", lock_model=lock_model, monkeypatch=monkeypatch
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


@pytest.mark.parametrize("deadline_passes", ["never", "while"])
@pytest.mark.parametrize("lock_model", [Need, Call])
def test_a_submission_sent_in_time_is_saved_whole_even_if_the_deadline_passes_while_it_waits(
    draft, enterprise_user, monkeypatch, lock_model, deadline_passes
):
    outcome = _race(
        draft,
        enterprise_user,
        deadline_passes=deadline_passes,
        lock_model=lock_model,
        monkeypatch=monkeypatch,
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
            _submit(draft, enterprise_user)
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


def test_submissions_in_one_call_do_not_wait_for_each_other(draft, enterprise_user):
    """One submission holding its lock on the call (as while it writes) does
    not hold up another need's submission in the same call."""
    holding, release = threading.Event(), threading.Event()

    def other_submission_in_progress():
        try:
            with transaction.atomic():
                submission._call_shared(draft.call_id)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_submission_in_progress)
    other.start()
    assert holding.wait(10)
    done: dict = {}

    def submit():
        try:
            done["need"] = _submit(draft, enterprise_user)
        finally:
            connections.close_all()

    submitting = threading.Thread(target=submit)
    submitting.start()
    submitting.join(5)
    finished_while_held = not submitting.is_alive()
    release.set()
    other.join(10)
    submitting.join(10)
    assert finished_while_held
    assert done["need"].status == NeedStatus.SUBMITTED
