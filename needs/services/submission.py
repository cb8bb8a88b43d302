"""Writes on calls, enterprises and needs."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from needs import workflow
from needs.errors import NeedError
from needs.models import Call, Enterprise, Need, NeedStatus, ReferenceCounter
from needs.services.duplicates import need_schedule_duplicate_check
from needs.signals import need_changed
from needs.spec import NEED_FIELDS
from needs.workflow import is_past_deadline, need_is_editable, need_is_withdrawable
from portal.mail import mail_enqueue
from portal.models import User
from portal.services import audit_log


def _now() -> datetime:
    """The server's clock, read inside the transaction (tests move it)."""
    return timezone.now()


def reference_next(*, year: int) -> str:
    """Hand out the next need reference of a year, e.g. JSHK-2026-0001.

    The counter row is locked, so two submissions at once never share a number.
    Must run inside the caller's transaction.
    """
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"JSHK-{year}-{counter.last_number:04d}"


# ---------------------------------------------------------------------------
# Rules of the lifecycle
# ---------------------------------------------------------------------------


def _call_shared(call_id: int) -> Call:
    """Read the call under a share lock: the deadline compared below is the
    one committed now, and staff cannot change it until this commits, while
    any number of submissions hold the same lock side by side."""
    if connection.vendor == "postgresql":
        return Call.objects.raw(f"SELECT * FROM {Call._meta.db_table} WHERE id = %s FOR SHARE", [call_id])[0]
    return Call.objects.get(pk=call_id)  # SQLite writes one transaction at a time


def _locked_need(need_id: int) -> Need:
    """Lock the need row, then re-read its call under a share lock."""
    need = Need.objects.select_for_update().get(pk=need_id)
    need.call = _call_shared(need.call_id)
    return need


def _need_for_write(*, user: User, enterprise: Enterprise, call: Call | None, need_id: int | None) -> Need:
    """The need to write: locked, or new in the call read under its lock."""
    if need_id is None:
        return Need(
            enterprise=enterprise, call=_call_shared(call.pk), created_by=user, status=NeedStatus.DRAFT
        )
    return _locked_need(need_id)


