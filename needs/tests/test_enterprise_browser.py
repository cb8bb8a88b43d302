"""An enterprise's whole journey in Chromium: register, profile, need with
dependent technology-field selects, draft, submit, reference number."""

import os
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from needs.models import Call, Need, NeedStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:
    page.locator(f"input[type=submit][name={name}], button[type=submit][name={name}]").first.click()
    page.wait_for_load_state()


def test_enterprise_registers_fills_profile_and_submits_a_need(browser_page, monkeypatch):
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))
    # Scoring is the matching app's; this journey is about the form.
    monkeypatch.setattr("matching.services.need_schedule_scoring", lambda *, need_id: None)
    now = timezone.now()
    Call.objects.create(
        title="浏览器测试批次",
        year=2026,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=5),
        is_current=True,
    )
    page = browser_page

    page.goto(page.base_url + "/accounts/register/")
    page.fill("#id_email", "browser@ente.example.com")
    page.fill("#id_full_name", "浏览器用户")
    page.fill("#id_password1", "Stronger-Pass-2026")
    page.fill("#id_password2", "Stronger-Pass-2026")
    page.locator("form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.endswith("/enterprise/profile/")

    page.fill("#id_name", "江苏浏览器科技有限公司")
    page.fill("#id_credit_code", "91321183799093948x")
    page.fill("#id_founded_on", "2015-03-01")
    page.check("input[name=enterprise_type][value=sme]")
    page.select_option("#id_industry", "27")
    page.fill("#id_main_business", "人工智能")
    page.fill("#id_main_products", "视觉检测设备")
    page.check("input[name=is_high_tech][value=True]")
    page.fill("#id_revenue_last_year", "800")
    page.check("input[name=in_hitech_zone][value=False]")
    page.fill("#id_employees", "50")
    page.fill("#id_rnd_staff", "60")  # wrong on purpose: more R&D staff than employees
    page.fill("#id_address", "苏州工业园区某路1号")
    page.select_option("#id_division", "320576")
    page.fill("#id_contact_name", "李四")
    page.fill("#id_contact_phone", "15850535896")
    page.fill("#id_contact_email", "lisi@example.com")
    page.fill("#id_introduction", "专注工业视觉。")
    _submit(page, "save")
    assert "研发人员数不能超过员工总数" in page.content()
    assert page.input_value("#id_introduction") == "专注工业视觉。"
    page.fill("#id_rnd_staff", "20")
    _submit(page, "save")
    assert page.url.endswith("/enterprise/")

    page.click("#new-need")
    page.wait_for_load_state()
    page.fill("#id_title", "光伏组件缺陷视觉检测")
    # Dependent selects: the second level only offers children of the first.
    assert page.locator("#id_field_l2 option").count() == 1
    page.select_option("#id_field_l1", "01")
    assert page.locator("#id_field_l2 option[value='01.01']").count() == 1
    assert page.locator("#id_field_l2 option[value='02.01']").count() == 0
    page.select_option("#id_field_l2", "01.01")
    page.select_option("#id_field_l3", "01.01.05")
    page.fill("#id_intended_investment", "300")
    page.fill("#id_total_investment", "900")
    _submit(page, "action_draft")
    assert "草稿已保存" in page.content()
    need = Need.objects.get()
    assert need.status == NeedStatus.DRAFT and need.field_l3_id == "01.01.05"
    assert page.input_value("#id_field_l3") == "01.01.05"

    page.check("input[name=categories][value=core_rnd]")
    page.fill("#id_description", "漏检率≤0.5%，单片检测时间≤1秒。")
    page.fill("#id_basis", "拥有产线图像数据20万张。")
    page.fill("#id_partner_requirements", "工业视觉团队。")
    page.fill("#id_partner_role", "联合开发算法。")
    page.check("input[name=has_intended_partner][value=False]")
    page.check("input[name=cooperation_modes][value=joint_dev]")
    page.check("#id_consent_share_hk")
    _submit(page, "action_submit")
    reference = page.locator("#need-reference").inner_text()
    assert re.fullmatch(r"JSHK-2026-\d{4}", reference)
    assert "☑技术研发（关键、核心技术）" in page.content()
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED and need.reference == reference
