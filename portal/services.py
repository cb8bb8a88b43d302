"""Site-wide services: the audit log and account invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import selectors, tasks
from portal.errors import DomainError
from portal.mail import mail_enqueue
from portal.models import AuditEntry, Invitation, Role, User


def audit_log(
    *, actor: User | None, action: str, obj: models.Model | None = None, data: dict | None = None
) -> AuditEntry:
    """Record one staff action. Called inside the caller's transaction, so the
    entry exists exactly when the action does."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
    )


class AccountError(DomainError):
    """An account cannot be created; the message is shown at the e-mail field."""


def _email_taken(message: str) -> AccountError:
    # A request that passed the form's check lost the race to another one.
    return AccountError(message, code="email_taken")


def user_register_enterprise(*, email: str, password: str, full_name: str = "") -> User:
    """Self-registration: only enterprise users may sign themselves up."""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=password, full_name=full_name, role=Role.ENTERPRISE
            )
    except IntegrityError:
        raise _email_taken(_("该邮箱已注册，请直接登录或找回密码。")) from None


def user_invite(
    *,
    actor: User,
    email: str,
    role: str,
    full_name: str = "",
    partner=None,
) -> User:
    """Create a staff, reviewer or Hong Kong account without a password and
    e-mail the person a link to set one (Django's password-reset token)."""
    language = "zh-hant" if role == Role.HK else settings.LANGUAGE_CODE
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=None,
                    full_name=full_name,
                    role=role,
                    partner=partner if role == Role.HK else None,
                    language=language,
                )
        except IntegrityError:
            raise _email_taken(_("该邮箱已有账号。")) from None
        audit_log(actor=actor, action="user.invite", obj=user, data={"role": role})

        user_id = user.pk
        transaction.on_commit(lambda: mail_enqueue(tasks.send_account_setup, user_id))
    return user


# ---------------------------------------------------------------------------
# Enterprise invitations: a colleague joins from their own mailbox
# ---------------------------------------------------------------------------

INVITATION_VALID_FOR = timedelta(days=7)
# Invitations an enterprise may send in 24 hours: enough for a team, too few
# to use the portal for mailing strangers.
INVITATIONS_PER_DAY = 20


class InvitationError(DomainError):
    """An invitation cannot be sent or accepted; the message is shown to the user."""


def enterprise_invitation_create(*, actor: User, email: str) -> Invitation | None:
    """Invite an e-mail address to join the actor's enterprise.

    Nothing is created or joined here. The caller answers the same neutral
    message whatever happens, so the form never tells which addresses have
    accounts: an address that could never join (a member already, another
    enterprise's user, a staff or Hong Kong account) gets no e-mail, which
    only the audit log records. A newer invitation to the same address
    replaces a pending one. The e-mail goes out from a task after commit.
    """
    email = email.strip().lower()
    enterprise = actor.enterprise
    if enterprise is None:
        raise InvitationError(_("请先填写企业基本信息。"))
    now = timezone.now()
    with transaction.atomic():
        sent_today = Invitation.objects.filter(enterprise=enterprise, created_at__gte=now - timedelta(days=1))
        if sent_today.count() >= INVITATIONS_PER_DAY:
            raise InvitationError(_("本企业 24 小时内发出的邀请已达上限，请稍后再试。"))
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and (existing.role != Role.ENTERPRISE or existing.enterprise_id is not None):
            audit_log(
                actor=actor, action="enterprise.invite", obj=enterprise, data={"email": email, "sent": False}
            )
            return None
        Invitation.objects.filter(
            enterprise=enterprise, email=email, accepted_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            email=email,
            enterprise=enterprise,
            invited_by=actor,
            language=actor.language,
            token_hash=selectors.invitation_token_hash(token),
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        audit_log(
            actor=actor, action="enterprise.invite", obj=invitation, data={"email": email, "sent": True}
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda: mail_enqueue(tasks.send_enterprise_invitation, invitation_id, token))
    return invitation


def _invitation_locked(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=selectors.invitation_token_hash(token))
        .first()
    )
    problem = selectors.invitation_problem(invitation)
    if problem:
        raise InvitationError(problem)
    return invitation


def _invitation_close(*, invitation: Invitation, user: User, new_account: bool) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log(
        actor=user,
        action="enterprise.invitation_accept",
        obj=invitation,
        data={"enterprise": invitation.enterprise_id, "new_account": new_account},
    )


def enterprise_invitation_accept_new(*, token: str, password: str, full_name: str = "") -> User:
    """The invitee has no account: create one, with the password they chose,
    as an enterprise user of the inviting enterprise."""
    with transaction.atomic():
        invitation = _invitation_locked(token)
        refusal = _("该邮箱已有账号，请先登录，再接受邀请。")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(refusal)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    full_name=full_name,
                    role=Role.ENTERPRISE,
                    enterprise_id=invitation.enterprise_id,
                    language=invitation.language,
                )
        except IntegrityError:
            # The address registered itself a moment ago.
            raise InvitationError(refusal) from None
        _invitation_close(invitation=invitation, user=user, new_account=True)
    return user


def enterprise_invitation_accept_existing(*, token: str, user: User) -> User:
    """The invitee is logged in with the invited address's account and
    confirms: that account joins the enterprise, if it may."""
    with transaction.atomic():
        invitation = _invitation_locked(token)
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = selectors.invitation_join_refusal(invitation=invitation, user=user)
        if refusal:
            raise InvitationError(refusal)
        user.enterprise_id = invitation.enterprise_id
        user.save(update_fields=["enterprise"])
        _invitation_close(invitation=invitation, user=user, new_account=False)
    return user
