"""The measurement tools: seed_scale fills a database, bench_pages visits every
main page on it, bench_submit submits drafts from threads. No timings are
asserted, only what the tools write and print."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.management.commands.bench_pages import PAGES
from matching.models import Match
from needs import workflow
from needs.models import Call, Enterprise, Need, NeedStatus
from partners.models import Partner
from portal.models import Role, User

pytestmark = pytest.mark.django_db

SMALL = ["--needs", "60", "--partners", "30", "--enterprises", "12", "--seed", "3"]


def _seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", *SMALL, *extra, stdout=out)
    return out.getvalue()


def test_seed_scale_fills_a_call_with_every_status(reference_data):
    printed = _seed("--matches-per-need", "5", "--password", "Bench-Pass-2026")

    call = Call.objects.get(is_current=True)
    assert call.is_open()
    assert Enterprise.objects.count() == 12
    assert Partner.objects.count() == 30
    needs = Need.objects.filter(call=call)
    assert needs.count() == 60
    statuses = set(needs.values_list("status", flat=True))
    assert {NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.ACCEPTED} <= statuses
    assert len(statuses) >= 5
    assert not needs.filter(status=NeedStatus.DRAFT, reference__isnull=False).exists()
    assert needs.filter(status=NeedStatus.ACCEPTED, consent_share_hk=True).exists()
    matchable = needs.filter(status__in=workflow.MATCHABLE).count()
    assert Match.objects.count() == matchable * 5
    reasons = Match.objects.first().reasons
    assert reasons[0]["code"] == "shared_concepts" and reasons[0]["params"]["concepts"][0]["label"]
    assert User.objects.filter(role=Role.HK).count() == 1  # one per 50 partners
    assert User.objects.filter(role=Role.ENTERPRISE).count() == 12
    assert User.objects.exclude(email__endswith="@seed.invalid").count() == 0
    assert User.objects.get(email="staff@seed.invalid").check_password("Bench-Pass-2026")
    assert "Bench-Pass-2026" in printed and "staff@seed.invalid" in printed


def test_seed_scale_refuses_a_database_with_other_accounts(staff_user):
    with pytest.raises(CommandError, match="not created by seed_scale"):
        _seed()
    assert not Need.objects.exists()


def test_seed_scale_with_force_seeds_beside_other_accounts(staff_user, current_call):
    _seed("--force")
    assert Need.objects.count() == 60
    assert Call.objects.get(is_current=True).title.endswith("（规模测试数据）")
    with pytest.raises(CommandError, match="seeded already"):
        _seed("--force")


def test_bench_pages_answers_every_page_on_seeded_data(reference_data):
    _seed()
    out = StringIO()
    call_command("bench_pages", "--json", "--repeat", "1", stdout=out)
    pages = json.loads(out.getvalue())["pages"]
    assert set(pages) == {page.name for page in PAGES}
    for required in (
        "home",
        "hk_browse",
        "hk_search_zh",
        "hk_search_en",
        "need_detail_hk",
        "hk_recommended",
        "staff_needs",
        "staff_needs_page100",
        "staff_dashboard",
        "staff_shortlist",
        "staff_need_matches",
        "review_queue",
    ):
        assert required in pages
    assert {name: row["status"] for name, row in pages.items()} == {name: 200 for name in pages}
    assert all(row["queries"] > 0 and row["p95_ms"] >= row["p50_ms"] for row in pages.values()), pages


@pytest.mark.django_db(transaction=True)
def test_bench_submit_submits_every_draft_at_once(current_call):
    out = StringIO()
    call_command("bench_submit", "--concurrent", "3", "--json", "--keep", stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"max_s", "p95_s", "refused_in_time", "submissions"} <= set(result)
    assert (result["submitted"], result["refused"], result["refused_in_time"]) == (3, 0, 0)
    assert [row["status"] for row in result["submissions"]] == [NeedStatus.SUBMITTED] * 3
    kept = Need.objects.filter(call=current_call)
    assert list(kept.values_list("status", flat=True)) == [NeedStatus.SUBMITTED] * 3
    assert kept.filter(reference__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_bench_submit_cleans_up_after_itself(current_call):
    call_command("bench_submit", "--concurrent", "2", "--json", stdout=StringIO(), stderr=StringIO())
    assert not Need.objects.exists()
    assert not Enterprise.objects.exists()
    assert not User.objects.exists()
