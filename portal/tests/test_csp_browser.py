"""The Content-Security-Policy in a real browser: no page of the main paths
breaks it (Chromium reports every blocked script, handler or style)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


def test_main_pages_break_no_rule_of_the_policy(browser_page, current_call, enterprise_user, staff_user):
    page = browser_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))

    page.goto(page.base_url + "/")
    _login(page, enterprise_user)
    page.goto(page.base_url + reverse("needs:need_create"))
    # The dependent selects are filled by static/js/needs-form.js.
    page.select_option("#id_field_l1", "02")
    assert page.locator("#id_field_l2 option").count() > 1
    page.context.clear_cookies()
    _login(page, staff_user)
    page.goto(page.base_url + reverse("needs:staff_home"))

    assert violations == []
