"""Matching services: scheduling and executing runs, and staff review of matches.

A run is a :class:`MatchRun` row; the Celery task only carries its id. Every write
of matches replaces one need's set as a whole inside one transaction (the need's
row locked), so however often a run is repeated or redelivered, each need keeps
exactly one current set. Dismissed pairs live in :class:`MatchDecision` and are
left out of every rescore.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from matching import scoring
from matching.documents import need_docs, scorable_needs
from matching.models import (
    Decision,
    DismissReason,
    Match,
    MatchDecision,
    MatchRun,
    RunKind,
    RunStatus,
    RunTrigger,
)
from matching.partner_index import partner_index
from needs.models import MatchingState, Need
from partners.services import introduction_record
from portal.errors import DomainError
from portal.models import User
from portal.queue import enqueue
from portal.services import audit_log

logger = logging.getLogger(__name__)

UNFINISHED = (RunStatus.QUEUED, RunStatus.WAITING, RunStatus.RUNNING)
#: Not yet picked up by a worker.
PENDING = (RunStatus.QUEUED, RunStatus.WAITING)


#: A full rescore's hard time limit in the worker (seconds); a full run younger
#: than this may still be working.
RESCORE_TIME_LIMIT = 2 * 60 * 60


class MatchingError(DomainError):
    """A domain rule was broken; the message is translated for the user."""


# --------------------------------------------------------------------------- settings


def _top_n() -> int:
    return max(1, int(settings.MATCHING_TOP_N))


def _weights() -> dict[str, float]:
    return dict(getattr(settings, "MATCHING_WEIGHTS", {}) or {})


def _processes() -> int:
    """Worker processes for a full rescore (``settings.MATCHING_PROCESSES``, at least 1)."""
    return max(1, int(getattr(settings, "MATCHING_PROCESSES", 1) or 1))


# --------------------------------------------------------------------------- enqueueing


def _enqueue(run_id: int, kind: str) -> None:
    """Hand a run to Celery. A broker that is down is a state, never an error
    for the caller's request: a need run stays queued (the need pending) for
    the periodic pick-up; a full or partner run waits for the queue, as its
    page says, and `waiting_runs_enqueue` hands it over once the broker is back."""
    # matching.tasks imports this module to run the work: import it on use.
    from matching import tasks

    task = {
        RunKind.NEED: tasks.score_need,
        RunKind.PARTNER: tasks.score_partner,
        RunKind.FULL: tasks.rescore_all,
    }[kind]
    if enqueue(task, run_id):
        MatchRun.objects.filter(pk=run_id, status=RunStatus.WAITING).update(status=RunStatus.QUEUED)
    elif kind != RunKind.NEED:
        MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.WAITING)


def waiting_runs_enqueue() -> int:
    """Hand the runs that waited for the queue to Celery (periodic); returns how many."""
    waiting = list(MatchRun.objects.filter(status=RunStatus.WAITING).values_list("pk", "kind").order_by("pk"))
    for run_id, kind in waiting:
        _enqueue(run_id, kind)
    return len(waiting)


def _create_run(**fields) -> MatchRun:
    run = MatchRun.objects.create(scorer_version=scoring.SCORER_VERSION, **fields)
    run_id, kind = run.pk, run.kind
    transaction.on_commit(lambda: _enqueue(run_id, kind))
    return run


def need_schedule_scoring(*, need_id: int, trigger: str = RunTrigger.NEED_SAVED) -> MatchRun | None:
    """Queue scoring of one need after the caller's transaction commits.

    The need is marked "matching pending" first, in the caller's transaction, so
    that it is picked up later if the broker cannot take the job. A need that no
    longer takes part in matching (draft, withdrawn, not selected) loses its
    matches at once instead.

    Triggers coalesce: a run for the need that no worker has picked up yet is
    reused, so a need has one pending run however often it is saved. The run's
    row is locked, so a worker that starts it now waits for this transaction and
    then reads the need as committed here.
    """
    with transaction.atomic():
        if not scorable_needs().filter(pk=need_id).exists():
            Match.objects.filter(need_id=need_id).delete()
            Need.objects.filter(pk=need_id).update(matching_state=MatchingState.NONE)
            return None
        Need.objects.filter(pk=need_id).update(matching_state=MatchingState.PENDING)
        pending = (
            MatchRun.objects.select_for_update()
            .filter(kind=RunKind.NEED, need_id=need_id, status__in=PENDING)
            .order_by("-pk")
            .first()
        )
        if pending is not None:
            return pending
        return _create_run(kind=RunKind.NEED, trigger=trigger, need_id=need_id, total=1)


def need_changed_received(sender, *, need_id: int, **kwargs) -> None:
    """needs.signals.need_changed: score the need again (or drop its matches)."""
    need_schedule_scoring(need_id=need_id)


def partner_changed_received(sender, *, partner_id: int, **kwargs) -> None:
    """partners.signals.partner_changed: score the partner against all needs."""
    partner_schedule_scoring(partner_id=partner_id)


def partner_schedule_scoring(*, partner_id: int) -> MatchRun:
    """Queue scoring of one partner against all needs after the caller's
    transaction commits. A run still waiting for the same partner is reused, so a
    batch import queues one job per partner at most."""
    with transaction.atomic():
        waiting = MatchRun.objects.filter(
            kind=RunKind.PARTNER, partner_id=partner_id, status=RunStatus.QUEUED
        ).first()
        if waiting is not None:
            return waiting
        return _create_run(kind=RunKind.PARTNER, trigger=RunTrigger.PARTNER_SAVED, partner_id=partner_id)


def full_rescore_start(*, actor: User) -> MatchRun:
    """Staff start a rescore of every need against the whole directory."""
    with transaction.atomic():
        # A full run started within the task time limit may still be working.
        recent = timezone.now() - timedelta(seconds=RESCORE_TIME_LIMIT)
        if MatchRun.objects.filter(kind=RunKind.FULL, status__in=UNFINISHED, created_at__gte=recent).exists():
            raise MatchingError(_("已有全量重新匹配正在进行，请等待其完成。"))
        run = _create_run(kind=RunKind.FULL, trigger=RunTrigger.STAFF, started_by=actor)
        audit_log(actor=actor, action="matching.rescore_all", obj=run)
    return run


def run_cancel(*, actor: User, run_id: int) -> MatchRun:
    """Staff cancel a full rescore that is queued, waiting or running.

    A run not yet started never starts; a running one stops at its next need
    boundary (each need's write checks the run's status in the same transaction),
    keeping the needs it already rescored.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.kind != RunKind.FULL:
            raise MatchingError(_("只能取消全量重新匹配。"))
        if run.status not in UNFINISHED:
            raise MatchingError(_("该任务已结束，无法取消。"))
        run.status = RunStatus.CANCELLED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        audit_log(actor=actor, action="matching.run_cancel", obj=run)
    return run


