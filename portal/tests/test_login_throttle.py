"""Login throttling: the client's address behind a proxy, the per-address
limit across accounts, and a password reset lifting a lockout."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD
from portal.models import Role, User

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.9"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 6


def _login(client, email: str, password: str, **meta):
    return client.post(reverse("login"), {"username": email, "password": password}, **meta)


def _fail(client, email: str, times: int, **meta) -> None:
    for _ in range(times):
        assert _login(client, email, "wrong-password", **meta).status_code in (200, 429)


def test_behind_the_proxy_one_locked_client_does_not_lock_the_others(client, enterprise_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    owner = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    _fail(client, enterprise_user.email, 3, **attacker)

    assert _login(client, enterprise_user.email, PASSWORD, **attacker).status_code == 429
    assert _login(client, enterprise_user.email, PASSWORD, **owner).status_code == 302


def test_behind_the_proxy_a_forged_header_is_ignored(client, enterprise_user, settings):
    # The proxy appends the address it saw; what the client wrote is to its left.
    settings.TRUSTED_PROXY_COUNT = 1
    _fail(client, enterprise_user.email, 3, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")

    forged = _login(
        client,
        enterprise_user.email,
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.1.1.2, 203.0.113.7",
    )
    assert forged.status_code == 429


def test_without_a_proxy_setting_the_header_does_not_dodge_the_lockout(client, enterprise_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    _fail(client, enterprise_user.email, 3, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1")

    spoofed = _login(
        client, enterprise_user.email, PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.2"
    )
    assert spoofed.status_code == 429
    assert "登录尝试次数过多" in spoofed.content.decode()


def test_failures_across_many_accounts_lock_the_address(client, enterprise_user, staff_user):
    # Two failures on each of three accounts stays under the per-account limit
    # of three, but reaches the per-address limit of six.
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        _fail(client, email, 2, REMOTE_ADDR="203.0.113.7")

    locked = _login(client, enterprise_user.email, PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429
    assert "当前网络地址的登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert _login(client, staff_user.email, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_under_the_address_limit_other_accounts_still_log_in(client, enterprise_user):
    for email in ("a@example.com", "b@example.com"):
        _fail(client, email, 2, REMOTE_ADDR="203.0.113.7")

    assert _login(client, enterprise_user.email, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_a_password_reset_lifts_the_lockout(client, enterprise_user):
    _fail(client, enterprise_user.email, 3, REMOTE_ADDR="203.0.113.7")
    assert _login(client, enterprise_user.email, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429

    client.post(reverse("password_reset"), {"email": enterprise_user.email})
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Harbour-View-88", "new_password2": "Harbour-View-88"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    assert (
        _login(client, enterprise_user.email, "Harbour-View-88", REMOTE_ADDR="203.0.113.7").status_code == 302
    )


def test_a_lockout_of_one_account_is_not_lifted_by_anothers_reset(client, enterprise_user):
    other = User.objects.create_user(email="second@enta.example.com", password=PASSWORD, role=Role.ENTERPRISE)
    _fail(client, enterprise_user.email, 3, REMOTE_ADDR="203.0.113.7")

    client.post(reverse("password_reset"), {"email": other.email})
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Harbour-View-88", "new_password2": "Harbour-View-88"})

    assert _login(client, enterprise_user.email, PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
