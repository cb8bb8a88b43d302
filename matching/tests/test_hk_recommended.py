"""The Hong Kong "recommended needs" page: a score threshold, the reasons, no private fields."""

import pytest
from django.urls import reverse

from matching.models import Match
from partners.tests.conftest import FIGURES, MARKERS, make_need, response_text, secret_enterprise, secret_need  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

INTENDED = "MKINTENDED香港某大学"
CONCEPT_REASON = {
    "code": "shared_concepts",
    "text": "共同技术词: 芯片 / chip",
    "params": {"concepts": [{"id": "chip", "label": "芯片 / chip"}]},
}
PARENT_REASON = {
    "code": "named_partner_parent",
    "text": f"企业点名: {INTENDED}",
    "params": {"named": INTENDED},
}


def _match(need, partner, score: float, reasons: list[dict]) -> Match:
    return Match.objects.create(
        need=need, partner=partner, score=score, parts={}, reasons=reasons, scorer_version="test"
    )


@pytest.fixture
def recommendations(secret_enterprise, secret_need, current_call, hk_user, settings):  # noqa: F811
    settings.MATCHING_RECOMMEND_MIN_SCORE = 0.10
    secret_need.intended_partner_name = INTENDED
    secret_need.save(update_fields=["intended_partner_name"])
    low = make_need(secret_enterprise, current_call, reference="JSHK-2026-0778", title="低分电影制作需求")
    _match(secret_need, hk_user.partner, 0.42, [CONCEPT_REASON, PARENT_REASON])
    _match(low, hk_user.partner, 0.03, [{"code": "shared_terms", "text": "x", "params": {"terms": ["数据"]}}])
    return secret_need, low


def test_high_match_is_listed_with_its_reasons_and_low_one_is_not(recommendations, client_as, hk_user):
    high, low = recommendations

    html = client_as(hk_user).get(reverse("matching:hk_recommended")).content.decode()

    assert high.title in html and "42%" in html
    assert "共同技术概念：芯片 / chip" in html
    assert low.title not in html
    assert "10%" in html  # the threshold is stated


def test_threshold_is_a_setting(recommendations, client_as, hk_user, settings):
    high, low = recommendations
    settings.MATCHING_RECOMMEND_MIN_SCORE = 0.0

    html = client_as(hk_user).get(reverse("matching:hk_recommended")).content.decode()

    assert high.title in html and low.title in html


@pytest.mark.parametrize("query", ["", "?script=hant"])
def test_page_never_shows_private_fields(recommendations, client_as, hk_user, query):
    text = response_text(client_as(hk_user).get(reverse("matching:hk_recommended") + query))

    assert "JSHK-2026-0777" in text  # not an empty page
    markers = {**MARKERS, **FIGURES, "intended_partner_name": INTENDED}
    assert not [name for name, marker in markers.items() if marker in text]


def test_other_institution_sees_none_of_them(recommendations, client_as, other_hk_user):
    html = client_as(other_hk_user).get(reverse("matching:hk_recommended")).content.decode()

    assert recommendations[0].title not in html and "共同技术概念" not in html