def _refuse_locked(need: Need, now: datetime) -> None:
    if need_is_editable(need, now):
        return
    if is_past_deadline(need, now):
        raise NeedError(
            _("本批次已于 %(deadline)s 截止，需求已锁定，本次修改未保存。")
            % {"deadline": timezone.localtime(need.call.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    if need.status in workflow.OPEN_FOR_EDIT:
        raise NeedError(_("本批次尚未开放，暂不能修改。"))
    raise NeedError(_("该需求当前状态为“%(status)s”，不能修改。") % {"status": need.get_status_display()})


def _apply(need: Need, fields: dict[str, Any]) -> None:
    for name in NEED_FIELDS:
        if name in fields:
            setattr(need, name, fields[name])
    if need.has_intended_partner is not True:
        need.intended_partner_name = ""


# ---------------------------------------------------------------------------
# Needs
# ---------------------------------------------------------------------------


def need_save_draft(
    *, user: User, enterprise: Enterprise, call: Call | None, need_id: int | None, fields: dict[str, Any]
) -> Need:
    """Save what was typed, complete or not (a new need becomes a draft).

    A submitted need is not turned back into a draft here: its changes go
    through `need_submit` so what staff see stays complete.
    """
    with transaction.atomic():
        now = _now()  # read before any lock: waiting for one never makes a request late
        need = _need_for_write(user=user, enterprise=enterprise, call=call, need_id=need_id)
        if need.pk is None and not need.call.is_open(now):
            raise NeedError(_("当前没有开放的征集批次，不能新建需求。"))
        _refuse_locked(need, now)
        if need.status == NeedStatus.SUBMITTED:
            raise NeedError(_("已提交的需求请使用“提交需求”保存修改，或先撤回。"))
        _apply(need, fields)
        need.save()
        return need


def need_submit(
    *,
    user: User,
    enterprise: Enterprise,
    call: Call | None,
    need_id: int | None,
    fields: dict[str, Any],
    consent_share_hk: bool,
    consent_contact_release: bool,
    on_behalf: bool = False,
) -> Need:
    """Submit a complete need (new, draft, submitted or returned for revision).

    The deadline is decided here, inside the transaction: the moment the
    request got here (read before any lock is awaited, so a submission sent in
    time is never refused for waiting) against the deadline committed now (the
    call is read under a share lock). The whole submission is saved, or nothing is. The first
    submission gets a reference number, kept on every later resubmission.

    `on_behalf`: staff enter a form the enterprise sent them (the Excel
    imports, whose callers check the permission). The deadline is the staff's
    to judge, a need already in screening keeps its status, the consent is
    recorded as taken from the form, and no receipt is mailed.
    """
    with transaction.atomic():
        now = _now()  # read before any lock: waiting for one never makes a request late
        need = _need_for_write(user=user, enterprise=enterprise, call=call, need_id=need_id)
        if not on_behalf:
            _refuse_locked(need, now)
        was_submitted = need.reference is not None
        _apply(need, fields)
        if not on_behalf or need.status in workflow.DRAFT_ALLOWED:
            need.status = NeedStatus.SUBMITTED
        if need.reference is None:
            need.reference = reference_next(year=need.call.year)
        if need.submitted_at is None:
            need.submitted_at = now
        version = f"import:{settings.CONSENT_VERSION}" if on_behalf else settings.CONSENT_VERSION
        need.consent_share_hk = consent_share_hk
        _contact_consent_set(need, consent_contact_release, now, version)
        need.consent_version = version
        need.consent_at = need.consent_at if on_behalf and need.consent_at else now
        need.save()
        _after_submit(need)
        if not on_behalf:
            need_id = need.pk
            language = getattr(user, "language", settings.LANGUAGE_CODE)
            transaction.on_commit(lambda: _enqueue_receipt(need_id, language, was_submitted))
        return need


def _after_submit(need: Need) -> None:
    """Work that follows every submission. Each part queues itself to run after
    commit: nothing here reads other needs while the call is locked."""
    need_schedule_duplicate_check(need_id=need.pk)
    need_changed.send(sender=Need, need_id=need.pk)


def need_withdraw(*, user: User, need_id: int) -> Need:
    """Withdraw a submitted need before the deadline (it keeps its reference)."""
    with transaction.atomic():
        now = _now()  # read before any lock: waiting for one never makes a request late
        need = _locked_need(need_id)
        if not need_is_withdrawable(need, now):
            if need.status == NeedStatus.SUBMITTED:
                raise NeedError(_("本批次已截止，不能撤回。"))
            raise NeedError(_("只有已提交的需求可以撤回。"))
        need.status = NeedStatus.WITHDRAWN
        need.withdrawn_at = now
        need.save(update_fields=["status", "withdrawn_at", "updated_at"])
        # A withdrawn need leaves matching: the listeners drop its matches.
        need_changed.send(sender=Need, need_id=need.pk)
        return need


def _contact_consent_set(need: Need, given: bool, now: datetime, version: str = "") -> None:
    """Record the enterprise's answer on contact release. A yes keeps the
    moment and wording of the first yes (under the current wording); a no
    clears them, so no contact goes out until it says yes again."""
    version = version or settings.CONSENT_VERSION
    if not given:
        need.consent_contact_release = False
        need.contact_consent_at = None
        need.contact_consent_version = ""
        return
    already = (
        need.consent_contact_release
        and need.contact_consent_at is not None
        and need.contact_consent_version == version
    )
    need.consent_contact_release = True
    if not already:
        need.contact_consent_at = now
        need.contact_consent_version = version


def need_contact_consent_give(*, user: User, need_id: int) -> Need:
    """The enterprise agrees, after submission, that staff may pass its
    contacts to the Hong Kong institutions they recommend (recorded with the
    time and the consent wording version). Idempotent."""
    with transaction.atomic():
        need = Need.objects.select_for_update().filter(pk=need_id).first()
        if need is None or user.enterprise_id is None or need.enterprise_id != user.enterprise_id:
            raise NeedError(_("找不到该需求。"))
        if need.status == NeedStatus.DRAFT:
            raise NeedError(_("草稿需求请在提交时勾选同意。"))
        if need.consent_contact_release and need.contact_consent_at is not None:
            return need
        _contact_consent_set(need, True, _now())
        need.save(
            update_fields=[
                "consent_contact_release",
                "contact_consent_at",
                "contact_consent_version",
                "updated_at",
            ]
        )
        audit_log(
            actor=user,
            action="need.contact_consent",
            obj=need,
            data={"version": need.contact_consent_version},
        )
        return need


def _enqueue_receipt(need_id: int, language: str, edited: bool) -> None:
    # needs.tasks imports this module to run the work: import it on use.
    from needs.tasks import send_need_receipt

    mail_enqueue(send_need_receipt, need_id, language, edited)


def need_send_receipt(*, need_id: int, language: str, edited: bool = False) -> None:
    """E-mail the enterprise contact a receipt of a submission, in the user's
    language (run by the `send_need_receipt` task, never in the request)."""
    need = Need.objects.select_related("enterprise", "call").filter(pk=need_id).first()
    if need is None:
        return
    context = {"need": need, "edited": edited, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string("needs/email/receipt_subject.txt", context).strip()
        body = render_to_string("needs/email/receipt_body.txt", context)
    send_mail(subject, body, None, [need.enterprise.contact_email], fail_silently=False)


# ---------------------------------------------------------------------------
# Enterprise profile
# ---------------------------------------------------------------------------


def enterprise_save(*, user: User, enterprise: Enterprise) -> Enterprise:
    """Create or update the profile from a validated form instance; a new
    profile is linked to the user who created it."""
    with transaction.atomic():
        creating = enterprise.pk is None
        if creating and user.enterprise_id is not None:
            raise NeedError(_("您的账号已属于一个企业。"))
        try:
            with transaction.atomic():
                enterprise.save()
        except IntegrityError:
            # Another request registered the same credit code after the form's check.
            raise NeedError(
                _("该信用代码的企业已在平台注册。请联系已注册的同事在“企业信息”页面添加您的邮箱。"),
                code="uscc_taken",
            ) from None
        if creating:
            user.enterprise = enterprise
            user.save(update_fields=["enterprise"])
        return enterprise


# Colleagues join through an invitation they accept from their own mailbox:
# portal.services.enterprise_invitation_create.


# ---------------------------------------------------------------------------
# Calls (staff)
# ---------------------------------------------------------------------------


def call_save(*, actor: User, call: Call, focus_fields=None) -> Call:
    """Create or update a call from a validated form instance (audited)."""
    with transaction.atomic():
        creating = call.pk is None
        if call.is_current:
            Call.objects.filter(is_current=True).exclude(pk=call.pk).update(is_current=False)
        call.save()
        if focus_fields is not None:
            call.focus_fields.set(focus_fields)
        audit_log(
            actor=actor,
            action="call.create" if creating else "call.update",
            obj=call,
            data={
                "opens_at": call.opens_at.isoformat(),
                "deadline": call.deadline.isoformat(),
                "is_current": call.is_current,
            },
        )
        return call


def call_set_current(*, actor: User, call_id: int) -> Call:
    """Make one call the current one (at most one is current)."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        Call.objects.filter(is_current=True).exclude(pk=call.pk).update(is_current=False)
        call.is_current = True
        call.save(update_fields=["is_current"])
        audit_log(actor=actor, action="call.set_current", obj=call)
        return call