# --------------------------------------------------------------------------- execution


def run_execute(*, run_id: int) -> MatchRun | None:
    """Execute (or resume) one run. A finished run is left alone, so a task that
    is delivered twice does its work once."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("matching: run %s does not exist (database reset?)", run_id)
        return None
    if run.is_finished:
        return run
    now = timezone.now()
    # Conditional: a run cancelled since it was read stays cancelled.
    started = MatchRun.objects.filter(pk=run_id, status__in=UNFINISHED).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=run.started_at or now,
        scorer_version=scoring.SCORER_VERSION,
        error="",
    )
    run.refresh_from_db()
    if not started:
        return run
    try:
        if run.kind == RunKind.NEED:
            _execute_need(run)
        elif run.kind == RunKind.PARTNER:
            _execute_partner(run)
        else:
            _execute_full(run)
    except DatabaseError:
        # Left RUNNING: the task retries, and the periodic pick-up covers the need.
        raise
    except Exception as exc:
        MatchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    return run


def _finish(run: MatchRun, **counts) -> None:
    # A run cancelled meanwhile keeps its status.
    MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE, finished_at=timezone.now(), **counts
    )


def _dismissed_by_need(need_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    qs = MatchDecision.objects.filter(decision=Decision.DISMISSED)
    if need_ids is not None:
        qs = qs.filter(need_id__in=list(need_ids))
    out: dict[int, set[int]] = defaultdict(set)
    for need_id, partner_id in qs.values_list("need_id", "partner_id"):
        out[need_id].add(partner_id)
    return out


def _keep(matches: list[scoring.ScoredMatch], dismissed: set[int]) -> list[scoring.ScoredMatch]:
    return [m for m in matches if m.partner_id not in dismissed][: _top_n()]


def _match_row(m: scoring.ScoredMatch, run: MatchRun) -> Match:
    return Match(
        need_id=m.need_id,
        partner_id=m.partner_id,
        score=round(float(m.score), 6),
        parts={k: round(float(v), 4) for k, v in m.parts.items()},
        reasons=m.reasons,
        scorer_version=scoring.SCORER_VERSION,
        run=run,
    )


def _replace_need_matches(need_id: int, matches: list[scoring.ScoredMatch], run: MatchRun) -> int:
    """Replace one need's set of matches. Runs inside the caller's transaction
    with the need's row locked, so concurrent runs for one need take turns."""
    Need.objects.select_for_update().filter(pk=need_id).values_list("pk", flat=True).first()
    Match.objects.filter(need_id=need_id).delete()
    Match.objects.bulk_create([_match_row(m, run) for m in matches])
    return len(matches)


