"""Enterprise invitations: a colleague joins from their own mailbox, and
nothing is created or joined before they act."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from portal import services
from portal.models import AuditEntry, Invitation, Role, User

pytestmark = pytest.mark.django_db

INVITEE = "colleague@enta.example.com"


@pytest.fixture
def invite(enterprise_user, django_capture_on_commit_callbacks):
    """Invite an address as enterprise_user; return the link's path."""

    def _invite(email: str = INVITEE, actor: User | None = None) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.enterprise_invitation_create(actor=actor or enterprise_user, email=email)
        link = re.search(r"https?://\S+(/accounts/invitation/\S+/)", mail.outbox[-1].body)
        return link.group(1)

    return _invite


def _signup(client, path: str, language: str = "zh-hans", **overrides):
    data = {"full_name": "李四", "password1": "Harbour-View-88", "password2": "Harbour-View-88", **overrides}
    return client.post(path, data, HTTP_ACCEPT_LANGUAGE=language)


# --- sending --------------------------------------------------------------------------


def test_the_email_goes_out_after_commit_and_the_token_is_stored_only_hashed(
    enterprise_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.enterprise_invitation_create(
            actor=enterprise_user, email=" Colleague@ENTA.example.com "
        )
    assert mail.outbox == [] and len(callbacks) == 1

    callbacks[0]()
    message = mail.outbox[0]
    assert message.to == [INVITEE]
    assert "江苏甲企业有限公司" in message.subject
    token = re.search(r"/accounts/invitation/(\S+)/", message.body).group(1)
    invitation.refresh_from_db()
    assert invitation.email == INVITEE
    assert invitation.token_hash != token and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert not User.objects.filter(email=INVITEE).exists()
    entry = AuditEntry.objects.get(action="enterprise.invite")
    assert (entry.actor, entry.object_id, entry.data) == (
        enterprise_user,
        str(invitation.pk),
        {"email": INVITEE, "sent": True},
    )


def test_the_email_is_written_in_the_inviters_language(enterprise_user, invite):
    enterprise_user.language = "en"
    enterprise_user.save()

    invite()

    assert mail.outbox[0].body.startswith("Hello,")


def test_an_address_that_cannot_join_gets_no_email_and_the_audit_log_says_so(
    enterprise_user, other_enterprise_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.enterprise_invitation_create(
            actor=enterprise_user, email=other_enterprise_user.email
        )

    assert result is None
    assert mail.outbox == [] and not Invitation.objects.exists()
    entry = AuditEntry.objects.get(action="enterprise.invite")
    assert entry.data == {"email": other_enterprise_user.email, "sent": False}


def test_a_new_invitation_replaces_the_pending_one(client, invite):
    first = invite()
    second = invite()

    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_an_enterprise_can_send_only_so_many_invitations_a_day(client_as, enterprise_user, invite):
    for number in range(services.INVITATIONS_PER_DAY):
        invite(f"person{number}@example.com")

    response = client_as(enterprise_user).post(
        reverse("needs:enterprise_colleague_add"), {"email": "one-more@example.com"}
    )

    assert response.status_code == 200
    assert "发出的邀请已达上限" in response.content.decode()
    assert not Invitation.objects.filter(email="one-more@example.com").exists()


# --- accepting without an account ------------------------------------------------------


def test_the_invitee_sets_a_password_and_joins(client, enterprise_user, invite):
    path = invite()
    page = client.get(path)
    assert page.status_code == 200
    assert "请设置密码" in page.content.decode()

    response = _signup(client, path)

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get(email=INVITEE)
    assert (user.role, user.enterprise, user.full_name) == (
        Role.ENTERPRISE,
        enterprise_user.enterprise,
        "李四",
    )
    assert user.check_password("Harbour-View-88")
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation = Invitation.objects.get()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
    entry = AuditEntry.objects.get(action="enterprise.invitation_accept")
    assert (entry.actor, entry.data) == (
        user,
        {"enterprise": enterprise_user.enterprise.pk, "new_account": True},
    )


def test_a_weak_password_is_refused_at_the_field(client, invite):
    path = invite()

    response = _signup(client, path, password1="12345678901", password2="12345678901", language="en")

    assert response.status_code == 200
    assert "entirely numeric" in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()


def test_a_used_link_is_refused(client, invite):
    path = invite()
    _signup(client, path)
    client.post(reverse("logout"))

    again = client.get(path)

    assert again.status_code == 410
    assert "此邀请已被接受" in again.content.decode()


def test_an_expired_link_is_refused(client, invite):
    path = invite()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    page = client.get(path)
    posted = _signup(client, path)

    assert page.status_code == 410 and "此邀请已过期" in page.content.decode()
    assert posted.status_code == 410
    assert not User.objects.filter(email=INVITEE).exists()


def test_an_unknown_token_is_refused(client):
    response = client.get(reverse("invitation_accept", kwargs={"token": "made-up"}))

    assert response.status_code == 404
    assert "此邀请链接无效" in response.content.decode()


def test_if_the_address_registered_meanwhile_the_invitation_asks_to_log_in(client, invite):
    path = invite()
    # The owner registered on their own: the invitation took nothing from them.
    User.objects.create_user(email=INVITEE, password=PASSWORD, role=Role.ENTERPRISE)

    response = _signup(client, path)

    assert response.status_code == 200
    assert "该邮箱已有平台账号" in response.content.decode()
    assert User.objects.get(email=INVITEE).check_password(PASSWORD)


# --- accepting with an existing account ----------------------------------------------------


def test_an_existing_account_logs_in_and_confirms(client, enterprise_user, new_enterprise_user, invite):
    path = invite(new_enterprise_user.email)
    page = client.get(path)
    assert "该邮箱已有平台账号" in page.content.decode()
    assert f"{reverse('login')}?next=" in page.content.decode()
    # Following the link changes nothing before the person acts.
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise is None

    login = client.post(
        f"{reverse('login')}?next={path}", {"username": new_enterprise_user.email, "password": PASSWORD}
    )
    assert login["Location"] == path
    assert "确认加入" in client.get(path).content.decode()
    response = client.post(path)

    assert response.status_code == 302
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise == enterprise_user.enterprise
    entry = AuditEntry.objects.get(action="enterprise.invitation_accept")
    assert (entry.actor, entry.data["new_account"]) == (new_enterprise_user, False)


def test_an_account_of_another_enterprise_is_refused_clearly(
    client_as, enterprise_user, new_enterprise_user, other_enterprise, invite
):
    path = invite(new_enterprise_user.email)
    # Between the invitation and the click, the account joined another enterprise.
    new_enterprise_user.enterprise = other_enterprise
    new_enterprise_user.save()
    client = client_as(new_enterprise_user)

    page = client.get(path)
    posted = client.post(path, follow=True)

    assert "您的账号已属于另一个企业" in page.content.decode()
    assert "确认加入" not in page.content.decode()
    assert "您的账号已属于另一个企业" in posted.content.decode()
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise == other_enterprise
    assert Invitation.objects.get().accepted_at is None


def test_someone_else_logged_in_cannot_use_the_link(client_as, new_enterprise_user, staff_user, invite):
    path = invite(new_enterprise_user.email)
    intruder = User.objects.create_user(email="intruder@example.com", password=PASSWORD, role=Role.ENTERPRISE)

    for user in (intruder, staff_user):
        client = client_as(user)
        assert "此邀请发给 new@entc.example.com" in client.get(path).content.decode()
        client.post(path)

    intruder.refresh_from_db()
    new_enterprise_user.refresh_from_db()
    assert intruder.enterprise is None and new_enterprise_user.enterprise is None
    assert Invitation.objects.get().accepted_at is None


def test_a_staff_account_at_the_invited_address_is_refused(enterprise_user, staff_user, client_as):
    # Invited before it became a staff account: the check is made again at acceptance.
    token = "staff-token"
    from portal.selectors import invitation_token_hash

    Invitation.objects.create(
        email=staff_user.email,
        enterprise=enterprise_user.enterprise,
        invited_by=enterprise_user,
        token_hash=invitation_token_hash(token),
        expires_at=timezone.now() + timedelta(days=1),
    )
    path = reverse("invitation_accept", kwargs={"token": token})
    client = client_as(staff_user)

    assert "不是企业用户账号" in client.get(path).content.decode()
    client.post(path)
    staff_user.refresh_from_db()
    assert staff_user.enterprise is None and staff_user.role == Role.STAFF
