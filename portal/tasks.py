"""Background work of the site-wide app: account and invitation e-mails."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.mail import MAIL_TASK_OPTIONS
from portal.models import Invitation, User


@shared_task(**MAIL_TASK_OPTIONS)
def send_enterprise_invitation(invitation_id: int, token: str) -> None:
    """E-mail the invitee the link to accept, in the inviter's language.

    The token travels with the job because the database keeps only its hash.
    An invitation accepted, replaced or expired in the meantime is not sent;
    sending twice only repeats the same link.
    """
    invitation = (
        Invitation.objects.select_related("enterprise", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "enterprise": invitation.enterprise,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "link": settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token}),
    }
    with translation.override(invitation.language):
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@shared_task(**MAIL_TASK_OPTIONS)
def send_account_setup(user_id: int) -> None:
    """E-mail an invited staff, reviewer or Hong Kong user the link to set
    their first password, in their language.

    Django's PasswordResetForm skips users without a usable password, which is
    exactly the invited ones, so the link is built here with the same token
    generator and confirm view. A user who has set a password meanwhile is not
    written to again (running the task twice is harmless).
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return
    protocol, domain = settings.SITE_URL.split("://", 1)
    context = {
        "user": user,
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(user.language):
        subject = render_to_string("registration/invite_subject.txt", context).strip()
        body = render_to_string("registration/invite_email.txt", context)
    send_mail(subject, body, None, [user.email])
