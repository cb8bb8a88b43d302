"""The staff partner form stores what it says it saved; deactivating an
institution there shuts its Hong Kong users out."""

import pytest
from django.urls import reverse

from partners.models import Partner

pytestmark = pytest.mark.django_db


def _form_data(partner: Partner, **changes) -> dict:
    data = {
        "name_zh_hant": partner.name_zh_hant,
        "name_en": partner.name_en,
        "acronym": partner.acronym,
        "kind": partner.kind,
        "description": partner.description,
        "description_en": partner.description_en,
        "keywords": partner.keywords,
        "website": partner.website,
        "contact_name": partner.contact_name,
        "contact_email": partner.contact_email,
        "contact_phone": partner.contact_phone,
        "is_active": "on" if partner.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in (None, "")}


def test_edit_form_stores_the_changes(partner, staff_user, client_as):
    response = client_as(staff_user).post(
        reverse("partners:partner_edit", kwargs={"pk": partner.pk}),
        _form_data(partner, contact_name="陳大文", description="新的簡介"),
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.contact_name == "陳大文"
    assert partner.description == "新的簡介"


def test_deactivating_in_the_edit_form_revokes_hk_users(partner, hk_user, staff_user, client_as):
    assert client_as(hk_user).get(reverse("partners:hk_home")).status_code == 200
    response = client_as(staff_user).post(
        reverse("partners:partner_edit", kwargs={"pk": partner.pk}), _form_data(partner, is_active="")
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_active is False
    assert client_as(hk_user).get(reverse("partners:hk_home")).status_code == 403
