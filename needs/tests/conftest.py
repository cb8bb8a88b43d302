"""Fixtures of the needs app's tests (colleagues append theirs below)."""

from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def profile_post(reference_data) -> dict:
    """A complete, valid section 1 as the browser posts it."""
    return {
        "name": "江苏丙科技有限公司",
        "credit_code": "91321183799093948x",
        "founded_on": "2015-03-01",
        "enterprise_type": "sme",
        "industry": "27",
        "main_business": "生物医药研发",
        "main_products": "体外诊断试剂",
        "is_high_tech": "True",
        "revenue_last_year": "1234.50",
        "in_hitech_zone": "True",
        "hitech_zone": "other",
        "hitech_zone_other": "某某高新区",
        "employees": "120",
        "rnd_staff": "30",
        "address": "南京市玄武区某路1号",
        "division": "320576",
        "contact_name": "张三",
        "contact_phone": "025-85485892",
        "contact_email": "zhang@example.com",
        "website": "https://example.com",
        "introduction": "成立于2015年。",
    }


@pytest.fixture
def need_post() -> dict:
    """A complete, valid sections 2 and 3 with both consents, as submitted."""
    return {
        "title": "肿瘤类器官高通量药敏检测平台开发",
        "field_l1": "02",
        "field_l2": "02.01",
        "field_l3": "02.01.03",
        "intended_investment": "500",
        "total_investment": "1200",
        "categories": ["core_rnd", "product_rnd"],
        "description": "培养成功率≥70%，检测周期≤14天。",
        "basis": "已建成GMP实验室。",
        "partner_requirements": "有类器官培养经验。",
        "partner_role": "联合攻关。",
        "has_intended_partner": "False",
        "intended_partner_name": "",
        "cooperation_modes": ["joint_dev"],
        "consent_share_hk": "on",
        "consent_contact_release": "on",
        "action_submit": "提交需求",
    }


# --- back office (screening, scores, shortlist, Excel) ---------------------------


@pytest.fixture
def make_need(current_call, enterprise):
    """`make_need(status=..., enterprise=..., title=..., description=...)`: a
    complete need with a reference, as if submitted."""
    from itertools import count

    from django.utils import timezone

    from needs.models import Need

    numbers = count(1)

    def make(*, status="submitted", enterprise=enterprise, call=current_call, **fields) -> Need:
        n = next(numbers)
        values = {
            "title": f"高通量药敏检测平台开发{n}",
            "field_l1_id": "02",
            "field_l2_id": "02.01",
            "intended_investment": 500,
            "total_investment": 1200,
            "categories": ["core_rnd"],
            "description": f"第{n}项：培养成功率≥70%，检测周期≤14天，用于个体化用药指导。",
            "basis": "已建成GMP实验室。",
            "partner_requirements": "有类器官培养经验。",
            "partner_role": "联合攻关。",
            "has_intended_partner": False,
            "cooperation_modes": ["joint_dev"],
            "consent_share_hk": True,
        }
        values.update(fields)
        return Need.objects.create(
            enterprise=enterprise,
            call=call,
            status=status,
            reference=f"JSHK-{call.year}-9{n:03d}",
            submitted_at=timezone.now(),
            **values,
        )

    return make


@pytest.fixture
def complete_enterprise(enterprise):
    for name, value in {
        "founded_on": date(2015, 3, 1),
        "enterprise_type": "sme",
        "industry_id": "27",
        "main_business": "生物医药研发",
        "main_products": "体外诊断试剂",
        "is_high_tech": True,
        "revenue_last_year": Decimal("1234.50"),
        "in_hitech_zone": False,
        "employees": 120,
        "rnd_staff": 30,
        "introduction": "成立于2015年。",
    }.items():
        setattr(enterprise, name, value)
    enterprise.save()
    return enterprise