def _mark_need_done(need_id: int, run: MatchRun) -> None:
    """Matching is done for the need unless a newer job for it is still waiting.

    Older need runs that never reached a worker (broker down) are covered by
    this one and closed, so they neither run later nor keep the need pending.
    """
    MatchRun.objects.filter(
        kind=RunKind.NEED, need_id=need_id, pk__lt=run.pk, status=RunStatus.QUEUED
    ).update(status=RunStatus.DONE, finished_at=timezone.now(), error=f"superseded by #{run.pk}")
    newer = MatchRun.objects.filter(kind=RunKind.NEED, need_id=need_id, status__in=UNFINISHED, pk__gt=run.pk)
    if not newer.exists():
        Need.objects.filter(pk=need_id).update(matching_state=MatchingState.DONE)


def _execute_need(run: MatchRun) -> None:
    need_id = run.need_id
    docs = need_docs(scorable_needs().filter(pk=need_id))
    if not docs:
        with transaction.atomic():
            Match.objects.filter(need_id=need_id).delete()
            Need.objects.filter(pk=need_id).update(matching_state=MatchingState.NONE)
            _finish(run, total=1, processed=1, matches_written=0)
        return
    index = partner_index()
    dismissed = _dismissed_by_need([need_id]).get(need_id, set())
    ranked = scoring.rank_partners_for_need(
        docs[0], index, top_n=_top_n() + len(dismissed), weights=_weights()
    )
    kept = _keep(ranked, dismissed)
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_finished:
            return  # a concurrent delivery of this run already wrote it
        # A newer run for this need already wrote fresher matches: do not overwrite.
        if MatchRun.objects.filter(
            kind=RunKind.NEED, need_id=need_id, pk__gt=run.pk, status=RunStatus.DONE
        ).exists():
            _finish(run, total=1, processed=1, matches_written=0)
            return
        written = _replace_need_matches(need_id, kept, run)
        _mark_need_done(need_id, run)
        _finish(run, total=1, processed=1, matches_written=written)


def _execute_full(run: MatchRun) -> None:
    """Rescore every scorable need in id order, committing after each need.

    ``cursor`` holds the last need done; a redelivered task continues after it.
    Each need's transaction first advances the run's row, only while the run is
    still running: a cancelled run stops there, before writing that need.
    """
    index = partner_index(processes=_processes())
    docs = need_docs(scorable_needs().filter(pk__gt=run.cursor))
    dismissed = _dismissed_by_need(d.id for d in docs)
    extra = max((len(v) for v in dismissed.values()), default=0)
    running = MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING)
    if not running.update(total=run.processed + len(docs)):
        return  # cancelled while the index was built
    # Chunks are scored in forked processes where this process may start them (not in a
    # Celery prefork child: there rank_all scores serially); see docs/matching.md.
    ranked_all = scoring.rank_all(
        docs, index, top_n=_top_n() + extra, weights=_weights(), processes=_processes()
    )
    for doc, ranked in zip(docs, ranked_all, strict=True):
        kept = _keep(ranked, dismissed.get(doc.id, set()))
        with transaction.atomic():
            # Locks the run's row until this need is written, so a cancel lands
            # between needs.
            if not running.update(
                cursor=doc.id, processed=F("processed") + 1, matches_written=F("matches_written") + len(kept)
            ):
                ranked_all.close()  # stops the chunk workers
                return
            _replace_need_matches(doc.id, kept, run)
            _mark_need_done(doc.id, run)
    with transaction.atomic():
        if not MatchRun.objects.select_for_update().filter(pk=run.pk, status=RunStatus.RUNNING).exists():
            return
        # Matches of needs that left matching or of partners that left the directory.
        Match.objects.exclude(need__in=scorable_needs()).delete()
        Match.objects.filter(partner__is_active=False).delete()
        _finish(run)


