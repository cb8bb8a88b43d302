from matching.models import Match, MatchDecision, MatchRun, RunKind, RunStatus
from needs.models import Need, NeedStatus
from portal.tests.url_access import HK, STAFF, Rule

POST_ONLY = 405


def build_world(world) -> None:
    """A published need of `enterprise` matched to `partner`, one dismissal, one run."""
    need = Need.objects.create(
        enterprise=world.enterprise,
        call=world.call,
        title="匹配测试需求",
        description="用于访问规则测试。",
        status=NeedStatus.ACCEPTED,
        consent_share_hk=True,
        reference="JSHK-2026-0901",
    )
    Match.objects.create(
        need=need, partner=world.partner, score=0.5, parts={}, reasons=[], scorer_version="t"
    )
    MatchDecision.objects.create(
        need=need, partner=world.other_partner, decision="dismissed", reason="field_mismatch"
    )
    world.matched_need = need
    world.match_run = MatchRun.objects.create(kind=RunKind.FULL, trigger="staff", status=RunStatus.DONE)


def _need(w) -> dict:
    return {"pk": w.matched_need.pk}


def _pair(w) -> dict:
    return {"pk": w.matched_need.pk, "partner_id": w.partner.pk}


RULES = {
    "matching:needs": Rule(allow=STAFF),
    "matching:need_matches": Rule(allow=STAFF, kwargs=_need),
    "matching:need_rescore": Rule(allow=STAFF, kwargs=_need, ok_status=POST_ONLY),
    "matching:match_accept": Rule(allow=STAFF, kwargs=_pair, ok_status=POST_ONLY),
    "matching:match_dismiss": Rule(allow=STAFF, kwargs=_pair),
    "matching:match_restore": Rule(
        allow=STAFF,
        kwargs=lambda w: {"pk": w.matched_need.pk, "partner_id": w.other_partner.pk},
        ok_status=POST_ONLY,
    ),
    "matching:partner_matches": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.partner.pk}),
    "matching:runs": Rule(allow=STAFF),
    "matching:rescore_start": Rule(allow=STAFF, ok_status=POST_ONLY),
    "matching:run_detail": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.match_run.pk}),
    "matching:run_status": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.match_run.pk}),
    "matching:run_cancel": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.match_run.pk}, ok_status=POST_ONLY),
    "matching:hk_recommended": Rule(allow=HK),
}
