import hashlib
import re

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from needs import workflow
from needs.errors import NeedError
from needs.models import (
    DuplicateFlag,
    Need,
    NeedSignatureBand,
)
from portal import permissions
from portal.models import User
from portal.queue import enqueue
from portal.services import audit_log

# ---------------------------------------------------------------------------
# Duplicate detection
# ---------------------------------------------------------------------------

SHINGLE_SIZE = 3
# Near-identical needs of one enterprise (copy-paste resubmissions).
SAME_ENTERPRISE_THRESHOLD = 0.8
# Very similar needs of two enterprises (shared templates, agents).
CROSS_ENTERPRISE_THRESHOLD = 0.6
_NOISE = re.compile(r"[\W_]+", re.UNICODE)

# Candidates are found by MinHash with locality-sensitive hashing: the
# signature (BANDS × ROWS minimum hashes of the shingles) is cut into BANDS
# bands, each stored as one hashed bucket (NeedSignatureBand). Two needs whose
# shingle sets have Jaccard similarity s share at least one bucket with
# probability 1 − (1 − s**ROWS)**BANDS: 99.99 % at s = 0.6 (the lower
# threshold), about 4 % at s = 0.1; only those candidates are compared exactly,
# with the thresholds above. Changing these numbers invalidates the stored
# buckets: delete all NeedSignatureBand rows; each check recomputes the ones
# of its call that are missing.
SIGNATURE_BANDS = 40
SIGNATURE_ROWS = 3
_PRIME = 4_294_967_311  # the first prime above 2**32, for 32-bit shingle hashes
_coefficients = np.random.default_rng(20260610)
# a < 2**31 and x < 2**32 keep a·x + b below 2**64: no uint64 overflow.
_HASH_A = _coefficients.integers(1, 2**31, size=SIGNATURE_BANDS * SIGNATURE_ROWS, dtype=np.uint64)
_HASH_B = _coefficients.integers(0, 2**31, size=SIGNATURE_BANDS * SIGNATURE_ROWS, dtype=np.uint64)


