"""Back-office writes: screening transitions, rubric scores, the event shortlist
and duplicate flagging.

Every function here is a service: keyword-only, atomic, audited when staff (or
a reviewer) act, e-mails queued on commit. The allowed status changes live in
`TRANSITIONS`, the one table of the screening workflow.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from needs import workflow
from needs.errors import NeedError
from needs.models import (
    Need,
    NeedStatus,
    ScreeningEvent,
    ScreeningReason,
)
from needs.signals import need_changed
from portal import permissions
from portal.mail import mail_enqueue
from portal.models import User
from portal.services import audit_log

# ---------------------------------------------------------------------------
# The screening workflow
# ---------------------------------------------------------------------------


def need_public_snapshot(need: Need) -> dict:
    """The public text of a need as staff publish it (no enterprise fields):
    what Hong Kong users were shown, kept when the need is later edited."""
    return {
        "reference": need.reference or "",
        "title": need.title,
        "field_l1_name": need.field_l1.name_zh if need.field_l1_id else "",
        "field_l2_name": need.field_l2.name_zh if need.field_l2_id else "",
        "field_l3_name": need.field_l3.name_zh if need.field_l3_id else "",
        "description": need.description,
        "basis": need.basis,
        "partner_requirements": need.partner_requirements,
        "partner_role": need.partner_role,
        "categories": list(need.categories),
        "cooperation_modes": list(need.cooperation_modes),
        "published_at": timezone.now().isoformat(),
    }


def need_screen(
    *, actor: User, need_id: int, to_status: str, reason_code: str = "", message: str = ""
) -> Need:
    """Move a need along the screening workflow, record it, tell the enterprise.

    Raises NeedError for a step the table does not allow, a missing or
    foreign reason code, or an actor who may not screen.
    """
    if not permissions.can_screen_needs(actor):
        raise NeedError(_("您没有审核需求的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("enterprise").get(pk=need_id)
        transition = workflow.step(need.status, to_status, workflow.Actor.STAFF)
        if transition is None:
            raise NeedError(
                _("不能将需求从“%(from)s”改为“%(to)s”。")
                % {
                    "from": NeedStatus(need.status).label,
                    "to": NeedStatus(to_status).label if to_status in NeedStatus.values else to_status,
                },
                code="invalid_transition",
            )
        reason_code = reason_code or ""
        message = (message or "").strip()
        if transition.reasons:
            if reason_code not in transition.reasons:
                raise NeedError(_("请选择有效的原因。"), code="reason_required")
            if (transition.message_required or reason_code == ScreeningReason.OTHER) and not message:
                raise NeedError(_("请填写说明。"), code="message_required")
        else:
            reason_code = ""
        from_status = need.status
        need.status = to_status
        if to_status == NeedStatus.ACCEPTED:
            need.published_snapshot = need_public_snapshot(need)
        need.save(update_fields=["status", "published_snapshot", "updated_at"])
        event = ScreeningEvent.objects.create(
            need=need,
            from_status=from_status,
            to_status=to_status,
            reason_code=reason_code,
            message=message,
            actor=actor,
        )
        audit_log(
            actor=actor,
            action=transition.action,
            obj=need,
            data={"from": from_status, "to": to_status, "reason": reason_code, "message": message},
        )
        if to_status == NeedStatus.ACCEPTED:
            need_changed.send(sender=Need, need_id=need.pk)
        if to_status in workflow.NOTIFIED:
            event_id = event.pk
            transaction.on_commit(lambda: _enqueue_screening_notice(event_id))
    return need


def _enqueue_screening_notice(event_id: int) -> None:
    # needs.tasks imports this module to run the work: import it on use.
    from needs.tasks import send_screening_notice

    mail_enqueue(send_screening_notice, event_id)


def screening_notify(*, event_id: int) -> None:
    """E-mail the enterprise's users about a screening decision, each in their
    language (run by the `send_screening_notice` task, never in the request)."""
    event = ScreeningEvent.objects.select_related("need__enterprise").filter(pk=event_id).first()
    if event is None:
        return
    need = event.need
    users = User.objects.filter(enterprise_id=need.enterprise_id, is_active=True)
    by_language: dict[str, list[str]] = {}
    for user in users:
        by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user.email)
    for language, emails in by_language.items():
        with translation.override(language):
            context = {
                "need": need,
                "event": event,
                "status_label": NeedStatus(event.to_status).label,
                "reason_label": ScreeningReason(event.reason_code).label if event.reason_code else "",
                "site_url": settings.SITE_URL,
            }
            subject = _("【苏港技术合作需求对接平台】您的需求“%(title)s”审核结果：%(status)s") % {
                "title": need.title,
                "status": context["status_label"],
            }
            body = render_to_string("needs/staff_screening_email.txt", context)
        send_mail(subject, body, None, emails)
