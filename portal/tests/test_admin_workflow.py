"""The Django admin may look at workflow rows but cannot change them: every
change goes through the services (screening record, audit log, notice, rescore)."""

import pytest
from django.urls import reverse

from matching.models import Match
from needs.models import Need
from partners.models import ContactRelease, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(enterprise, current_call) -> Need:
    return Need.objects.create(
        enterprise=enterprise,
        call=current_call,
        title="需求甲",
        status="submitted",
        reference="JS-2026-0001",
        consent_share_hk=False,
        consent_contact_release=False,
    )


def test_an_admin_post_cannot_change_a_needs_status_or_consent(client, admin_user, need):
    client.force_login(admin_user)
    url = reverse("admin:needs_need_change", args=[need.pk])

    response = client.post(
        url,
        {
            "title": "需求甲",
            "status": "accepted",
            "matching_state": "done",
            "consent_share_hk": "on",
            "consent_contact_release": "on",
            "enterprise": need.enterprise_id,
            "call": need.call_id,
        },
    )

    assert response.status_code == 403
    need.refresh_from_db()
    assert (need.status, need.consent_share_hk, need.consent_contact_release) == ("submitted", False, False)


def test_the_admin_shows_a_need_read_only(client, admin_user, need):
    client.force_login(admin_user)

    response = client.get(reverse("admin:needs_need_change", args=[need.pk]))

    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_an_admin_cannot_release_contacts_or_delete_workflow_rows(client, admin_user, need, partner):
    client.force_login(admin_user)

    add = client.post(reverse("admin:partners_contactrelease_add"), {"need": need.pk, "partner": partner.pk})
    delete = client.post(reverse("admin:needs_need_delete", args=[need.pk]), {"post": "yes"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert ContactRelease.objects.count() == 0
    assert Need.objects.filter(pk=need.pk).exists()
    assert client.get(reverse("admin:matching_match_add")).status_code == 403
    assert Match.objects.count() == 0


def test_an_admin_cannot_deactivate_a_partner_behind_the_services_back(client, admin_user, partner):
    client.force_login(admin_user)

    page = client.get(reverse("admin:partners_partner_change", args=[partner.pk])).content.decode()

    assert 'name="is_active"' not in page
    assert Partner.objects.get(pk=partner.pk).is_active is True