def text_shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Character shingles of a text without whitespace and punctuation
    (Chinese has no word boundaries, so characters it is)."""
    cleaned = _NOISE.sub("", text.lower())
    if len(cleaned) <= size:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + size] for i in range(len(cleaned) - size + 1)}


def need_shingles(title: str, description: str) -> set[str]:
    """What duplicate detection compares of a need."""
    return text_shingles(f"{title} {description}")


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _digest(data: bytes, size: int) -> bytes:
    # A stable hash (Python's hash() differs between processes).
    return hashlib.blake2b(data, digest_size=size).digest()


def signature_buckets(shingles: set[str]) -> list[int]:
    """The bucket of each LSH band of a shingle set's MinHash signature
    (band i is list index i); an empty set has none."""
    if not shingles:
        return []
    x = np.fromiter(
        (int.from_bytes(_digest(s.encode(), 4), "big") for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )
    signature = ((_HASH_A[:, None] * x[None, :] + _HASH_B[:, None]) % np.uint64(_PRIME)).min(axis=1)
    rows = signature.astype("<u8").reshape(SIGNATURE_BANDS, SIGNATURE_ROWS)
    return [int.from_bytes(_digest(row.tobytes(), 8), "big", signed=True) for row in rows]


def _bands_write(*, need: Need, buckets: list[int]) -> None:
    NeedSignatureBand.objects.filter(need_id=need.pk).delete()
    NeedSignatureBand.objects.bulk_create(
        NeedSignatureBand(need_id=need.pk, call_id=need.call_id, band=band, bucket=bucket)
        for band, bucket in enumerate(buckets)
    )


def _bands_backfill(*, call_id: int, exclude_id: int) -> None:
    """Give a signature to the compared needs of the call that have none
    (written before signatures existed, or not through `need_submit`), one short
    transaction each; a need locked by its own check or submission is left to it."""
    missing = (
        Need.objects.filter(call_id=call_id)
        .exclude(pk=exclude_id)
        .filter(status__in=workflow.COMPARED_FOR_DUPLICATES)
        .filter(~Exists(NeedSignatureBand.objects.filter(need_id=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    for need_id in list(missing):
        with transaction.atomic():
            need = (
                Need.objects.select_for_update(skip_locked=True)
                .only("pk", "call_id", "title", "description")
                .filter(pk=need_id)
                .first()
            )
            if need is None or NeedSignatureBand.objects.filter(need_id=need_id).exists():
                continue
            _bands_write(need=need, buckets=signature_buckets(need_shingles(need.title, need.description)))


def need_flag_duplicates(*, need_id: int) -> list[DuplicateFlag]:
    """Flag the needs of the same call that look like this one; return its open flags.

    Run by the task `needs.tasks.flag_duplicates` after a submission commits
    (see `need_schedule_duplicate_check`). The need's signature is recomputed
    from its current text; needs sharing a bucket with it are the candidates,
    compared exactly. Open flags are brought up to date in place (running it
    twice changes nothing); flags staff already resolved stay, and their pair
    is not flagged again.
    """
    call_id = Need.objects.filter(pk=need_id).values_list("call_id", flat=True).first()
    if call_id is None:
        return []  # deleted before the check ran
    _bands_backfill(call_id=call_id, exclude_id=need_id)
    with transaction.atomic():
        # The need's lock serialises two checks of it (e.g. two quick resubmissions).
        need = Need.objects.select_for_update().get(pk=need_id)
        mine = need_shingles(need.title, need.description)
        buckets = signature_buckets(mine)
        _bands_write(need=need, buckets=buckets)
        resolved = set(
            DuplicateFlag.objects.filter(need=need, resolved_at__isnull=False).values_list(
                "other_id", flat=True
            )
        )
        same_bucket = Q(pk__in=[])
        for band, bucket in enumerate(buckets):
            same_bucket |= Q(band=band, bucket=bucket)
        candidates = (
            NeedSignatureBand.objects.filter(same_bucket, call_id=need.call_id)
            .exclude(need_id=need.pk)
            .values("need_id")
        )
        others = (
            Need.objects.filter(pk__in=candidates)
            .filter(status__in=workflow.COMPARED_FOR_DUPLICATES)
            .exclude(pk__in=resolved)
            .values_list("pk", "enterprise_id", "title", "description")
        )
        wanted: dict[int, tuple[float, bool]] = {}
        for other_id, enterprise_id, title, description in others:
            same = enterprise_id == need.enterprise_id
            similarity = jaccard(mine, need_shingles(title, description))
            threshold = SAME_ENTERPRISE_THRESHOLD if same else CROSS_ENTERPRISE_THRESHOLD
            if similarity >= threshold:
                wanted[other_id] = (round(similarity, 4), same)
        open_flags = DuplicateFlag.objects.filter(need=need, resolved_at__isnull=True)
        open_flags.exclude(other_id__in=list(wanted)).delete()
        kept = {flag.other_id: flag for flag in open_flags}
        for other_id, (similarity, same) in wanted.items():
            flag = kept.get(other_id)
            if flag is None:
                DuplicateFlag.objects.create(
                    need=need, other_id=other_id, similarity=similarity, same_enterprise=same
                )
            elif (flag.similarity, flag.same_enterprise) != (similarity, same):
                flag.similarity, flag.same_enterprise = similarity, same
                flag.save(update_fields=["similarity", "same_enterprise"])
        return list(DuplicateFlag.objects.filter(need=need, resolved_at__isnull=True))


def need_schedule_duplicate_check(*, need_id: int) -> None:
    """Check a need for duplicates once the caller's transaction commits,
    outside the submission's locks (a Celery task)."""
    transaction.on_commit(lambda: _enqueue_duplicate_check(need_id))


def _enqueue_duplicate_check(need_id: int) -> None:
    # needs.tasks imports this module to run the work: import it on use.
    from needs.tasks import flag_duplicates

    if not enqueue(flag_duplicates, need_id):
        # The check costs a few index lookups: run it here rather than lose it.
        need_flag_duplicates(need_id=need_id)


def duplicate_flag_resolve(*, actor: User, flag_id: int) -> DuplicateFlag:
    """Staff looked at a duplicate flag and dismissed it."""
    if not permissions.can_screen_needs(actor):
        raise NeedError(_("您没有审核需求的权限。"), code="forbidden")
    with transaction.atomic():
        flag = DuplicateFlag.objects.select_for_update().select_related("need").get(pk=flag_id)
        if flag.resolved_at is None:
            flag.resolved_at = timezone.now()
            flag.resolved_by = actor
            flag.save(update_fields=["resolved_at", "resolved_by"])
            audit_log(
                actor=actor,
                action="need.duplicate_resolve",
                obj=flag.need,
                data={"other": flag.other_id, "similarity": flag.similarity},
            )
    return flag
