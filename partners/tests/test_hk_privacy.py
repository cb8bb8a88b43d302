"""No response a Hong Kong user can reach contains the enterprise's private
fields, unless staff released them to that user's institution with the
enterprise's consent; the credit code, the address and the business figures
never, released or not."""

import pytest
from django.urls import reverse

from partners import selectors, services
from partners.models import ContactRelease
from partners.tests.conftest import FIGURES, MARKERS, NEVER_RELEASED, response_text
from partners.tests.url_rules import RULES
from portal.tests.url_access import OK

pytestmark = pytest.mark.django_db

HK_URLS = sorted(name for name, rule in RULES.items() if rule.public or "hk" in rule.allow)
QUERIES = (
    "",
    "?q=芯片",
    "?q=晶片&script=hant",
    "?q=MKNAME",
    "?q=秘密",
    "?sort=title",
    "?sort=investment",
    "?sort=old&page=1",
    "?field=01&category=core_rnd&mode=joint_dev&city=320100",
    "?script=hant",
)


def _leaks(text: str, markers: dict | None = None) -> list[str]:
    markers = {**MARKERS, **FIGURES} if markers is None else markers
    return [name for name, marker in markers.items() if marker in text]


def test_hk_urls_are_listed():
    assert {"partners:hk_home", "partners:hk_need_detail", "partners:hk_need_json"} <= set(HK_URLS)


@pytest.mark.parametrize("name", HK_URLS)
def test_no_private_field_in_any_hk_response(name, hk_world, client_as, hk_user):
    rule = RULES[name]
    client = client_as(hk_user)
    url = reverse(name, kwargs=rule.kwargs(hk_world) if rule.kwargs else None)
    for query in QUERIES:
        response = client.get(url + query)
        assert response.status_code == OK, (url + query, response.status_code)
        text = response_text(response)
        assert not _leaks(text), (url + query, _leaks(text))


def test_the_need_is_actually_listed(hk_world, client_as, hk_user, secret_need):
    """Guard against the privacy test passing on empty pages."""
    body = client_as(hk_user).get(reverse("partners:hk_home")).content.decode()
    assert "芯片封装数据分析平台" in body
    data = client_as(hk_user).get(reverse("partners:hk_need_json")).json()
    assert [row["title"] for row in data["results"]].count("芯片封装数据分析平台") == 1
    assert data["results"][0]["investment_band_label"]


def test_projection_has_no_path_to_the_enterprise(hk_user, secret_need):
    row = selectors.hk_need_get(partner=hk_user.partner, need_id=secret_need.pk)
    assert set(row) == set(selectors.HK_NEED_COLUMNS)
    assert not any(key.startswith("enterprise") for key in row)
    assert row["released_name"] == "" and row["contacts_released"] is False
    assert "intended_investment" not in row and row["investment_band"] == "100_500"


def test_unpublished_needs_are_invisible(hk_world, client_as, hk_user, secret_enterprise, current_call):
    from partners.tests.conftest import make_need

    hidden = make_need(secret_enterprise, current_call, title="未同意公开的需求", consent_share_hk=False)
    draft = make_need(secret_enterprise, current_call, title="草稿需求", status="draft")
    client = client_as(hk_user)
    body = client.get(reverse("partners:hk_home")).content.decode()
    assert "未同意公开的需求" not in body and "草稿需求" not in body
    for need in (hidden, draft):
        assert client.get(reverse("partners:hk_need_detail", kwargs={"pk": need.pk})).status_code == 404


@pytest.mark.parametrize("name", HK_URLS)
def test_released_contacts_reach_only_their_institution(
    name, hk_world, client_as, hk_user, other_hk_user, staff_user, consenting_need
):
    services.contacts_release(actor=staff_user, need_id=consenting_need.pk, partner_id=hk_user.partner_id)
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(hk_world) if rule.kwargs else None)
    for query in QUERIES:
        text = response_text(client_as(other_hk_user).get(url + query))
        assert not _leaks(text), (url + query, _leaks(text))


