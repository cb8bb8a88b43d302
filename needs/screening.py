"""Back-office writes: screening transitions, rubric scores, the event shortlist
and duplicate flagging.

Every function here is a service: keyword-only, atomic, audited when staff (or
a reviewer) act, e-mails queued on commit. The allowed status changes live in
`TRANSITIONS`, the one table of the screening workflow.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError

from needs.models import (
    Call,
    DuplicateFlag,
    Need,
    NeedSignatureBand,
    NeedStatus,
    ReviewScore,
    Rubric,
    ScreeningEvent,
    ScreeningReason,
    Shortlist,
    ShortlistEntry,
)
from portal import permissions
from portal.mail import mail_enqueue
from portal.models import User
from portal.services import audit_log


class ScreeningError(Exception):
    """A back-office action that the rules do not allow; the message is translated."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------
# The screening workflow
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    # Reason codes accepted; empty means no reason is asked for.
    reasons: tuple[str, ...] = ()
    message_required: bool = False


_RETURN = Transition(
    action="need.return",
    label=gettext_lazy("退回修改"),
    reasons=(
        ScreeningReason.INCOMPLETE,
        ScreeningReason.UNCLEAR,
        ScreeningReason.NO_TARGET,
        ScreeningReason.OTHER,
    ),
    message_required=True,
)
_ACCEPT = Transition(action="need.accept", label=gettext_lazy("入选并发布"))
_NOT_SELECT = Transition(
    action="need.not_select",
    label=gettext_lazy("未入选"),
    reasons=(
        ScreeningReason.UNCLEAR,
        ScreeningReason.NO_TARGET,
        ScreeningReason.IN_HOUSE,
        ScreeningReason.OUT_OF_SCOPE,
        ScreeningReason.DUPLICATE,
        ScreeningReason.OTHER,
    ),
)
_REVIEW = Transition(action="need.review", label=gettext_lazy("开始审核"))
_REOPEN = Transition(action="need.reopen", label=gettext_lazy("重新审核"))

# (from, to) → what the step needs. The enterprise's own steps (submit,
# resubmit after a return, withdraw) belong to needs.services.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (NeedStatus.SUBMITTED, NeedStatus.UNDER_REVIEW): _REVIEW,
    (NeedStatus.SUBMITTED, NeedStatus.RETURNED): _RETURN,
    (NeedStatus.SUBMITTED, NeedStatus.ACCEPTED): _ACCEPT,
    (NeedStatus.SUBMITTED, NeedStatus.NOT_SELECTED): _NOT_SELECT,
    (NeedStatus.UNDER_REVIEW, NeedStatus.RETURNED): _RETURN,
    (NeedStatus.UNDER_REVIEW, NeedStatus.ACCEPTED): _ACCEPT,
    (NeedStatus.UNDER_REVIEW, NeedStatus.NOT_SELECTED): _NOT_SELECT,
    (NeedStatus.RETURNED, NeedStatus.NOT_SELECTED): _NOT_SELECT,
    (NeedStatus.ACCEPTED, NeedStatus.UNDER_REVIEW): _REOPEN,
    (NeedStatus.NOT_SELECTED, NeedStatus.UNDER_REVIEW): _REOPEN,
}

# The enterprise hears about these; starting or reopening a review is internal.
NOTIFIED_STATUSES = (NeedStatus.RETURNED, NeedStatus.ACCEPTED, NeedStatus.NOT_SELECTED)


def transitions_from(status: str) -> list[tuple[str, Transition]]:
    """The target statuses staff may choose from `status`, in table order."""
    return [(to, t) for (frm, to), t in TRANSITIONS.items() if frm == status]


