"""A Hong Kong user's journey in a real browser, then staff release contacts."""

from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD
from partners.tests.conftest import MARKERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_hk_user_searches_opens_expresses_interest_and_staff_release(
    browser_page, consenting_need, hk_user, staff_user
):
    secret_need = consenting_need
    page = browser_page
    _login(page, hk_user.email)
    # The user's language (zh-hant) is active after login.
    assert page.url.endswith("/hk/")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    if (Path(settings.BASE_DIR) / "locale/zh_Hant/LC_MESSAGES/django.mo").exists():
        assert "江蘇企業需求" in page.locator("nav").inner_text()

    # Search in Traditional Chinese (晶片/數據) finds the Simplified need.
    page.fill("#id_q", "晶片 數據")
    page.locator("#filter-form button[type=submit]").click()
    page.wait_for_load_state()
    link = page.locator("#need-list a", has_text="芯片封装数据分析平台")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert "利用大数据分析提高芯片封装良率" in page.locator("#need-description").inner_text()

    # One switch shows the need in Hong Kong Traditional characters; the original is one click away.
    page.click("#script-hant")
    page.wait_for_load_state()
    assert "利用大數據分析提高芯片封裝良率" in page.locator("#need-description").inner_text()
    page.click("#script-original")
    page.wait_for_load_state()
    assert "利用大数据分析提高芯片封装良率" in page.locator("#need-description").inner_text()
    body = page.content()
    assert not [m for m in MARKERS.values() if m in body]

    # Express interest.
    page.fill("#id_proposal", "聯合開發封裝數據分析算法")
    page.fill("#id_questions", "現有數據規模？")
    page.fill("#id_contact", "陳博士 liaison@hku.example.hk")
    page.locator("#interest-form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#own-interests").count() == 1
    assert page.locator("#interest-form").count() == 0

    # Staff release contacts to both sides.
    _login(page, staff_user.email)
    page.goto(page.base_url + "/staff/interests/")
    page.locator("#interest-queue a", has_text="芯片封装数据分析平台").click()
    page.wait_for_load_state()
    assert "聯合開發封裝數據分析算法" in page.content()
    page.check("#release-form input[name=confirm]")
    page.locator("#release-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#release-form").count() == 0

    # The institution now sees the enterprise's contact on the need.
    _login(page, hk_user.email)
    page.goto(page.base_url + f"/hk/needs/{secret_need.pk}/")
    released = page.locator("#released-contacts").inner_text()
    assert MARKERS["contact_email"] in released and MARKERS["name"] in released
