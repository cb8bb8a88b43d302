"""Duplicate detection runs after the submission commits, finds candidates by
index (MinHash bands), and keeps the flags' meaning: same thresholds, resolved
pairs stay resolved, a rerun changes nothing."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError as BrokerError

from needs import tasks
from needs.models import DuplicateFlag, NeedSignatureBand, NeedStatus
from needs.services import duplicates, submission

pytestmark = pytest.mark.django_db

TEXT = "面向肿瘤类器官的高通量药敏检测平台，要求培养成功率不低于百分之七十，检测周期不超过十四天，成本可控。"


def _random_text(seed: int, length: int = 150) -> str:
    rng = random.Random(seed)
    return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(length))


def _submit(need, user, django_capture_on_commit_callbacks, *, execute: bool, **fields):
    with django_capture_on_commit_callbacks(execute=execute) as callbacks:
        submission.need_submit(
            user=user,
            enterprise=need.enterprise,
            call=need.call,
            need_id=need.pk,
            fields=fields,
            consent_share_hk=True,
            consent_contact_release=False,
        )
    return callbacks


def _flags(need) -> set[tuple[int, bool]]:
    return {(f.other_id, f.same_enterprise) for f in DuplicateFlag.objects.filter(need=need)}


def test_submission_flags_nothing_until_its_transaction_commits(
    make_need, enterprise_user, django_capture_on_commit_callbacks
):
    original = make_need(title="类器官药敏平台", description=TEXT)
    copy = make_need(title="类器官药敏平台", description=TEXT + "谢谢", status=NeedStatus.DRAFT)
    callbacks = _submit(copy, enterprise_user, django_capture_on_commit_callbacks, execute=False)
    assert not DuplicateFlag.objects.exists()
    assert not NeedSignatureBand.objects.filter(need=copy).exists()
    for callback in callbacks:
        callback()
    assert _flags(copy) == {(original.pk, True)}
    assert NeedSignatureBand.objects.filter(need=copy).count() == duplicates.SIGNATURE_BANDS


def test_flags_within_and_across_enterprises(make_need, other_enterprise):
    original = make_need(title="类器官药敏平台", description=TEXT)
    same = make_need(title="类器官药敏平台", description=TEXT + "谢谢")
    across = make_need(enterprise=other_enterprise, title="类器官药敏平台", description=TEXT)
    unrelated = make_need(title="锂电池隔膜涂覆工艺", description=_random_text(1))
    # Drafts and withdrawn needs are not compared.
    make_need(title="类器官药敏平台", description=TEXT, status=NeedStatus.DRAFT)
    make_need(title="类器官药敏平台", description=TEXT, status=NeedStatus.WITHDRAWN)
    tasks.flag_duplicates(across.pk)
    assert _flags(across) == {(original.pk, False), (same.pk, False)}
    tasks.flag_duplicates(same.pk)
    assert _flags(same) == {(original.pk, True), (across.pk, False)}
    tasks.flag_duplicates(unrelated.pk)
    assert _flags(unrelated) == set()


def test_the_thresholds_keep_their_meaning(make_need, other_enterprise):
    # About 0.7 similar: a duplicate across enterprises (≥ 0.6), not within one (< 0.8).
    base = _random_text(2, 200)
    variant = base[:165] + _random_text(3, 35)
    similarity = duplicates.jaccard(duplicates.need_shingles("", base), duplicates.need_shingles("", variant))
    assert 0.6 <= similarity < 0.8
    need = make_need(title="", description=variant)
    same = make_need(title="", description=base)
    across = make_need(enterprise=other_enterprise, title="", description=base)
    tasks.flag_duplicates(need.pk)
    assert _flags(need) == {(across.pk, False)}
    assert DuplicateFlag.objects.get(need=need).similarity == round(similarity, 4)
    assert same.pk not in {other for other, _ in _flags(need)}


def test_running_the_task_twice_leaves_the_same_rows(make_need, other_enterprise):
    make_need(title="类器官药敏平台", description=TEXT)
    need = make_need(enterprise=other_enterprise, title="类器官药敏平台", description=TEXT)
    tasks.flag_duplicates(need.pk)
    flags = list(DuplicateFlag.objects.order_by("pk").values())
    bands = list(NeedSignatureBand.objects.order_by("need_id", "band").values("need_id", "band", "bucket"))
    assert flags
    tasks.flag_duplicates(need.pk)
    assert list(DuplicateFlag.objects.order_by("pk").values()) == flags
    assert (
        list(NeedSignatureBand.objects.order_by("need_id", "band").values("need_id", "band", "bucket"))
        == bands
    )


def test_a_resolved_pair_is_not_flagged_again(make_need, other_enterprise, staff_user):
    original = make_need(title="类器官药敏平台", description=TEXT)
    need = make_need(enterprise=other_enterprise, title="类器官药敏平台", description=TEXT)
    tasks.flag_duplicates(need.pk)
    flag = DuplicateFlag.objects.get(need=need, other=original)
    duplicates.duplicate_flag_resolve(actor=staff_user, flag_id=flag.pk)
    tasks.flag_duplicates(need.pk)
    assert list(DuplicateFlag.objects.filter(need=need).values_list("pk", "resolved_by")) == [
        (flag.pk, staff_user.pk)
    ]


def test_a_text_change_recomputes_the_bands_and_the_flags(
    make_need, enterprise_user, django_capture_on_commit_callbacks
):
    original = make_need(title="类器官药敏平台", description=TEXT)
    need = make_need(title="类器官药敏平台", description=TEXT, status=NeedStatus.DRAFT)
    _submit(need, enterprise_user, django_capture_on_commit_callbacks, execute=True)
    assert _flags(need) == {(original.pk, True)}
    before = list(
        NeedSignatureBand.objects.filter(need=need).order_by("band").values_list("bucket", flat=True)
    )
    new_text = _random_text(4)
    _submit(
        need,
        enterprise_user,
        django_capture_on_commit_callbacks,
        execute=True,
        title="锂电池隔膜",
        description=new_text,
    )
    after = list(
        NeedSignatureBand.objects.filter(need=need).order_by("band").values_list("bucket", flat=True)
    )
    assert after == duplicates.signature_buckets(duplicates.need_shingles("锂电池隔膜", new_text))
    assert after != before
    assert _flags(need) == set()


def test_only_candidates_are_compared(make_need, monkeypatch):
    for seed in range(40):
        make_need(title="", description=_random_text(100 + seed))
    original = make_need(title="类器官药敏平台", description=TEXT)
    first = make_need(title="锂电池隔膜", description=_random_text(99))
    tasks.flag_duplicates(first.pk)  # gives the needs written without a signature theirs
    assert NeedSignatureBand.objects.values("need").distinct().count() == 42
    compared = []
    real = duplicates.need_shingles
    monkeypatch.setattr(duplicates, "need_shingles", lambda t, d: compared.append(d) or real(t, d))
    copy = make_need(title="类器官药敏平台", description=TEXT + "谢谢")
    tasks.flag_duplicates(copy.pk)
    assert _flags(copy) == {(original.pk, True)}
    # Its own text and the candidates', not the 41 other needs of the call.
    assert len(compared) < 5


def test_similar_texts_share_a_bucket():
    # The banding's promise: a pair at or above the lower threshold is a candidate.
    rng = random.Random(5)
    checked = 0
    for seed in range(60):
        base = _random_text(1000 + seed, 300)
        cut = rng.randrange(60, 120)
        variant = base[:cut] + _random_text(2000 + seed, rng.randrange(5, 60)) + base[cut + 30 :]
        a, b = duplicates.need_shingles("", base), duplicates.need_shingles("", variant)
        if duplicates.jaccard(a, b) < duplicates.CROSS_ENTERPRISE_THRESHOLD:
            continue
        checked += 1
        pairs_a = set(enumerate(duplicates.signature_buckets(a)))
        assert pairs_a & set(enumerate(duplicates.signature_buckets(b)))
    assert checked > 20
    unrelated = [duplicates.signature_buckets(duplicates.need_shingles("", _random_text(s))) for s in (7, 8)]
    assert not set(enumerate(unrelated[0])) & set(enumerate(unrelated[1]))


def test_a_broker_outage_runs_the_check_after_commit_instead(make_need, monkeypatch):
    original = make_need(title="类器官药敏平台", description=TEXT)
    need = make_need(title="类器官药敏平台", description=TEXT)

    def down(*args, **kwargs):
        raise BrokerError("broker down")

    monkeypatch.setattr(tasks.flag_duplicates, "delay", down)
    duplicates._enqueue_duplicate_check(need.pk)
    assert _flags(need) == {(original.pk, True)}


def test_a_deleted_need_is_a_no_op(make_need):
    need = make_need()
    need_id = need.pk
    need.delete()
    tasks.flag_duplicates(need_id)
    assert not NeedSignatureBand.objects.exists()


def test_submission_does_not_read_the_other_needs_of_the_call(
    make_need, enterprise_user, django_capture_on_commit_callbacks
):
    """Inside the submit transaction (call row locked) the work is the same
    whether the call holds two needs or forty: no scan of other needs."""

    def queries_of_one_submission(description: str) -> list[str]:
        need = make_need(title="类器官药敏平台", description=description, status=NeedStatus.DRAFT)
        with CaptureQueriesContext(connection) as captured:
            _submit(need, enterprise_user, django_capture_on_commit_callbacks, execute=False)
        return [q["sql"] for q in captured.captured_queries]

    make_need(title="类器官药敏平台", description=TEXT)
    few = queries_of_one_submission(TEXT)
    for seed in range(40):
        make_need(title="类器官药敏平台", description=TEXT + _random_text(seed, 5))
    many = queries_of_one_submission(TEXT + "谢谢")
    assert len(many) == len(few)
    for sql in many:
        assert "needs_duplicateflag" not in sql
        assert "needs_needsignatureband" not in sql