def need_public_snapshot(need: Need) -> dict:
    """The public text of a need as staff publish it (no enterprise fields):
    what Hong Kong users were shown, kept when the need is later edited."""
    return {
        "reference": need.reference or "",
        "title": need.title,
        "field_l1_name": need.field_l1.name_zh if need.field_l1_id else "",
        "field_l2_name": need.field_l2.name_zh if need.field_l2_id else "",
        "field_l3_name": need.field_l3.name_zh if need.field_l3_id else "",
        "description": need.description,
        "basis": need.basis,
        "partner_requirements": need.partner_requirements,
        "partner_role": need.partner_role,
        "categories": list(need.categories),
        "cooperation_modes": list(need.cooperation_modes),
        "published_at": timezone.now().isoformat(),
    }


def need_screen(
    *, actor: User, need_id: int, to_status: str, reason_code: str = "", message: str = ""
) -> Need:
    """Move a need along the screening workflow, record it, tell the enterprise.

    Raises ScreeningError for a step the table does not allow, a missing or
    foreign reason code, or an actor who may not screen.
    """
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有审核需求的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("enterprise").get(pk=need_id)
        transition = TRANSITIONS.get((need.status, to_status))
        if transition is None:
            raise ScreeningError(
                _("不能将需求从“%(from)s”改为“%(to)s”。")
                % {
                    "from": NeedStatus(need.status).label,
                    "to": NeedStatus(to_status).label if to_status in NeedStatus.values else to_status,
                },
                code="invalid_transition",
            )
        reason_code = reason_code or ""
        message = (message or "").strip()
        if transition.reasons:
            if reason_code not in transition.reasons:
                raise ScreeningError(_("请选择有效的原因。"), code="reason_required")
            if (transition.message_required or reason_code == ScreeningReason.OTHER) and not message:
                raise ScreeningError(_("请填写说明。"), code="message_required")
        else:
            reason_code = ""
        from_status = need.status
        need.status = to_status
        if to_status == NeedStatus.ACCEPTED:
            need.published_snapshot = need_public_snapshot(need)
        need.save(update_fields=["status", "published_snapshot", "updated_at"])
        event = ScreeningEvent.objects.create(
            need=need,
            from_status=from_status,
            to_status=to_status,
            reason_code=reason_code,
            message=message,
            actor=actor,
        )
        audit_log(
            actor=actor,
            action=transition.action,
            obj=need,
            data={"from": from_status, "to": to_status, "reason": reason_code, "message": message},
        )
        if to_status == NeedStatus.ACCEPTED:
            from matching.services import need_schedule_scoring

            need_schedule_scoring(need_id=need.pk)
        if to_status in NOTIFIED_STATUSES:
            event_id = event.pk
            transaction.on_commit(lambda: _enqueue_screening_notice(event_id))
    return need


def _enqueue_screening_notice(event_id: int) -> None:
    # needs.tasks imports this module's services; import it on use.
    from needs.tasks import send_screening_notice

    mail_enqueue(send_screening_notice, event_id)


def screening_notify(*, event_id: int) -> None:
    """E-mail the enterprise's users about a screening decision, each in their
    language (run by the `send_screening_notice` task, never in the request)."""
    event = ScreeningEvent.objects.select_related("need__enterprise").filter(pk=event_id).first()
    if event is None:
        return
    need = event.need
    users = User.objects.filter(enterprise_id=need.enterprise_id, is_active=True)
    by_language: dict[str, list[str]] = {}
    for user in users:
        by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user.email)
    for language, emails in by_language.items():
        with translation.override(language):
            context = {
                "need": need,
                "event": event,
                "status_label": NeedStatus(event.to_status).label,
                "reason_label": ScreeningReason(event.reason_code).label if event.reason_code else "",
                "site_url": settings.SITE_URL,
            }
            subject = _("【苏港技术合作需求对接平台】您的需求“%(title)s”审核结果：%(status)s") % {
                "title": need.title,
                "status": context["status_label"],
            }
            body = render_to_string("needs/staff_screening_email.txt", context)
        send_mail(subject, body, None, emails)


# ---------------------------------------------------------------------------
# Duplicate detection
# ---------------------------------------------------------------------------

