"""Reads for the match review pages, the run list and Hong Kong recommendations."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Func, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from matching.documents import scorable_needs
from matching.models import Decision, Match, MatchDecision, MatchRun, RunKind, RunStatus
from matching.reasons import part_rows
from needs.models import Call, Need, NeedStatus
from partners.models import Partner
from partners.selectors import hk_need_present, hk_need_projection


@dataclass
class ReviewRow:
    """One ranked partner (or need) on a review page, with its computed state."""

    rank: int
    match: Match
    decision: MatchDecision | None
    reason_lines: list[str]
    parts: list[tuple[str, int]]

    @property
    def accepted(self) -> bool:
        return self.decision is not None and self.decision.decision == Decision.ACCEPTED


def _per_need(qs: QuerySet, aggregate: Func) -> Subquery:
    """One aggregate of a need's rows, as a correlated subquery: the database
    computes it only for the rows a page returns, not by joining every match."""
    return Subquery(
        qs.filter(need=OuterRef("pk")).order_by().values("need").annotate(v=aggregate).values("v")[:1]
    )


def needs_for_matching(*, state: str = "") -> QuerySet[Need]:
    """Needs taking part in matching (the columns the list shows), with their
    match count, best score and accepted pairs, newest first."""
    accepted = MatchDecision.objects.filter(decision=Decision.ACCEPTED)
    qs = (
        scorable_needs()
        .select_related("enterprise")
        .only("id", "reference", "title", "status", "matching_state", "submitted_at", "enterprise__name")
        .annotate(
            match_count=Coalesce(_per_need(Match.objects.all(), Count("id")), 0, output_field=IntegerField()),
            best_score=_per_need(Match.objects.all(), Max("score")),
            accepted_count=Coalesce(_per_need(accepted, Count("id")), 0, output_field=IntegerField()),
        )
        .order_by("-submitted_at", "-id")
    )
    if state:
        qs = qs.filter(matching_state=state)
    return qs


def need_for_review(*, pk: int) -> Need:
    return get_object_or_404(
        Need.objects.select_related("enterprise", "call", "field_l1", "field_l2", "field_l3"), pk=pk
    )


def partner_for_review(*, pk: int) -> Partner:
    return get_object_or_404(Partner.objects.select_related("parent"), pk=pk)


def _rows(matches: list[Match], decisions: dict[tuple[int, int], MatchDecision]) -> list[ReviewRow]:
    return [
        ReviewRow(
            rank=i,
            match=m,
            decision=decisions.get((m.need_id, m.partner_id)),
            reason_lines=m.reason_lines(),
            parts=part_rows(m.parts),
        )
        for i, m in enumerate(matches, start=1)
    ]


def need_match_rows(*, need: Need) -> list[ReviewRow]:
    """The need's current matches, best first, with any staff decision."""
    matches = list(
        Match.objects.filter(need=need)
        .select_related("partner", "partner__parent")
        .order_by("-score", "partner_id")
    )
    decisions = {
        (d.need_id, d.partner_id): d
        for d in MatchDecision.objects.filter(need=need, decision=Decision.ACCEPTED).select_related(
            "decided_by"
        )
    }
    return _rows(matches, decisions)


def need_dismissals(*, need: Need) -> QuerySet[MatchDecision]:
    return (
        MatchDecision.objects.filter(need=need, decision=Decision.DISMISSED)
        .select_related("partner", "decided_by")
        .order_by("-decided_at")
    )


def need_latest_run(*, need: Need) -> MatchRun | None:
    return MatchRun.objects.filter(need=need, kind=RunKind.NEED).order_by("-pk").first()


def partner_match_rows(*, partner: Partner) -> list[ReviewRow]:
    """Needs whose top N include this partner, best score first."""
    matches = list(
        Match.objects.filter(partner=partner)
        .select_related("need", "need__enterprise", "need__call", "need__field_l1", "need__field_l2")
        .order_by("-score", "need_id")
    )
    decisions = {
        (d.need_id, d.partner_id): d
        for d in MatchDecision.objects.filter(partner=partner, decision=Decision.ACCEPTED)
    }
    return _rows(matches, decisions)


def runs_list() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("need", "partner", "started_by").order_by("-created_at", "-id")


def run_get(*, pk: int) -> MatchRun:
    return get_object_or_404(MatchRun.objects.select_related("need", "partner", "started_by"), pk=pk)


def run_active_full() -> MatchRun | None:
    return (
        MatchRun.objects.filter(
            kind=RunKind.FULL, status__in=(RunStatus.QUEUED, RunStatus.WAITING, RunStatus.RUNNING)
        )
        .order_by("-pk")
        .first()
    )


def run_status(run: MatchRun) -> dict:
    """The small JSON the progress bar polls."""
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "total": run.total,
        "processed": run.processed,
        "matches_written": run.matches_written,
        "percent": run.percent,
        "finished": run.is_finished,
        "error": run.error if run.status == RunStatus.FAILED else "",
    }


def hk_recommended_needs(*, partner: Partner, script: str = "") -> list[dict]:
    """Published needs recommended to a Hong Kong institution, best match first.

    Rows come from the directory's Hong Kong projection, which never carries the
    enterprise's private fields (only contacts staff released to this partner),
    restricted to needs whose current matches include the partner with a score of at
    least ``settings.MATCHING_RECOMMEND_MIN_SCORE``. Each row carries the match's
    reasons in the active language (``reason_lines``), without those drawn from the
    need's intended partner, which is not part of the projection.
    """
    matches = {
        m.need_id: m
        for m in Match.objects.filter(partner=partner, score__gte=settings.MATCHING_RECOMMEND_MIN_SCORE)
        .exclude(need__match_decisions__partner=partner, need__match_decisions__decision=Decision.DISMISSED)
        .only("need_id", "score", "reasons")
    }
    rows = list(hk_need_projection(partner=partner).filter(id__in=list(matches)))
    rows.sort(key=lambda r: (-matches[r["id"]].score, r["id"]))
    return [
        hk_need_present(r, script=script)
        | {"match_percent": matches[r["id"]].percent, "reason_lines": matches[r["id"]].hk_reason_lines()}
        for r in rows
    ]


def top_partners(*, call: Call | None) -> list[tuple[str, int]]:
    """The ten institutions matched to most sent needs (of one call, or all)."""
    matches = Match.objects.exclude(need__status=NeedStatus.DRAFT)
    if call is not None:
        matches = matches.filter(need__call=call)
    # Count by partner id over the narrow match columns; names only for the ten.
    top = list(
        matches.order_by().values_list("partner_id").annotate(n=Count("id")).order_by("-n", "partner_id")[:10]
    )
    names = {
        pk: (name_hant, acronym, name_en)
        for pk, name_hant, acronym, name_en in Partner.objects.filter(
            pk__in=[pk for pk, _n in top]
        ).values_list("pk", "name_zh_hant", "acronym", "name_en")
    }
    return [
        # The chart cuts labels at 16 characters: an English name alone is unreadable there.
        (names[pk][0] or names[pk][1] or names[pk][2], n)
        for pk, n in top
    ]
