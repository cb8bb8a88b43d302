"""Back-office reads: need lists with filters, scores and their summaries, the
shortlist, the dashboard's figures. The only source for back-office pages."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import connections
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.shortcuts import get_object_or_404

from needs import workflow
from needs.models import (
    Call,
    CooperationMode,
    Division,
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


def need_list_for_back_office(*, call: Call | None, filters: dict | None = None) -> QuerySet[Need]:
    """The staff need list: the same needs as `needs_for_back_office`, with
    only the columns the list shows (the export reads every relation)."""
    return (
        needs_for_back_office(call=call, filters=filters)
        .select_related(None)
        .select_related("enterprise", "field_l1")
        .only("id", "reference", "title", "status", "submitted_at", "enterprise__name", "field_l1__name_zh")
    )


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


def score_summary(*, rubric: Rubric, need_id: int) -> ScoreSummary:
    """One need's per-criterion average and spread (max − min) and weighted
    total on a 0–100 scale (average / SCORE_MAX × weight, summed)."""
    return score_summaries(rubric=rubric, need_ids=[need_id])[need_id]


def _criterion_value(key: str, scores: str) -> Cast:
    """One criterion's score read from the JSON `scores` column, as a number."""
    return Cast(KeyTextTransform(key, scores), FloatField())


def needs_ranked_by_score(*, call: Call, need_ids: list[int] | None = None) -> QuerySet[int]:
    """Ids of a call's scorable needs, best weighted total first, unscored
    last (ties by id). The total is a per-need SQL subquery, so counting the
    list reads no scores."""
    rubric = rubric_for_call(call=call)
    averages = {f"_avg{i}": Avg(_criterion_value(c["key"], "scores")) for i, c in enumerate(rubric.criteria)}
    total = sum(
        (
            Coalesce(F(name), Value(0.0)) * Value(c["weight"] / SCORE_MAX)
            for name, c in zip(averages, rubric.criteria, strict=True)
        ),
        Value(0.0),
    )
    totals = (
        ReviewScore.objects.filter(need=OuterRef("pk"))
        .order_by()
        .values("need")
        .annotate(**averages)
        .annotate(total=ExpressionWrapper(total, output_field=FloatField()))
        .values("total")
    )
    qs = (
        Need.objects.filter(call=call, status__in=workflow.REVIEWABLE)
        .annotate(weighted_total=Subquery(totals[:1], output_field=FloatField()))
        .order_by(F("weighted_total").desc(nulls_last=True), "pk")
    )
    if need_ids is not None:
        qs = qs.filter(pk__in=need_ids)
    # Ids only: the ranking reads no other column; a page's rows are loaded by id.
    return qs.values_list("pk", flat=True)


def score_summaries(*, rubric: Rubric, need_ids: list[int]) -> dict[int, ScoreSummary]:
    """Score summaries (as `score_summary`) of the given needs, from one SQL
    aggregate over their scores; a need without scores gets an empty one."""
    aggregates: dict = {"_count": Count("id")}
    for i, criterion in enumerate(rubric.criteria):
        value = _criterion_value(criterion["key"], "scores")
        aggregates |= {f"_avg{i}": Avg(value), f"_max{i}": Max(value), f"_min{i}": Min(value)}
    rows = {
        row["need_id"]: row
        for row in ReviewScore.objects.filter(need_id__in=need_ids)
        .order_by()
        .values("need_id")
        .annotate(**aggregates)
    }
    summaries = {}
    for need_id in need_ids:
        row = rows.get(need_id)
        summary = ScoreSummary(count=row["_count"] if row else 0)
        total = 0.0
        for i, criterion in enumerate(rubric.criteria):
            average = row[f"_avg{i}"] if row else None
            summary.criteria.append(
                CriterionSummary(
                    key=criterion["key"],
                    label=criterion["label"],
                    weight=criterion["weight"],
                    average=round(average, 2) if average is not None else None,
                    # Scores are whole numbers: so is their spread.
                    spread=round(row[f"_max{i}"] - row[f"_min{i}"]) if average is not None else None,
                )
            )
            if average is not None:
                total += average / SCORE_MAX * criterion["weight"]
        summary.total = round(total, 1) if summary.count else None
        summaries[need_id] = summary
    return summaries