SHINGLE_SIZE = 3
# Near-identical needs of one enterprise (copy-paste resubmissions).
SAME_ENTERPRISE_THRESHOLD = 0.8
# Very similar needs of two enterprises (shared templates, agents).
CROSS_ENTERPRISE_THRESHOLD = 0.6
_NOT_COMPARED = (NeedStatus.DRAFT, NeedStatus.WITHDRAWN)
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

logger = logging.getLogger(__name__)


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
        .exclude(status__in=_NOT_COMPARED)
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
            .exclude(status__in=_NOT_COMPARED)
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
    # needs.tasks imports this module's services; import it on use.
    from needs.tasks import flag_duplicates

    try:
        flag_duplicates.delay(need_id)
    except (BrokerError, ConnectionError, TimeoutError) as exc:
        # The check costs a few index lookups: run it here rather than lose it.
        logger.warning(
            "needs: could not enqueue the duplicate check of need %s (%s); running it now", need_id, exc
        )
        need_flag_duplicates(need_id=need_id)


def duplicate_flag_resolve(*, actor: User, flag_id: int) -> DuplicateFlag:
    """Staff looked at a duplicate flag and dismissed it."""
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有审核需求的权限。"), code="forbidden")
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


# ---------------------------------------------------------------------------
# Rubric and reviewer scores
# ---------------------------------------------------------------------------

SCORE_MIN = 1
SCORE_MAX = 5
SCORABLE_STATUSES = (NeedStatus.SUBMITTED, NeedStatus.UNDER_REVIEW, NeedStatus.ACCEPTED)


def default_criteria() -> list[dict]:
    # Labels stay the notice's exact words; they are shown through gettext.
    return [
        {"key": "clarity", "label": "技术需求明确", "weight": 40},
        {"key": "willingness", "label": "合作意愿强", "weight": 30},
        {"key": "technical", "label": "技术含量高", "weight": 30},
    ]


def rubric_for_call(*, call: Call) -> Rubric:
    """The call's rubric, created with the notice's three criteria on first use."""
    rubric, _created = Rubric.objects.get_or_create(call=call, defaults={"criteria": default_criteria()})
    return rubric


def rubric_set_weights(*, actor: User, call_id: int, weights: dict[str, int]) -> Rubric:
    """Change the criteria weights of a call's rubric; they must sum to 100."""
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有修改评分标准的权限。"), code="forbidden")
    with transaction.atomic():
        call = Call.objects.get(pk=call_id)
        rubric = rubric_for_call(call=call)
        rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        criteria = [dict(c, weight=int(weights.get(c["key"], c["weight"]))) for c in rubric.criteria]
        if any(c["weight"] < 0 for c in criteria):
            raise ScreeningError(_("权重不能为负数。"), code="weights")
        total = sum(c["weight"] for c in criteria)
        if total != 100:
            raise ScreeningError(
                _("各评分项权重之和必须为 100（当前为 %(total)d）。") % {"total": total}, code="weights"
            )
        rubric.criteria = criteria
        rubric.save(update_fields=["criteria", "updated_at"])
        audit_log(actor=actor, action="rubric.update", obj=call, data={"weights": weights})
    return rubric


