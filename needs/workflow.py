"""The life of a need: its status groups, every allowed step, and the rules
that say what may be done now. Pure: no queries, no writes.

The enterprise's steps (submit, resubmit, withdraw) and the staff's screening
steps share one table; services check a step against it, selectors and
templates ask the predicates below.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils.translation import gettext_lazy

from needs.models import Need, NeedStatus, ScreeningReason

S = NeedStatus

# ---------------------------------------------------------------------------
# Status groups (one name each)
# ---------------------------------------------------------------------------

#: The enterprise may still change these while the call is open.
OPEN_FOR_EDIT = (S.DRAFT, S.SUBMITTED)
#: The enterprise may save a draft (or go on with one) in these.
DRAFT_ALLOWED = (S.DRAFT, S.RETURNED)
#: What the back office lists: everything an enterprise has sent at least once.
BACK_OFFICE = (S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED, S.NOT_SELECTED, S.WITHDRAWN)
#: Reviewers may score these against the call's rubric.
REVIEWABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED)
#: Machine matching scores these: sent and not taken back, screening to publication.
MATCHABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED)
#: Duplicate detection compares these with each other.
COMPARED_FOR_DUPLICATES = (S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED, S.NOT_SELECTED)
#: Only published needs go on the event shortlist (and are shown in Hong Kong).
PUBLISHED = (S.ACCEPTED,)
#: The enterprise hears about these screening outcomes; starting or reopening a review is internal.
NOTIFIED = (S.RETURNED, S.ACCEPTED, S.NOT_SELECTED)


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


class Actor(StrEnum):
    ENTERPRISE = "enterprise"
    STAFF = "staff"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    actor: Actor = Actor.STAFF
    # Reason codes accepted; empty means no reason is asked for.
    reasons: tuple[str, ...] = ()
    message_required: bool = False


_SUBMIT = Transition(action="need.submit", label=gettext_lazy("提交需求"), actor=Actor.ENTERPRISE)
_WITHDRAW = Transition(action="need.withdraw", label=gettext_lazy("撤回"), actor=Actor.ENTERPRISE)
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

#: (from, to) → the step. Submitting a submitted need saves its changes.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, S.SUBMITTED): _SUBMIT,
    (S.SUBMITTED, S.SUBMITTED): _SUBMIT,
    (S.RETURNED, S.SUBMITTED): _SUBMIT,
    (S.SUBMITTED, S.WITHDRAWN): _WITHDRAW,
    (S.SUBMITTED, S.UNDER_REVIEW): _REVIEW,
    (S.SUBMITTED, S.RETURNED): _RETURN,
    (S.SUBMITTED, S.ACCEPTED): _ACCEPT,
    (S.SUBMITTED, S.NOT_SELECTED): _NOT_SELECT,
    (S.UNDER_REVIEW, S.RETURNED): _RETURN,
    (S.UNDER_REVIEW, S.ACCEPTED): _ACCEPT,
    (S.UNDER_REVIEW, S.NOT_SELECTED): _NOT_SELECT,
    (S.RETURNED, S.NOT_SELECTED): _NOT_SELECT,
    (S.ACCEPTED, S.UNDER_REVIEW): _REOPEN,
    (S.NOT_SELECTED, S.UNDER_REVIEW): _REOPEN,
}


def transitions_from(status: str, actor: Actor = Actor.STAFF) -> list[tuple[str, Transition]]:
    """The target statuses `actor` may choose from `status`, in table order."""
    return [(to, t) for (frm, to), t in TRANSITIONS.items() if frm == status and t.actor == actor]


def step(frm: str, to: str, actor: Actor) -> Transition | None:
    found = TRANSITIONS.get((frm, to))
    return found if found is not None and found.actor == actor else None


# ---------------------------------------------------------------------------
# What the enterprise may do now
# ---------------------------------------------------------------------------


def is_past_deadline(need: Need, now: datetime) -> bool:
    """A draft or submitted need whose call has closed: locked."""
    return need.status in OPEN_FOR_EDIT and now >= need.call.deadline


def need_is_editable(need: Need, now: datetime) -> bool:
    """May the enterprise change this need now?

    Drafts and submitted needs while the call is open; needs returned for
    revision by staff at any time (they may be resubmitted after the deadline).
    """
    if need.status == S.RETURNED:
        return True
    return need.status in OPEN_FOR_EDIT and need.call.is_open(now)


def need_is_withdrawable(need: Need, now: datetime) -> bool:
    return step(need.status, S.WITHDRAWN, Actor.ENTERPRISE) is not None and need.call.is_open(now)
