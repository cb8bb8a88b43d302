"""Fixtures of the partner tests: a published need whose private fields hold
unique marker strings, and helpers to read any response as text."""

import zipfile
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from needs.models import Enterprise, Need, NeedStatus

MARKERS = {
    "name": "MKNAME秘密企业有限公司",
    "credit_code": "91320000MK0000SECR",
    "address": "MKADDR南京市秘密路1号",
    "contact_name": "MKCONTACT张三",
    "contact_phone": "025-99990001",
    "contact_email": "mkmail@secret-enterprise.example",
    "website": "https://mksite.secret-enterprise.example",
}


# Business figures of the marker enterprise: never shown to a Hong Kong user,
# released or not (nor are the credit code and the address).
FIGURES = {"revenue_last_year": "765432.19", "employees": "99871", "rnd_staff": "87123"}
NEVER_RELEASED = {"credit_code": MARKERS["credit_code"], "address": MARKERS["address"], **FIGURES}


@pytest.fixture
def secret_enterprise(reference_data) -> Enterprise:
    return Enterprise.objects.create(
        division_id="320102",
        revenue_last_year=Decimal(FIGURES["revenue_last_year"]),
        employees=int(FIGURES["employees"]),
        rnd_staff=int(FIGURES["rnd_staff"]),
        **MARKERS,
    )


def make_need(enterprise, call, **extra) -> Need:
    values = {
        "status": NeedStatus.ACCEPTED,
        "consent_share_hk": True,
        "title": "晶圆缺陷检测设备",
        "description": "需要基于机器视觉的检测算法。",
        "field_l1_id": "01",
        "field_l2_id": "01.02",
        "categories": ["core_rnd"],
        "cooperation_modes": ["joint_dev"],
        "intended_investment": 300,
        "submitted_at": timezone.now(),
    }
    values.update(extra)
    return Need.objects.create(enterprise=enterprise, call=call, **values)


@pytest.fixture
def secret_need(secret_enterprise, current_call) -> Need:
    return make_need(
        secret_enterprise,
        current_call,
        reference="JSHK-2026-0777",
        title="芯片封装数据分析平台",
        description="利用大数据分析提高芯片封装良率。",
        basis="已有产线数据。",
        partner_requirements="具备数据科学团队。",
        partner_role="算法研发。",
    )


def consent_to_release(need: Need) -> Need:
    """The enterprise agreed to contact release (as when it ticks the box on submission)."""
    Need.objects.filter(pk=need.pk).update(
        consent_contact_release=True, contact_consent_at=timezone.now(), contact_consent_version="2026-1"
    )
    need.refresh_from_db()
    return need


@pytest.fixture
def consenting_need(secret_need) -> Need:
    """`secret_need` whose enterprise agreed to contact release."""
    return consent_to_release(secret_need)


@pytest.fixture
def hk_world(secret_enterprise, secret_need, current_call, hk_user, other_hk_user, staff_user):
    """The objects url_rules.build_world expects, owned by the marker enterprise."""
    from partners.tests.url_rules import build_world

    world = SimpleNamespace(
        call=current_call,
        enterprise=secret_enterprise,
        partner=hk_user.partner,
        other_partner=other_hk_user.partner,
    )
    build_world(world)
    return world


def response_text(response) -> str:
    """Everything a user receives, as text; workbooks are opened and read."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        wb = load_workbook(BytesIO(body), read_only=True)
        cells = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells.extend(str(v) for v in row if v is not None)
        # Also the raw XML, in case something hides outside cell values.
        with zipfile.ZipFile(BytesIO(body)) as archive:
            for name in archive.namelist():
                cells.append(archive.read(name).decode("utf-8", "replace"))
        return "\n".join(cells)
    return body.decode("utf-8")
