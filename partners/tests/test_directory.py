"""The directory: seed, public page, staff create/edit/deactivate."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from partners.models import Partner, PartnerKind
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_links_parents(reference_data):
    call_command("load_partners", verbosity=0)
    count = Partner.objects.count()
    assert count >= 60
    call_command("load_partners", verbosity=0)
    assert Partner.objects.count() == count
    hkust = Partner.objects.get(acronym="HKUST")
    assert hkust.name_zh_hans == "香港科技大学"
    access = Partner.objects.get(acronym="ACCESS")
    assert access.parent == hkust and access.kind == PartnerKind.INNOHK_LAB
    assert set(access.fields.values_list("code", flat=True)) == {"01", "01.02"}
    clusters = Partner.objects.filter(parent__acronym="HKSTP", kind=PartnerKind.INSTITUTE)
    assert clusters.count() == 5
    assert Partner.objects.filter(name_en__startswith="Cyberport").exists()
    assert Partner.objects.filter(acronym="ASTRI", kind=PartnerKind.RD_CENTRE).exists()


def test_seed_keeps_staff_contacts(reference_data):
    call_command("load_partners", verbosity=0)
    Partner.objects.filter(acronym="HKU").update(contact_email="kept@hku.example.hk", is_active=False)
    call_command("load_partners", verbosity=0)
    hku = Partner.objects.get(acronym="HKU")
    assert hku.contact_email == "kept@hku.example.hk" and hku.is_active is False


def test_public_directory_hides_contacts_and_inactive(client, partner, other_partner):
    other_partner.is_active = False
    other_partner.save()
    body = client.get(reverse("partners:directory")).content.decode()
    assert "香港大學" in body and "香港城市大學" not in body
    assert "partner-private@example.hk" not in body
    detail = client.get(reverse("partners:partner_detail", kwargs={"pk": partner.pk})).content.decode()
    assert "partner-private@example.hk" not in detail
    assert client.get(reverse("partners:partner_detail", kwargs={"pk": other_partner.pk})).status_code == 404


def test_directory_search_and_filters(client, reference_data):
    call_command("load_partners", verbosity=0)
    url = reverse("partners:directory")
    assert "ACCESS" in client.get(url + "?q=芯片").content.decode()  # keyword stored as 晶片/芯片
    body = client.get(url + "?kind=rd_centre").content.decode()
    assert "ASTRI" in body and "HKU)" not in body
    body = client.get(url + "?field=02.02").content.decode()
    assert "HKBU" in body and "ASTRI" not in body
    assert "page=2" in client.get(url).content.decode()


def test_english_only_name_is_shown_once_with_its_acronym_once(client, db):
    lab = Partner.objects.create(
        name_en="AI Chip Center for Emerging Smart Systems (ACCESS)",
        acronym="ACCESS",
        kind=PartnerKind.INNOHK_LAB,
    )
    name = "AI Chip Center for Emerging Smart Systems"
    listing = client.get(reverse("partners:directory")).content.decode()
    assert listing.count(name) == 1 and "(ACCESS) (ACCESS)" not in listing
    detail = client.get(reverse("partners:partner_detail", kwargs={"pk": lab.pk})).content.decode()
    assert detail.count(name) == 2  # <title> and heading
    assert "(ACCESS) (ACCESS)" not in detail


def test_staff_create_edit_deactivate_are_audited(client_as, staff_user, reference_data):
    client = client_as(staff_user)
    response = client.post(
        reverse("partners:partner_create"),
        {
            "name_zh_hant": "香港數據科學研究所",
            "name_en": "HK Data Science Institute",
            "kind": "institute",
            "fields": ["01", "01.01"],
            "cooperation_modes": ["joint_dev"],
            "website": "https://dsi.example.hk",
            "contact_email": "dsi@example.hk",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Partner.objects.get(name_en="HK Data Science Institute")
    assert created.name_zh_hans == "香港数据科学研究所"
    assert set(created.fields.values_list("code", flat=True)) == {"01", "01.01"}
    client.post(
        reverse("partners:partner_edit", kwargs={"pk": created.pk}),
        {
            "name_zh_hant": "香港數據科學研究院",
            "name_en": "HK Data Science Institute",
            "kind": "institute",
            "contact_email": "dsi@example.hk",
            "is_active": "on",
        },
    )
    created.refresh_from_db()
    assert created.name_zh_hans == "香港数据科学研究院"
    client.post(reverse("partners:partner_deactivate", kwargs={"pk": created.pk}))
    created.refresh_from_db()
    assert created.is_active is False
    actions = list(AuditEntry.objects.filter(actor=staff_user).values_list("action", flat=True))
    assert {"partner.create", "partner.update", "partner.deactivate"} <= set(actions)
    staff_page = client.get(reverse("partners:staff_partners")).content.decode()
    assert "dsi@example.hk" in staff_page


def test_partner_change_schedules_scoring(monkeypatch, staff_user, partner):
    from matching import services as matching_services
    from partners import services

    seen = []
    monkeypatch.setattr(
        matching_services, "partner_schedule_scoring", lambda *, partner_id: seen.append(partner_id)
    )
    services.partner_update(actor=staff_user, partner=partner, data={"keywords": "疫苗"})
    assert seen == [partner.pk]