def _execute_partner(run: MatchRun) -> None:
    """Score one partner against every scorable need and merge it into each
    need's top N (the partner enters where it beats the weakest kept match)."""
    partner_id = run.partner_id
    index = partner_index()
    doc = next((p for p in index.partners if p.id == partner_id), None)
    needs = need_docs(scorable_needs())
    if doc is None:
        with transaction.atomic():
            Match.objects.filter(partner_id=partner_id).delete()
            _finish(run, total=len(needs), processed=len(needs), matches_written=0)
        return
    need_index = scoring.NeedIndex(needs, stats=index.stats)
    ranked = scoring.rank_needs_for_partner(doc, need_index, top_n=len(needs), weights=_weights())
    new = {m.need_id: m for m in ranked}
    dismissed_needs = set(
        MatchDecision.objects.filter(partner_id=partner_id, decision=Decision.DISMISSED).values_list(
            "need_id", flat=True
        )
    )
    top_n = _top_n()
    written = 0
    with transaction.atomic():
        need_ids = [n.id for n in needs]
        # Lock the needs (in id order, like every other writer) so a need run
        # cannot replace a set while it is being merged into.
        list(
            Need.objects.select_for_update()
            .filter(pk__in=scorable_needs().values("pk"))
            .order_by("pk")
            .values_list("pk")
        )
        Match.objects.filter(partner_id=partner_id).delete()
        current: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
        for match_id, need_id, other_id, score in Match.objects.filter(
            need__in=scorable_needs().values("pk")
        ).values_list("id", "need_id", "partner_id", "score"):
            current[need_id].append((score, -other_id, match_id))
        to_delete: list[int] = []
        to_create: list[Match] = []
        for need_id in need_ids:
            others = sorted(current.get(need_id, []), reverse=True)
            candidate = new.get(need_id)
            if candidate is None or need_id in dismissed_needs:
                to_delete.extend(m for _s, _p, m in others[top_n:])
                continue
            entries = [*others, (float(candidate.score), -partner_id, 0)]
            entries.sort(reverse=True)
            kept, dropped = entries[:top_n], entries[top_n:]
            to_delete.extend(m for _s, _p, m in dropped if m)
            if any(m == 0 for _s, _p, m in kept):
                to_create.append(_match_row(candidate, run))
        Match.objects.filter(pk__in=to_delete).delete()
        Match.objects.bulk_create(to_create)
        written = len(to_create)
        _finish(run, total=len(needs), processed=len(needs), matches_written=written)


