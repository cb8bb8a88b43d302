from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from needs import workflow
from needs.errors import NeedError
from needs.models import (
    Call,
    Need,
    ReviewScore,
    Rubric,
)
from portal import permissions
from portal.models import User
from portal.services import audit_log

# ---------------------------------------------------------------------------
# Rubric and reviewer scores
# ---------------------------------------------------------------------------

SCORE_MIN = 1
SCORE_MAX = 5


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
        raise NeedError(_("您没有修改评分标准的权限。"), code="forbidden")
    with transaction.atomic():
        call = Call.objects.get(pk=call_id)
        rubric = rubric_for_call(call=call)
        rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        criteria = [dict(c, weight=int(weights.get(c["key"], c["weight"]))) for c in rubric.criteria]
        if any(c["weight"] < 0 for c in criteria):
            raise NeedError(_("权重不能为负数。"), code="weights")
        total = sum(c["weight"] for c in criteria)
        if total != 100:
            raise NeedError(
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
        raise NeedError(_("您没有评分的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_related("call").get(pk=need_id)
        if need.status not in workflow.REVIEWABLE:
            raise NeedError(_("该需求当前不能评分。"), code="not_scorable")
        rubric = rubric_for_call(call=need.call)
        keys = [c["key"] for c in rubric.criteria]
        clean: dict[str, int] = {}
        for key in keys:
            value = scores.get(key)
            if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
                raise NeedError(
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
