"""Accounts: the e-mail user, self-registration, login and its throttling, invitations."""

import re
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from conftest import PASSWORD
from portal.models import AuditEntry, Role, User

pytestmark = pytest.mark.django_db


# --- the user model -------------------------------------------------------------


def test_create_user_normalises_the_email_and_defaults_to_enterprise():
    user = User.objects.create_user(email="  Wang.Min@Example.COM ".strip(), password=PASSWORD)

    assert user.email == "wang.min@example.com"
    assert user.role == Role.ENTERPRISE
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)


def test_create_user_requires_an_email():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password=PASSWORD)


def test_create_superuser_is_an_administrator():
    user = User.objects.create_superuser(email="root@centre.example.com", password=PASSWORD)

    assert user.role == Role.ADMIN and user.is_staff and user.is_superuser


def test_names_fall_back_to_the_email(enterprise_user, staff_user):
    assert enterprise_user.get_full_name() == enterprise_user.email
    assert staff_user.get_short_name() == "交流中心甲"


# --- registration -------------------------------------------------------------------


def _register(client, HTTP_ACCEPT_LANGUAGE="zh-hans", **overrides):
    data = {
        "email": "New.Owner@Example.com",
        "full_name": "王敏",
        "password1": "Jiangsu-HK-2026",
        "password2": "Jiangsu-HK-2026",
        **overrides,
    }
    return client.post(reverse("register"), data, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE)


def test_registration_creates_an_enterprise_user_and_logs_in(client):
    response = _register(client)

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get()
    assert (user.email, user.role, user.full_name) == ("new.owner@example.com", Role.ENTERPRISE, "王敏")
    follow = client.get(reverse("dashboard"), follow=True)
    assert follow.redirect_chain[0][0] == reverse("needs:enterprise_home")
    assert "注册成功" in follow.content.decode()


