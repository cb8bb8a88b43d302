"""Back-office reads: need lists with filters, scores and their summaries, the
shortlist, the dashboard's figures. The only source for back-office pages."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404

from needs import workflow
from needs.models import (
    Call,
    CooperationMode,
    DuplicateFlag,
    Need,
    NeedCategory,
    NeedStatus,
    ReviewScore,
    Rubric,
    ScreeningEvent,
    Shortlist,
    ShortlistEntry,
)
from needs.services.review import SCORE_MAX, rubric_for_call
from portal import permissions
from portal.models import User


def calls_all() -> QuerySet[Call]:
    return Call.objects.order_by("-opens_at")


def call_for_back_office(*, call_id: int | None = None) -> Call | None:
    """The call asked for, else the current one, else the latest."""
    calls = Call.objects.all()
    if call_id:
        return calls.filter(pk=call_id).first()
    return calls.filter(is_current=True).first() or calls.order_by("-opens_at").first()


def needs_for_back_office(*, call: Call | None, filters: dict | None = None) -> QuerySet[Need]:
    """Needs of a call with every relation the list and export read."""
    filters = filters or {}
    qs = Need.objects.filter(status__in=workflow.BACK_OFFICE).select_related(
        "enterprise",
        "enterprise__division",
        "enterprise__division__parent",
        "enterprise__industry",
        "enterprise__hitech_zone",
        "field_l1",
        "field_l2",
        "field_l3",
        "call",
    )
    if call is not None:
        qs = qs.filter(call=call)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("field_l1"):
        qs = qs.filter(field_l1_id=filters["field_l1"])
    if filters.get("city"):
        city = filters["city"]
        qs = qs.filter(Q(enterprise__division_id=city) | Q(enterprise__division__parent_id=city))
    if filters.get("category"):
        # JSON list membership, portable between SQLite and PostgreSQL.
        qs = qs.filter(categories__icontains=f'"{filters["category"]}"')
    if filters.get("cooperation_mode"):
        qs = qs.filter(cooperation_modes__icontains=f'"{filters["cooperation_mode"]}"')
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(reference__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(description__icontains=q)
        )
    if filters.get("duplicates"):
        qs = qs.filter(Exists(DuplicateFlag.objects.filter(need=OuterRef("pk"), resolved_at__isnull=True)))
    return qs.order_by("-submitted_at", "-id")


def need_for_back_office(*, need_id: int) -> Need:
    """One need with its history and open duplicate flags; 404 if the back
    office does not see it."""
    return get_object_or_404(
        Need.objects.filter(status__in=workflow.BACK_OFFICE)
        .select_related(
            "enterprise",
            "enterprise__division",
            "enterprise__industry",
            "field_l1",
            "field_l2",
            "field_l3",
            "call",
        )
        .prefetch_related(
            Prefetch(
                "screening_events",
                queryset=ScreeningEvent.objects.select_related("actor").order_by("-at", "-id"),
            ),
            Prefetch(
                "duplicate_flags",
                queryset=DuplicateFlag.objects.filter(resolved_at__isnull=True).select_related(
                    "other", "other__enterprise"
                ),
                to_attr="open_duplicate_flags",
            ),
        ),
        pk=need_id,
    )


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def review_scores_visible(*, need: Need, user: User) -> QuerySet[ReviewScore]:
    """Scores of a need the user may see.

    Staff see all. A reviewer sees only their own until they have submitted
    it; then everyone's. Enterprises and Hong Kong users see none.
    """
    scores = ReviewScore.objects.filter(need=need).select_related("reviewer").order_by("submitted_at", "id")
    if permissions.can_screen_needs(user):
        return scores
    if not permissions.can_score_needs(user):
        return scores.none()
    if scores.filter(reviewer=user).exists():
        return scores
    return scores.filter(reviewer=user)


@dataclass
class CriterionSummary:
    key: str
    label: str
    weight: int
    average: float | None
    spread: int | None


@dataclass
class ScoreSummary:
    count: int
    criteria: list[CriterionSummary] = field(default_factory=list)
    total: float | None = None  # weighted, 0–100


def score_summary(*, rubric: Rubric, scores: list[ReviewScore]) -> ScoreSummary:
    """Per-criterion average and spread (max − min) and the weighted total on
    a 0–100 scale (average / SCORE_MAX × weight, summed)."""
    summary = ScoreSummary(count=len(scores))
    total = 0.0
    for criterion in rubric.criteria:
        values = [s.scores[criterion["key"]] for s in scores if criterion["key"] in s.scores]
        average = sum(values) / len(values) if values else None
        summary.criteria.append(
            CriterionSummary(
                key=criterion["key"],
                label=criterion["label"],
                weight=criterion["weight"],
                average=round(average, 2) if average is not None else None,
                spread=(max(values) - min(values)) if values else None,
            )
        )
        if average is not None:
            total += average / SCORE_MAX * criterion["weight"]
    summary.total = round(total, 1) if scores else None
    return summary


def needs_with_scores(*, call: Call, need_ids: list[int] | None = None) -> list[tuple[Need, ScoreSummary]]:
    """Scorable needs of a call with their score summaries, best total first
    (for staff: every reviewer's scores count)."""
    rubric = rubric_for_call(call=call)
    qs = (
        Need.objects.filter(call=call, status__in=workflow.REVIEWABLE)
        .select_related("enterprise", "field_l1")
        .prefetch_related(Prefetch("review_scores", queryset=ReviewScore.objects.select_related("reviewer")))
    )
    if need_ids is not None:
        qs = qs.filter(pk__in=need_ids)
    rows = [(need, score_summary(rubric=rubric, scores=list(need.review_scores.all()))) for need in qs]
    rows.sort(key=lambda row: (row[1].total is None, -(row[1].total or 0), row[0].pk))
    return rows


def review_queue(*, user: User, call: Call | None) -> QuerySet[Need]:
    """Needs a reviewer can score, marked `scored_by_me`."""
    if call is None:
        return Need.objects.none()
    return (
        Need.objects.filter(call=call, status__in=workflow.REVIEWABLE)
        .select_related("enterprise", "field_l1")
        .annotate(scored_by_me=Exists(ReviewScore.objects.filter(need=OuterRef("pk"), reviewer=user)))
        .order_by("scored_by_me", "reference", "pk")
    )


def need_for_review(*, need_id: int) -> Need:
    """A need reviewers may score, or 404."""
    return get_object_or_404(
        Need.objects.select_related("enterprise", "field_l1", "field_l2", "field_l3", "call"),
        pk=need_id,
        status__in=workflow.REVIEWABLE,
    )


def review_score_own(*, need: Need, user: User) -> ReviewScore | None:
    return ReviewScore.objects.filter(need=need, reviewer=user).first()


# ---------------------------------------------------------------------------
# Shortlist
# ---------------------------------------------------------------------------


def shortlist_versions(*, call: Call) -> QuerySet[Shortlist]:
    return (
        Shortlist.objects.filter(call=call)
        .select_related("frozen_by")
        .annotate(entry_count=Count("entries"))
        .order_by("-version")
    )


def shortlist_latest(*, call: Call, version: int | None = None) -> Shortlist | None:
    """The asked-for version, or the newest (open or frozen), with its entries."""
    qs = Shortlist.objects.filter(call=call).prefetch_related(
        Prefetch(
            "entries",
            queryset=ShortlistEntry.objects.select_related(
                "need", "need__enterprise", "need__field_l1", "added_by"
            ),
        )
    )
    if version is not None:
        return qs.filter(version=version).first()
    return qs.order_by("-version").first()


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------


def _labelled(counter: Counter, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), count) for key, count in counter.most_common()]


