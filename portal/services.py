"""Site-wide services: the audit log and account invitations."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import models, transaction
from django.http import HttpRequest

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

    def send() -> None:
        form = PasswordResetForm(data={"email": user.email})
        if form.is_valid():
            form.save(
                request=request,
                use_https=bool(request and request.is_secure()),
                subject_template_name="registration/invite_subject.txt",
                email_template_name="registration/invite_email.txt",
                domain_override=None if request else settings.SITE_URL.split("://", 1)[-1],
            )

    transaction.on_commit(send)
    return user
