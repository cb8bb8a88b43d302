"""The base layout in a real browser: vendored assets load, the menu and the language switcher work."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_visitor_opens_the_menu_and_switches_to_english(browser_page, current_call):
    page = browser_page
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(page.base_url + "/")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#current-call").is_visible()
    # Bootstrap (vendored, no CDN) styles and scripts the collapsed menu.
    switcher = page.locator("#language-select")
    assert not switcher.is_visible()
    page.locator(".navbar-toggler").click()
    switcher.wait_for(state="visible")

    # Choosing a language submits the form by itself (no button without JS).
    with page.expect_navigation():
        switcher.select_option("en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert "Jiangsu–Hong Kong Technology Cooperation Portal" in page.title()
    assert "Call for Jiangsu enterprises' technology cooperation needs with Hong Kong" in page.inner_text(
        "h1"
    )
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies[settings.LANGUAGE_COOKIE_NAME] == "en"
    page.screenshot(path=str(settings.BASE_DIR / "test-artifacts" / "home-phone-en.png"), full_page=True)
    assert failed == []