def dashboard_figures(*, call: Call | None) -> dict:
    """Counts the staff dashboard charts (status, field, city, category,
    cooperation mode, submissions per day)."""
    needs = Need.objects.exclude(status=NeedStatus.DRAFT)
    if call is not None:
        needs = needs.filter(call=call)
    by_status = Counter(dict(needs.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    by_field = [
        (name or "—", n)
        for name, n in needs.values_list("field_l1__name_zh").annotate(n=Count("id")).order_by("-n")
    ]
    by_city: Counter = Counter()
    for level, name, parent_name, n in (
        needs.values_list(
            "enterprise__division__level",
            "enterprise__division__name_zh",
            "enterprise__division__parent__name_zh",
        )
        .annotate(n=Count("id"))
        .values_list(
            "enterprise__division__level",
            "enterprise__division__name_zh",
            "enterprise__division__parent__name_zh",
            "n",
        )
    ):
        city = name if level in ("city", "province") else (parent_name or name)
        by_city[city or "—"] += n
    categories: Counter = Counter()
    modes: Counter = Counter()
    for cats, coop in needs.values_list("categories", "cooperation_modes").iterator():
        categories.update(cats or [])
        modes.update(coop or [])
    per_day = [
        (day.isoformat() if isinstance(day, date) else str(day), n)
        for day, n in needs.filter(submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
        .order_by("day")
    ]
    return {
        "total": sum(by_status.values()),
        "by_status": [
            (str(NeedStatus(s).label), n) for s, n in sorted(by_status.items(), key=lambda x: -x[1])
        ],
        "by_field": by_field,
        "by_city": by_city.most_common(),
        "by_category": _labelled(categories, dict(NeedCategory.choices)),
        "by_mode": _labelled(modes, dict(CooperationMode.choices)),
        "per_day": per_day,
        "open_duplicates": DuplicateFlag.objects.filter(resolved_at__isnull=True, need__in=needs).count(),
    }