def pending_needs_score() -> int:
    """Score needs still marked "matching pending" (their job never reached a
    worker, e.g. the broker was down). Returns how many needs were scored."""
    stale = timezone.now() - timedelta(seconds=RESCORE_TIME_LIMIT)
    done = 0
    for need_id in list(
        scorable_needs()
        .filter(matching_state=MatchingState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        run = (
            MatchRun.objects.filter(kind=RunKind.NEED, need_id=need_id, status__in=UNFINISHED)
            .order_by("-pk")
            .first()
        )
        if run is not None and run.status == RunStatus.RUNNING and run.started_at and run.started_at > stale:
            continue  # a worker is on it
        if run is None:
            run = MatchRun.objects.create(
                kind=RunKind.NEED,
                trigger=RunTrigger.PERIODIC,
                need_id=need_id,
                total=1,
                scorer_version=scoring.SCORER_VERSION,
            )
        try:
            run_execute(run_id=run.pk)
        except Exception:
            # One broken need must not keep the others pending; its run shows the error.
            logger.exception("matching: periodic scoring of need %s failed", need_id)
            continue
        done += 1
    # Needs that left matching while pending.
    Need.objects.filter(matching_state=MatchingState.PENDING).exclude(pk__in=scorable_needs()).update(
        matching_state=MatchingState.NONE
    )
    return done


# --------------------------------------------------------------------------- review


def _snapshot(need_id: int, partner_id: int) -> tuple[float | None, list]:
    match = Match.objects.filter(need_id=need_id, partner_id=partner_id).first()
    if match is None:
        return None, []
    return match.score, match.reasons


def match_accept(*, actor: User, need_id: int, partner_id: int) -> MatchDecision:
    """Staff accept a suggested partner: the pair becomes an introduction in the
    contact-release flow. Accepting an accepted pair again changes nothing."""
    with transaction.atomic():
        existing = (
            MatchDecision.objects.select_for_update().filter(need_id=need_id, partner_id=partner_id).first()
        )
        if existing is not None and existing.decision == Decision.ACCEPTED:
            return existing
        if not Match.objects.filter(need_id=need_id, partner_id=partner_id).exists() and existing is None:
            raise MatchingError(_("该机构不在此需求的匹配结果中。"))
        score, reasons = _snapshot(need_id, partner_id)
        decision, _created = MatchDecision.objects.update_or_create(
            need_id=need_id,
            partner_id=partner_id,
            defaults={
                "decision": Decision.ACCEPTED,
                "reason": "",
                "note": "",
                "decided_by": actor,
                "score": score if score is not None else (existing.score if existing else None),
                "reasons": reasons or (existing.reasons if existing else []),
            },
        )
        introduction_record(actor=actor, need_id=need_id, partner_id=partner_id, source="match")
        audit_log(
            actor=actor,
            action="match.accept",
            obj=decision,
            data={"need": need_id, "partner": partner_id, "score": score},
        )
    return decision


def match_dismiss(
    *, actor: User, need_id: int, partner_id: int, reason: str, note: str = ""
) -> MatchDecision:
    """Staff dismiss a suggested partner with a reason. The pair is removed from
    the need's matches and stays out of every later rescore."""
    note = note.strip()
    if reason not in DismissReason.values:
        raise MatchingError(_("请选择排除原因。"))
    if reason == DismissReason.OTHER and not note:
        raise MatchingError(_("选择“其他”时请填写说明。"))
    with transaction.atomic():
        score, reasons = _snapshot(need_id, partner_id)
        existing = (
            MatchDecision.objects.select_for_update().filter(need_id=need_id, partner_id=partner_id).first()
        )
        if score is None and existing is None:
            raise MatchingError(_("该机构不在此需求的匹配结果中。"))
        decision, _created = MatchDecision.objects.update_or_create(
            need_id=need_id,
            partner_id=partner_id,
            defaults={
                "decision": Decision.DISMISSED,
                "reason": reason,
                "note": note,
                "decided_by": actor,
                "score": score if score is not None else existing.score,
                "reasons": reasons or existing.reasons,
            },
        )
        Match.objects.filter(need_id=need_id, partner_id=partner_id).delete()
        audit_log(
            actor=actor,
            action="match.dismiss",
            obj=decision,
            data={"need": need_id, "partner": partner_id, "reason": reason, "note": note},
        )
    return decision


def match_restore(*, actor: User, need_id: int, partner_id: int) -> None:
    """Undo a dismissal; the need is rescored so the partner may come back."""
    with transaction.atomic():
        decision = MatchDecision.objects.filter(
            need_id=need_id, partner_id=partner_id, decision=Decision.DISMISSED
        ).first()
        if decision is None:
            raise MatchingError(_("该机构未被排除。"))
        audit_log(
            actor=actor,
            action="match.restore",
            obj=decision,
            data={"need": need_id, "partner": partner_id, "reason": decision.reason},
        )
        decision.delete()
        need_schedule_scoring(need_id=need_id, trigger=RunTrigger.STAFF)


def need_rescore(*, actor: User, need: Need) -> MatchRun | None:
    """Staff rescore one need now."""
    with transaction.atomic():
        run = need_schedule_scoring(need_id=need.pk, trigger=RunTrigger.STAFF)
        if run is not None:
            MatchRun.objects.filter(pk=run.pk).update(started_by=actor)
        audit_log(actor=actor, action="matching.rescore_need", obj=need)
    return run
