"""Fixtures of the matching tests: a small directory and needs."""

import uuid

import pytest
from django.utils import timezone

from needs.models import CooperationMode, Need, NeedStatus, TechField
from partners.models import Partner, PartnerKind

# Strings that exist only in the enterprise's private fields (see the root conftest).
PRIVATE_MARKERS = (
    "江苏甲企业有限公司",
    "913200001347585460",
    "ENTA-ADDRESS",
    "ENTA-CONTACT",
    "enta-mail@example.com",
)


def make_partner(name_hant: str, name_en: str, description: str, keywords: str, codes, modes) -> Partner:
    partner = Partner.objects.create(
        name_zh_hant=name_hant,
        name_en=name_en,
        kind=PartnerKind.UNIVERSITY_LAB,
        description=description,
        keywords=keywords,
        cooperation_modes=list(modes),
        contact_email=f"{uuid.uuid4().hex[:6]}@partner-private.example.hk",
    )
    partner.fields.set(TechField.objects.filter(code__in=codes))
    return partner


@pytest.fixture
def directory(reference_data, partner, other_partner) -> dict[str, Partner]:
    """Robotics, chips and batteries partners, plus the personas' HKU and CityU."""
    partner.description = "香港大學機械人研究中心，研究手術機械人、醫療機械人及內窺鏡機械人。"
    partner.keywords = "手術機械人, 醫療機械人"
    partner.cooperation_modes = [CooperationMode.JOINT_DEV, CooperationMode.COMMISSIONED]
    partner.save()
    partner.fields.set(TechField.objects.filter(code__in=["08.05", "02.05"]))
    other_partner.description = "香港城市大學晶片設計實驗室：集成電路、晶片封裝、半導體器件。"
    other_partner.keywords = "晶片設計；封裝"
    other_partner.cooperation_modes = [CooperationMode.TRANSFER]
    other_partner.save()
    other_partner.fields.set(TechField.objects.filter(code__in=["01.02"]))
    return {
        "robot": partner,
        "chip": other_partner,
        "battery": make_partner(
            "新能源電池研究所",
            "Battery Research Institute",
            "Lithium-ion battery, solid-state battery and energy storage.",
            "battery, energy storage",
            ["06.03"],
            [CooperationMode.JOINT_DEV],
        ),
        "rehab": make_partner(
            "復康科技中心",
            "Rehabilitation Technology Centre",
            "Rehabilitation robot and exoskeleton research for hospitals.",
            "rehabilitation robot, exoskeleton",
            ["02.05"],
            [CooperationMode.JOINT_DEV],
        ),
    }


def make_need(
    enterprise, call, title: str, description: str, codes=(), status=NeedStatus.SUBMITTED, **extra
) -> Need:
    fields = list(TechField.objects.filter(code__in=codes).order_by("level"))
    return Need.objects.create(
        enterprise=enterprise,
        call=call,
        title=title,
        description=description,
        status=status,
        field_l1=fields[0] if fields else None,
        field_l2=fields[1] if len(fields) > 1 else None,
        cooperation_modes=extra.pop("cooperation_modes", [CooperationMode.JOINT_DEV]),
        consent_share_hk=extra.pop("consent_share_hk", True),
        submitted_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def robot_need(enterprise, current_call, directory) -> Need:
    return make_need(
        enterprise,
        current_call,
        "手术机器人精准控制技术",
        "开发手术机器人和内镜机器人的精准运动控制，要求港方具备医疗机器人研究基础。",
        ["08", "08.05"],
        reference="JSHK-2026-0001",
        basis="MARKER-BASIS",
    )


@pytest.fixture
def chip_need(enterprise, current_call, directory) -> Need:
    return make_need(
        enterprise,
        current_call,
        "芯片先进封装工艺",
        "需要集成电路芯片封装和测试技术合作。",
        ["01", "01.02"],
        reference="JSHK-2026-0002",
        cooperation_modes=[CooperationMode.TRANSFER],
    )


@pytest.fixture(autouse=True)
def _celery_eager():
    """Ordinary tests run tasks in-process even when REDIS_URL is set; a real
    worker (portal/tests/worker.py) switches this off while it runs."""
    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