def review_score_submit(
    *, actor: User, need_id: int, scores: dict[str, int], comment: str = ""
) -> ReviewScore:
    """Record (or replace) the actor's own scores for a need."""
    if not permissions.can_score_needs(actor):
        raise ScreeningError(_("您没有评分的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_related("call").get(pk=need_id)
        if need.status not in SCORABLE_STATUSES:
            raise ScreeningError(_("该需求当前不能评分。"), code="not_scorable")
        rubric = rubric_for_call(call=need.call)
        keys = [c["key"] for c in rubric.criteria]
        clean: dict[str, int] = {}
        for key in keys:
            value = scores.get(key)
            if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
                raise ScreeningError(
                    _("每项评分须为 %(min)d–%(max)d 的整数。") % {"min": SCORE_MIN, "max": SCORE_MAX},
                    code="score_range",
                )
            clean[key] = value
        score, _created = ReviewScore.objects.update_or_create(
            need=need,
            reviewer=actor,
            defaults={"scores": clean, "comment": comment.strip(), "submitted_at": timezone.now()},
        )
        audit_log(actor=actor, action="need.score", obj=need, data={"scores": clean})
    return score


# ---------------------------------------------------------------------------
# The event shortlist
# ---------------------------------------------------------------------------

SHORTLIST_STATUSES = (NeedStatus.ACCEPTED,)


def _shortlist_open(*, call: Call) -> Shortlist:
    """The call's editable version: the open one, or a new version that starts
    as a copy of the latest frozen one."""
    open_version = Shortlist.objects.select_for_update().filter(call=call, frozen_at__isnull=True).first()
    if open_version is not None:
        return open_version
    latest = Shortlist.objects.filter(call=call).order_by("-version").first()
    version = (Shortlist.objects.filter(call=call).aggregate(v=Max("version"))["v"] or 0) + 1
    open_version = Shortlist.objects.create(call=call, version=version)
    if latest is not None:
        ShortlistEntry.objects.bulk_create(
            ShortlistEntry(
                shortlist=open_version,
                need_id=entry.need_id,
                justification=entry.justification,
                added_by_id=entry.added_by_id,
                added_at=entry.added_at,
            )
            for entry in latest.entries.all()
        )
    return open_version


def shortlist_add(*, actor: User, need_id: int, justification: str) -> ShortlistEntry:
    """Put an accepted need on its call's event shortlist with a written reason."""
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有管理入选名单的权限。"), code="forbidden")
    justification = (justification or "").strip()
    if not justification:
        raise ScreeningError(_("请填写入选理由。"), code="justification_required")
    with transaction.atomic():
        need = Need.objects.select_related("call").get(pk=need_id)
        if need.status not in SHORTLIST_STATUSES:
            raise ScreeningError(_("只有已发布的需求可以列入入选名单。"), code="not_accepted")
        shortlist = _shortlist_open(call=need.call)
        entry, _created = ShortlistEntry.objects.update_or_create(
            shortlist=shortlist,
            need=need,
            defaults={"justification": justification, "added_by": actor, "added_at": timezone.now()},
        )
        audit_log(
            actor=actor,
            action="shortlist.add",
            obj=need,
            data={"version": shortlist.version, "justification": justification},
        )
    return entry


def shortlist_remove(*, actor: User, need_id: int) -> Shortlist:
    """Take a need off the call's editable shortlist version."""
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有管理入选名单的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_related("call").get(pk=need_id)
        shortlist = _shortlist_open(call=need.call)
        deleted, _rows = ShortlistEntry.objects.filter(shortlist=shortlist, need=need).delete()
        if deleted:
            audit_log(actor=actor, action="shortlist.remove", obj=need, data={"version": shortlist.version})
    return shortlist


def shortlist_freeze(*, actor: User, call_id: int) -> Shortlist:
    """Freeze the call's open shortlist version; it never changes again."""
    if not permissions.can_screen_needs(actor):
        raise ScreeningError(_("您没有管理入选名单的权限。"), code="forbidden")
    with transaction.atomic():
        shortlist = (
            Shortlist.objects.select_for_update().filter(call_id=call_id, frozen_at__isnull=True).first()
        )
        if shortlist is None:
            raise ScreeningError(_("没有可冻结的名单（名单未修改）。"), code="nothing_to_freeze")
        if not shortlist.entries.exists():
            raise ScreeningError(_("名单为空，不能冻结。"), code="empty")
        shortlist.frozen_at = timezone.now()
        shortlist.frozen_by = actor
        shortlist.save(update_fields=["frozen_at", "frozen_by"])
        audit_log(
            actor=actor,
            action="shortlist.freeze",
            obj=shortlist,
            data={
                "version": shortlist.version,
                "needs": list(shortlist.entries.values_list("need_id", flat=True)),
            },
        )
    return shortlist
