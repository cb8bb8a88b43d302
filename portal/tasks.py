"""Background work of the site-wide app: invitation e-mails."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=60, soft_time_limit=50)
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