def test_released_contacts_shown_to_their_institution(
    hk_world, client_as, hk_user, staff_user, consenting_need
):
    services.contacts_release(actor=staff_user, need_id=consenting_need.pk, partner_id=hk_user.partner_id)
    client = client_as(hk_user)
    detail = client.get(reverse("partners:hk_need_detail", kwargs={"pk": consenting_need.pk}))
    detail = detail.content.decode()
    for field in ("name", "contact_name", "contact_phone", "contact_email", "website"):
        assert MARKERS[field] in detail
    export = response_text(client.get(reverse("partners:hk_need_export")))
    assert MARKERS["contact_email"] in export
    data = client.get(reverse("partners:hk_need_json")).json()
    row = next(r for r in data["results"] if r["id"] == consenting_need.pk)
    assert row["released_contact_email"] == MARKERS["contact_email"]


def test_search_cannot_probe_private_fields(hk_world, client_as, hk_user, staff_user, consenting_need):
    """Even after a release, searching by a private value finds nothing."""
    services.contacts_release(actor=staff_user, need_id=consenting_need.pk, partner_id=hk_user.partner_id)
    data = client_as(hk_user).get(reverse("partners:hk_need_json") + "?q=MKNAME").json()
    assert data["count"] == 0


# --- the release path, with and without the enterprise's consent -------------------


def _all_hk_responses(client, world):
    for name in HK_URLS:
        rule = RULES[name]
        url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
        for query in QUERIES:
            response = client.get(url + query)
            assert response.status_code == OK, (url + query, response.status_code)
            yield url + query, response_text(response)


def test_release_without_consent_is_refused_and_nothing_leaks(
    hk_world, client_as, hk_user, staff_user, secret_need
):
    assert secret_need.consent_contact_release is False
    with pytest.raises(services.PartnerError, match="未同意"):
        services.contacts_release(actor=staff_user, need_id=secret_need.pk, partner_id=hk_user.partner_id)
    assert not ContactRelease.objects.filter(need=secret_need).exists()
    for url, text in _all_hk_responses(client_as(hk_user), hk_world):
        assert not _leaks(text), (url, _leaks(text))


def test_release_with_consent_never_passes_credit_code_address_or_figures(
    hk_world, client_as, hk_user, staff_user, consenting_need
):
    services.contacts_release(actor=staff_user, need_id=consenting_need.pk, partner_id=hk_user.partner_id)
    client = client_as(hk_user)
    for url, text in _all_hk_responses(client, hk_world):
        assert not _leaks(text, NEVER_RELEASED), (url, _leaks(text, NEVER_RELEASED))
    # The release did happen: the contacts are there, in HTML and JSON alike.
    detail = client.get(reverse("partners:hk_need_detail", kwargs={"pk": consenting_need.pk}))
    assert MARKERS["contact_phone"] in detail.content.decode()
    data = client.get(reverse("partners:hk_need_json")).json()
    row = next(r for r in data["results"] if r["id"] == consenting_need.pk)
    assert row["released_name"] == MARKERS["name"] and row["contacts_released"] is True
    assert not [key for key in row if "credit" in key or "address" in key or "revenue" in key]
    assert not [key for key in row if "rnd" in key or "employees" in key]


def test_projection_releases_only_the_contact_columns():
    assert set(selectors.RELEASED_COLUMNS) == {
        "released_name",
        "released_contact_name",
        "released_contact_phone",
        "released_contact_email",
        "released_website",
    }


def test_html_json_and_xlsx_show_the_same_projection(client_as, hk_user, staff_user, consenting_need):
    services.contacts_release(actor=staff_user, need_id=consenting_need.pk, partner_id=hk_user.partner_id)
    client = client_as(hk_user)
    data = client.get(reverse("partners:hk_need_json")).json()
    row = next(r for r in data["results"] if r["id"] == consenting_need.pk)
    html = client.get(reverse("partners:hk_need_detail", kwargs={"pk": consenting_need.pk})).content.decode()
    export = response_text(client.get(reverse("partners:hk_need_export")))
    for column in ("title", "released_name", "released_contact_email", "released_contact_phone"):
        assert row[column] in html and row[column] in export, column


def test_release_row_without_consent_shows_nothing(hk_world, client_as, hk_user, staff_user, secret_need):
    """Defence in depth: a release row alone (written around the service, or
    made before the enterprise withdrew its consent) releases nothing."""
    ContactRelease.objects.create(need=secret_need, partner=hk_user.partner, released_by=staff_user)
    row = selectors.hk_need_get(partner=hk_user.partner, need_id=secret_need.pk)
    assert row["contacts_released"] is False and row["released_name"] == ""
    for url, text in _all_hk_responses(client_as(hk_user), hk_world):
        assert not _leaks(text), (url, _leaks(text))