def test_registration_refuses_a_known_email_in_any_case(client, enterprise_user):
    response = _register(client, email=enterprise_user.email.upper())

    assert response.status_code == 200
    assert "该邮箱已注册" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("Jiangsu-HK-2026", "Jiangsu-HK-2027", "The two passwords do not match"),
        ("12345678901", "12345678901", "entirely numeric"),
        ("short", "short", "too short"),
    ],
)
def test_registration_refuses_bad_passwords_at_the_field(client, password1, password2, message):
    # In English: Django's own validator messages are then stable to compare.
    response = _register(client, password1=password1, password2=password2, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # What the person typed is kept, except the passwords.
    assert 'value="New.Owner@Example.com"' in body or 'value="new.owner@example.com"' in body
    assert not User.objects.exists()


def test_a_signed_in_user_is_sent_from_register_to_the_dashboard(client_as, enterprise_user):
    response = client_as(enterprise_user).get(reverse("register"))

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


# --- login ------------------------------------------------------------------------------


def test_login_ignores_the_case_of_the_email_and_switches_to_the_users_language(client, hk_user):
    response = client.post(reverse("login"), {"username": "LIAISON@HKU.example.hk", "password": PASSWORD})

    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    page = client.get(reverse("home"))
    assert '<html lang="zh-hant">' in page.content.decode()


def test_wrong_password_shows_the_form_again(client, enterprise_user):
    response = client.post(reverse("login"), {"username": enterprise_user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_inactive_user_cannot_log_in(client, enterprise_user):
    enterprise_user.is_active = False
    enterprise_user.save()

    response = client.post(reverse("login"), {"username": enterprise_user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_from_that_address_only(client, enterprise_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": enterprise_user.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    locked = client.post(
        url, {"username": enterprise_user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    assert "登录尝试次数过多" in locked.content.decode()
    assert "请 20 分钟后再试" in locked.content.decode()

    # A colleague behind another address is not locked out.
    other = client.post(
        url, {"username": enterprise_user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302


def test_a_lockout_spares_colleagues_on_the_same_address_and_expires(
    client, enterprise_user, staff_user, settings
):
    from axes.models import AccessAttempt, AccessAttemptExpiration
    from django.utils import timezone

    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": enterprise_user.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    assert (
        client.post(
            url, {"username": enterprise_user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        ).status_code
        == 429
    )

    # Everyone else behind the company's one address still gets in.
    colleague = client.post(url, {"username": staff_user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert colleague.status_code == 302
    client.post(reverse("logout"))

    # Once the cool-off has passed, the locked account gets in again.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    AccessAttemptExpiration.objects.update(expires_at=past)
    again = client.post(
        url, {"username": enterprise_user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert again.status_code == 302


def test_a_success_resets_the_failure_count(client, enterprise_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    credentials = {"username": enterprise_user.email}
    for _ in range(2):
        client.post(url, {**credentials, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    assert client.post(url, {**credentials, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.post(reverse("logout"))
    for _ in range(2):
        client.post(url, {**credentials, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    assert client.post(url, {**credentials, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("enterprise_user", "needs:enterprise_home"),
        ("new_enterprise_user", "needs:enterprise_home"),
        ("staff_user", "needs:staff_home"),
        ("admin_user", "needs:staff_home"),
        ("reviewer_user", "needs:review_home"),
        ("hk_user", "partners:hk_home"),
    ],
)
def test_dashboard_sends_each_role_to_its_start_page(request, client_as, persona, target):
    user = request.getfixturevalue(persona)

    response = client_as(user).get(reverse("dashboard"))

    assert response.status_code == 302 and response["Location"] == reverse(target)


def test_logout_is_a_post(client_as, enterprise_user):
    client = client_as(enterprise_user)

    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- invitations ------------------------------------------------------------------------


def _invite(client, **overrides):
    data = {"email": "Liaison@PolyU.example.hk", "full_name": "陳大文", "role": Role.HK, **overrides}
    return client.post(reverse("invite"), data)


def test_admin_invites_a_hong_kong_user_who_sets_a_password_from_the_email(
    client_as, admin_user, partner, django_capture_on_commit_callbacks
):
    client = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, partner=partner.pk)

    assert response.status_code == 302
    user = User.objects.get(email="liaison@polyu.example.hk")
    assert (user.role, user.partner, user.language) == (Role.HK, partner, "zh-hant")
    assert not user.has_usable_password()
    entry = AuditEntry.objects.get(action="user.invite")
    assert (entry.actor, entry.object_id, entry.data) == (admin_user, str(user.pk), {"role": Role.HK})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liaison@polyu.example.hk"]
    assert "邀請您使用" in message.subject  # in the Hong Kong user's language
    assert "設置密碼" in message.body
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Harbour-View-88", "new_password2": "Harbour-View-88"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Harbour-View-88")


def test_a_hong_kong_invitation_needs_an_institution(client_as, admin_user):
    response = _invite(client_as(admin_user))

    assert response.status_code == 200
    assert "香港机构用户必须属于一个香港机构" in response.content.decode()
    assert not User.objects.filter(email="liaison@polyu.example.hk").exists()


def test_a_staff_invitation_ignores_a_partner_and_uses_the_default_language(
    client_as, admin_user, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(
            client_as(admin_user), email="colleague@centre.example.com", role=Role.STAFF, partner=partner.pk
        )

    user = User.objects.get(email="colleague@centre.example.com")
    assert (user.role, user.partner, user.language) == (Role.STAFF, None, "zh-hans")


def test_an_existing_email_cannot_be_invited(client_as, admin_user, staff_user):
    response = _invite(client_as(admin_user), email=staff_user.email.upper(), role=Role.STAFF)

    assert "该邮箱已有账号" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_an_administrator_cannot_be_invited(client_as, admin_user):
    response = _invite(client_as(admin_user), email="boss@centre.example.com", role=Role.ADMIN)

    assert response.status_code == 200
    assert not User.objects.filter(email="boss@centre.example.com").exists()


def test_password_reset_mails_only_known_addresses(client, enterprise_user):
    client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert mail.outbox == []

    response = client.post(reverse("password_reset"), {"email": enterprise_user.email})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[enterprise_user.email]]
    assert "/accounts/reset/" in mail.outbox[0].body


class _RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("mail server down")


def test_an_invitation_is_saved_when_the_mail_server_is_down(
    client_as, admin_user, partner, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}._RefusingMailServer"
    client = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, partner=partner.pk)

    # The account exists and the admin sees the usual redirect, not a 500;
    # the mail task keeps retrying on its own.
    assert response.status_code == 302
    assert User.objects.filter(email="liaison@polyu.example.hk", role=Role.HK).exists()
    assert AuditEntry.objects.filter(action="user.invite").count() == 1


def test_an_email_registered_after_the_forms_check_is_refused_at_the_field(client, monkeypatch):
    real_create = User.objects.create_user

    def other_request_wins(email, password=None, **extra):
        # The same address registers in another request between the check and the insert.
        real_create(email=email, password="Other-Password-1", role=Role.ENTERPRISE)
        return real_create(email=email, password=password, **extra)

    monkeypatch.setattr(User.objects, "create_user", other_request_wins)

    response = _register(client)

    assert response.status_code == 200
    assert "该邮箱已注册" in response.context["form"].errors["email"][0]
    assert 'value="王敏"' in response.content.decode()
    assert not User.objects.filter(full_name="王敏").exists()
