"""Site-wide services: the audit log and account invitations."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.models import AuditEntry, Role, User


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


def user_register_enterprise(*, email: str, password: str, full_name: str = "") -> User:
    """Self-registration: only enterprise users may sign themselves up."""
    with transaction.atomic():
        return User.objects.create_user(
            email=email, password=password, full_name=full_name, role=Role.ENTERPRISE
        )


def user_invite(
    *,
    actor: User,
    email: str,
    role: str,
    full_name: str = "",
    partner=None,
    request: HttpRequest | None = None,
) -> User:
    """Create a staff, reviewer or Hong Kong account without a password and
    e-mail the person a link to set one (Django's password-reset token)."""
    language = "zh-hant" if role == Role.HK else settings.LANGUAGE_CODE
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name=full_name,
            role=role,
            partner=partner if role == Role.HK else None,
            language=language,
        )
        audit_log(actor=actor, action="user.invite", obj=user, data={"role": role})

    transaction.on_commit(
        lambda: account_setup_email_send(
            user=user,
            subject_template="registration/invite_subject.txt",
            body_template="registration/invite_email.txt",
            request=request,
        )
    )
    return user


def account_setup_email_send(
    *,
    user: User,
    subject_template: str,
    body_template: str,
    context: dict | None = None,
    request: HttpRequest | None = None,
) -> None:
    """E-mail a person a link to set their first password, in their language.

    Django's PasswordResetForm skips users without a usable password, which is
    exactly the invited ones, so the link is built here with the same token
    generator and the same confirm view.
    """
    if request is not None:
        protocol, domain = request.scheme, request.get_host()
    else:
        protocol, domain = settings.SITE_URL.split("://", 1)
    full_context = {
        "user": user,
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        **(context or {}),
    }
    with translation.override(user.language):
        subject = render_to_string(subject_template, full_context).strip()
        body = render_to_string(body_template, full_context)
    send_mail(subject, body, None, [user.email])