def with_score_summaries(
    *, call: Call, need_ids: list[int], every_column: bool = False
) -> list[tuple[Need, ScoreSummary]]:
    """The given needs (e.g. one page) each with its score summary, in the
    given order; only the columns lists show unless `every_column`."""
    needs = Need.objects.select_related("enterprise", "field_l1")
    if not every_column:
        needs = needs.only("id", "reference", "title", "status", "enterprise__name", "field_l1__name_zh")
    by_id = needs.in_bulk(need_ids)
    summaries = score_summaries(rubric=rubric_for_call(call=call), need_ids=list(by_id))
    return [(by_id[pk], summaries[pk]) for pk in need_ids if pk in by_id]


def needs_with_scores(*, call: Call, need_ids: list[int] | None = None) -> list[tuple[Need, ScoreSummary]]:
    """Scorable needs of a call (the given ones; all only for small calls)
    with their score summaries, best total first (for staff: every
    reviewer's scores count). Pages rank with `needs_ranked_by_score`."""
    ranked = list(needs_ranked_by_score(call=call, need_ids=need_ids))
    # Every column: the comparison shows the needs' texts and amounts.
    return with_score_summaries(call=call, need_ids=ranked, every_column=True)


def scorable_need_choices(*, call: Call) -> list[tuple[int, str]]:
    """(id, label) of a call's scorable needs, for picking some to compare."""
    return [
        (pk, reference or title or f"#{pk}")
        for pk, reference, title in Need.objects.filter(call=call, status__in=workflow.REVIEWABLE)
        .order_by("pk")
        .values_list("pk", "reference", "title")
    ]


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
    """The asked-for version, or the newest (open or frozen); its entries
    come from `shortlist_entries`."""
    qs = Shortlist.objects.filter(call=call)
    if version is not None:
        return qs.filter(version=version).first()
    return qs.order_by("-version").first()


def shortlist_entries(*, shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    """A shortlist version's entries with the need columns the page and the export show."""
    return (
        ShortlistEntry.objects.filter(shortlist=shortlist)
        .select_related("need", "need__enterprise", "need__field_l1", "added_by")
        .order_by("added_at", "id")
    )


def shortlisted_need_ids(*, shortlist: Shortlist | None, need_ids: list[int]) -> set[int]:
    """Which of the given needs (e.g. one page) are on the shortlist version."""
    if shortlist is None:
        return set()
    return set(
        ShortlistEntry.objects.filter(shortlist=shortlist, need_id__in=need_ids).values_list(
            "need_id", flat=True
        )
    )


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------


def _labelled(counter: Counter, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), count) for key, count in counter.most_common()]


def _json_list_counts(needs: QuerySet[Need], columns: tuple[str, ...]) -> dict[str, Counter]:
    """How often each value occurs in the needs' JSON list columns, per
    column. On PostgreSQL the database unnests and counts in one pass over the
    needs; elsewhere (SQLite in tests) a plain loop does."""
    counters: dict[str, Counter] = {column: Counter() for column in columns}
    db = connections[needs.db]
    if db.vendor != "postgresql":
        for row in needs.values_list(*columns).iterator():
            for column, values in zip(columns, row, strict=True):
                counters[column].update(values or [])
        return counters
    sql, params = needs.order_by().values(*columns).query.sql_with_params()
    # The column names are our own field names, never user input.
    unnest = " UNION ALL ".join(
        f"SELECT '{c}', v FROM jsonb_array_elements_text("
        f"CASE WHEN jsonb_typeof(n.{c}) = 'array' THEN n.{c} ELSE '[]'::jsonb END) AS v"
        for c in columns
    )
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT e.c, e.v, count(*) FROM ({sql}) AS n CROSS JOIN LATERAL ({unnest}) AS e(c, v) GROUP BY 1, 2",
            params,
        )
        for column, value, n in cursor.fetchall():
            counters[column][value] = n
    return counters


def _by_city(needs: QuerySet[Need]) -> Counter:
    """Needs per prefecture-level city: counted per division in SQL, then a
    county or zone is added to its city."""
    per_division = dict(
        needs.order_by()
        .values_list("enterprise__division_id")
        .annotate(n=Count("id"))
        .values_list("enterprise__division_id", "n")
    )
    divisions = {d.code: d for d in Division.objects.filter(code__in=per_division).select_related("parent")}
    by_city: Counter = Counter()
    for code, n in per_division.items():
        division = divisions.get(code)
        if division is None:
            city = None
        elif division.level in (Division.Level.CITY, Division.Level.PROVINCE) or division.parent is None:
            city = division.name_zh
        else:
            city = division.parent.name_zh or division.name_zh
        by_city[city or "—"] += n
    return by_city


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
    by_city = _by_city(needs)
    lists = _json_list_counts(needs, ("categories", "cooperation_modes"))
    categories, modes = lists["categories"], lists["cooperation_modes"]
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
