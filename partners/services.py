"""Writes: the partner directory, expressions of interest, contact releases."""

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from needs.models import CooperationMode, Need, TechField
from needs.selectors import needs_published
from partners import tasks
from partners.models import (
    OPEN_INTEREST_STATUSES,
    ContactRelease,
    ExpressionOfInterest,
    InterestStatus,
    IntroductionSource,
    Partner,
    PartnerKind,
)
from partners.scripts import to_hans
from partners.signals import partner_changed
from portal.errors import DomainError
from portal.mail import mail_enqueue
from portal.models import User
from portal.services import audit_log
from portal.uploads import upload_rows


class PartnerError(DomainError):
    """A domain rule was broken; the message is translated for the user."""


# --- the directory ---------------------------------------------------------------

# The partner's editable fields in the form's order; the staff form, the
# import/export workbook (after an "id" column) and the services share it.
PARTNER_FIELDS = (
    "name_zh_hant",
    "name_en",
    "acronym",
    "kind",
    "parent",
    "fields",
    "description",
    "description_en",
    "keywords",
    "cooperation_modes",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "is_active",
)
# All but the many-to-many technology fields, which are set after saving.
PARTNER_DATA_FIELDS = tuple(name for name in PARTNER_FIELDS if name != "fields")


def _partner_apply(partner: Partner, data: dict) -> list[str]:
    changed = []
    for name in PARTNER_DATA_FIELDS:
        if name in data and getattr(partner, name) != data[name]:
            setattr(partner, name, data[name])
            changed.append(name)
    # The Simplified name is always derived, never typed.
    partner.name_zh_hans = to_hans(partner.name_zh_hant)
    return changed


def _partner_set_fields(partner: Partner, fields) -> bool:
    if fields is None:
        return False
    new = {f.code if isinstance(f, TechField) else f for f in fields}
    old = set(partner.fields.values_list("code", flat=True))
    if new != old:
        partner.fields.set(list(new))
        return True
    return False


def _after_partner_change(partner: Partner) -> None:
    partner_changed.send(sender=Partner, partner_id=partner.pk)


def partner_create(*, actor: User | None, data: dict, fields=None) -> Partner:
    """Add a partner to the directory (staff)."""
    with transaction.atomic():
        partner = Partner()
        _partner_apply(partner, data)
        partner.full_clean(exclude=["fields"])
        partner.save()
        _partner_set_fields(partner, fields)
        audit_log(actor=actor, action="partner.create", obj=partner)
        _after_partner_change(partner)
    return partner


def partner_update(*, actor: User | None, partner: Partner, data: dict, fields=None) -> Partner:
    """Change a partner (staff); records the changed field names."""
    _partner_update(actor=actor, partner=partner, data=data, fields=fields)
    return partner


def _partner_update(*, actor: User | None, partner: Partner, data: dict, fields=None) -> list[str]:
    with transaction.atomic():
        if data.get("parent") is not None and data["parent"].pk == partner.pk:
            raise PartnerError(_("机构不能以自身为上级机构。"))
        old_hans = partner.name_zh_hans
        changed = _partner_apply(partner, data)
        if partner.name_zh_hans != old_hans:
            changed.append("name_zh_hans")
        if changed:
            partner.full_clean(exclude=["fields"])
            partner.save()
        if _partner_set_fields(partner, fields):
            changed.append("fields")
        if changed:
            audit_log(actor=actor, action="partner.update", obj=partner, data={"changed": changed})
            _after_partner_change(partner)
    return changed


def partner_deactivate(*, actor: User, partner: Partner) -> Partner:
    """Hide a partner from the directory and matching; its history stays."""
    with transaction.atomic():
        if partner.is_active:
            partner.is_active = False
            partner.save(update_fields=["is_active", "updated_at"])
            audit_log(actor=actor, action="partner.deactivate", obj=partner)
            _after_partner_change(partner)
    return partner


# The documented column layout of the import/export workbook (docs/partners-import.md).
IMPORT_COLUMNS = ("id", *PARTNER_FIELDS)
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有效", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无效"}


@dataclass
class ImportRow:
    number: int
    action: str  # "created", "updated", "unchanged" or "rejected"
    name: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def rejected(self) -> int:
        return self.count("rejected")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.replace("；", ";").replace(",", ";").split(";") if part.strip()]


def _find_partner(key: str) -> Partner | None:
    if not key:
        return None
    return (
        Partner.objects.filter(name_en__iexact=key).first()
        or Partner.objects.filter(acronym__iexact=key).first()
        or Partner.objects.filter(name_zh_hant=key).first()
    )


def _row_parse(raw: dict) -> tuple[Partner | None, dict, list[str], list[str]]:
    """Turn one sheet row into (existing partner, data, field codes, errors)."""
    errors: list[str] = []
    data: dict = {}
    for name in (
        "name_zh_hant",
        "name_en",
        "acronym",
        "description",
        "description_en",
        "keywords",
        "website",
        "contact_name",
        "contact_email",
        "contact_phone",
    ):
        if name in raw:
            data[name] = _text(raw[name])
    if not data.get("name_zh_hant") and not data.get("name_en"):
        errors.append(_("繁体中文名称和英文名称至少填写一项。"))
    kind = _text(raw.get("kind"))
    if kind not in PartnerKind.values:
        errors.append(_("类型“%(kind)s”无效。") % {"kind": kind})
    data["kind"] = kind
    if "parent" in raw:
        parent_key = _text(raw["parent"])
        data["parent"] = _find_partner(parent_key)
        if parent_key and data["parent"] is None:
            errors.append(_("找不到上级机构“%(name)s”。") % {"name": parent_key})
    if "cooperation_modes" in raw:
        modes = _codes(_text(raw["cooperation_modes"]))
        bad = [m for m in modes if m not in CooperationMode.values]
        if bad:
            errors.append(_("合作方式代码无效：%(codes)s") % {"codes": ", ".join(bad)})
        data["cooperation_modes"] = modes
    codes = None
    if "fields" in raw:
        codes = _codes(_text(raw["fields"]))
        known = set(TechField.objects.filter(code__in=codes, level__lte=2).values_list("code", flat=True))
        bad = [c for c in codes if c not in known]
        if bad:
            errors.append(_("技术领域代码无效（只接受一、二级代码）：%(codes)s") % {"codes": ", ".join(bad)})
    if "is_active" in raw and _text(raw["is_active"]):
        word = _text(raw["is_active"]).lower()
        if word in TRUE_WORDS:
            data["is_active"] = True
        elif word in FALSE_WORDS:
            data["is_active"] = False
        else:
            errors.append(_("“有效”一栏只能填 是/否。"))
    existing = None
    row_id = _text(raw.get("id"))
    if row_id:
        if not row_id.isdigit() or not Partner.objects.filter(pk=int(row_id)).exists():
            errors.append(_("编号 %(id)s 不存在。") % {"id": row_id})
        else:
            existing = Partner.objects.get(pk=int(row_id))
    else:
        existing = _find_partner(data.get("name_en", "")) if data.get("name_en") else None
        if existing is None and data.get("name_zh_hant"):
            existing = Partner.objects.filter(name_zh_hant=data["name_zh_hant"]).first()
    return existing, data, codes, errors


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    return list(exc.messages)


def partners_import(*, actor: User, upload: UploadedFile) -> ImportReport:
    """Create or update partners from an .xlsx in the documented layout.

    The file is checked (size, zip structure) before openpyxl opens it; a file
    that is not a workbook raises UploadError and nothing is written.
    Valid rows are written, invalid ones are reported and skipped.
    """
    rows = upload_rows(upload)
    if not rows:
        raise PartnerError(_("工作簿是空的。"), code="empty")
    header = [_text(cell).lower() for cell in rows[0]]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if "kind" not in header or not ({"name_en", "name_zh_hant"} & set(header)):
        raise PartnerError(
            _("第一行必须是列名，至少包括 kind 和 name_en 或 name_zh_hant（见导入说明）。"), code="header"
        )
    report = ImportReport()
    with transaction.atomic():
        for number, values in enumerate(rows[1:], start=2):
            raw = {
                name: value
                for name, value in zip(header, values, strict=False)
                if name and name not in unknown
            }
            if all(_text(v) == "" for v in raw.values()):
                continue
            existing, data, codes, errors = _row_parse(raw)
            name = data.get("name_zh_hant") or data.get("name_en") or ""
            if errors:
                report.rows.append(ImportRow(number, "rejected", name, errors))
                continue
            try:
                with transaction.atomic():
                    if existing is None:
                        partner_create(actor=actor, data=data, fields=codes)
                        action = "created"
                    else:
                        changed = _partner_update(actor=actor, partner=existing, data=data, fields=codes)
                        action = "updated" if changed else "unchanged"
            except (ValidationError, PartnerError, IntegrityError) as exc:
                messages = _validation_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
                report.rows.append(ImportRow(number, "rejected", name, messages))
                continue
            report.rows.append(ImportRow(number, action, name))
        audit_log(
            actor=actor,
            action="partner.import",
            data={"created": report.created, "updated": report.updated, "rejected": report.rejected},
        )
    return report


SEED_PATH = Path(settings.BASE_DIR) / "fixtures" / "hk_partners.csv"


def partners_seed(*, path: Path = SEED_PATH) -> dict[str, int]:
    """Load the directory seed (idempotent: keyed on the English name; parents
    are resolved after every row exists). Contacts and is_active set by staff
    are never overwritten."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for row in rows:
            data = {
                "name_zh_hant": row["name_zh_hant"].strip(),
                "name_en": row["name_en"].strip(),
                "acronym": row["acronym"].strip(),
                "kind": row["kind"].strip(),
                "description": row["description"].strip(),
                "description_en": row["description_en"].strip(),
                "keywords": row["keywords"].strip(),
                "cooperation_modes": _codes(row["cooperation_modes"]),
                "website": row["website"].strip(),
            }
            partner = Partner.objects.filter(name_en=data["name_en"]).first()
            if partner is None:
                partner = Partner(is_active=True)
                counts["created"] += 1
            elif any(getattr(partner, k) != v for k, v in data.items()):
                counts["updated"] += 1
            _partner_apply(partner, data)
            partner.save()
            _partner_set_fields(partner, _codes(row["fields"]))
        for row in rows:
            parent_key = row["parent"].strip()
            if parent_key:
                parent = _find_partner(parent_key)
                Partner.objects.filter(name_en=row["name_en"].strip()).exclude(parent=parent).update(
                    parent=parent
                )
    return counts


# --- expressions of interest -------------------------------------------------------


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INTEREST_EXPIRY_DAYS)


def interest_submit(
    *, user: User, need_id: int, proposal: str, questions: str, contact: str
) -> ExpressionOfInterest:
    """A Hong Kong user expresses their institution's interest in a published need."""
    if user.partner_id is None:
        raise PartnerError(_("您的账号未关联香港机构。"))
    with transaction.atomic():
        if not needs_published().filter(pk=need_id).exists():
            raise PartnerError(_("该需求未发布或已不存在。"))
        open_ = ExpressionOfInterest.objects.select_for_update().filter(
            need_id=need_id, partner_id=user.partner_id, status__in=OPEN_INTEREST_STATUSES
        )
        if open_.exists():
            raise PartnerError(_("贵机构已就该需求提交过意向，正在处理中。"))
        if ContactRelease.objects.filter(need_id=need_id, partner_id=user.partner_id).exists():
            raise PartnerError(_("联系方式已交换，无需再次提交。"))
        now = timezone.now()
        interest = ExpressionOfInterest.objects.create(
            need_id=need_id,
            partner_id=user.partner_id,
            created_by=user,
            source=IntroductionSource.INTEREST,
            proposal=proposal,
            questions=questions,
            contact=contact,
            expires_at=_expiry(now),
        )
        audit_log(actor=user, action="interest.submit", obj=interest)
    return interest


def introduction_record(
    *, actor: User | None, need_id: int, partner_id: int, source: str = IntroductionSource.MATCH
) -> ExpressionOfInterest:
    """Staff accepted a machine match: put the (need, partner) pair into the
    interest queue, where staff ask the enterprise and release contacts.
    Idempotent: an open introduction for the pair is returned as it is."""
    with transaction.atomic():
        open_ = (
            ExpressionOfInterest.objects.select_for_update()
            .filter(need_id=need_id, partner_id=partner_id, status__in=OPEN_INTEREST_STATUSES)
            .first()
        )
        if open_ is not None:
            return open_
        interest = ExpressionOfInterest.objects.create(
            need_id=need_id,
            partner_id=partner_id,
            created_by=actor,
            source=source,
            expires_at=_expiry(timezone.now()),
        )
        audit_log(actor=actor, action="interest.introduce", obj=interest, data={"source": source})
    return interest


def _lock_open(interest: ExpressionOfInterest) -> ExpressionOfInterest:
    locked = ExpressionOfInterest.objects.select_for_update().get(pk=interest.pk)
    if locked.status not in OPEN_INTEREST_STATUSES:
        raise PartnerError(_("该意向已处理，不能再更改。"))
    return locked


def interest_ask_enterprise(
    *, actor: User, interest: ExpressionOfInterest, question: str
) -> ExpressionOfInterest:
    """Staff ask the enterprise whether it wants to meet the institution; the
    enterprise is e-mailed after commit."""
    with transaction.atomic():
        interest = _lock_open(interest)
        interest.status = InterestStatus.ASKED
        interest.enterprise_question = question
        interest.asked_at = timezone.now()
        interest.save(update_fields=["status", "enterprise_question", "asked_at"])
        audit_log(actor=actor, action="interest.ask_enterprise", obj=interest)
        interest_id = interest.pk
        transaction.on_commit(lambda: mail_enqueue(tasks.send_enterprise_question, interest_id))
    return interest


def contacts_release(
    *,
    actor: User,
    need_id: int,
    partner_id: int,
    source: str = IntroductionSource.INTEREST,
    interest: ExpressionOfInterest | None = None,
) -> ContactRelease:
    """Release contacts for one need to one institution (both sides). Idempotent.

    Refused unless the enterprise agreed to pass its contacts on; the consent
    is read on the locked need row, so a withdrawal cannot race the release.
    """
    with transaction.atomic():
        consent = (
            Need.objects.select_for_update()
            .filter(pk=need_id)
            .values_list("consent_contact_release", flat=True)
            .first()
        )
        if not consent:
            raise PartnerError(_("该企业未同意向香港机构提供联系方式，请先询问企业。"))
        release, created = ContactRelease.objects.get_or_create(
            need_id=need_id,
            partner_id=partner_id,
            defaults={"released_by": actor, "source": source, "interest": interest},
        )
        if created:
            audit_log(
                actor=actor,
                action="contacts.release",
                obj=release,
                data={"need": need_id, "partner": partner_id, "source": source},
            )
            release_id = release.pk
            transaction.on_commit(lambda: mail_enqueue(tasks.send_release_notices, release_id))
    return release


def interest_release(*, actor: User, interest: ExpressionOfInterest) -> ContactRelease:
    """Close an expression by releasing contacts to both sides."""
    with transaction.atomic():
        interest = _lock_open(interest)
        interest.status = InterestStatus.RELEASED
        interest.decided_by = actor
        interest.decided_at = timezone.now()
        interest.save(update_fields=["status", "decided_by", "decided_at"])
        audit_log(actor=actor, action="interest.release", obj=interest)
        return contacts_release(
            actor=actor,
            need_id=interest.need_id,
            partner_id=interest.partner_id,
            source=interest.source,
            interest=interest,
        )


def interest_decline(*, actor: User, interest: ExpressionOfInterest, reason: str) -> ExpressionOfInterest:
    """Close an expression without a release; the institution sees the reason."""
    if not reason.strip():
        raise PartnerError(_("请填写婉拒原因。"))
    with transaction.atomic():
        interest = _lock_open(interest)
        interest.status = InterestStatus.DECLINED
        interest.decline_reason = reason.strip()
        interest.decided_by = actor
        interest.decided_at = timezone.now()
        interest.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
        audit_log(actor=actor, action="interest.decline", obj=interest, data={"reason": reason})
    return interest


def interests_expire(*, now: datetime | None = None) -> int:
    """Expire open expressions whose time ran out. Idempotent: a second run
    finds nothing left to expire."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            ExpressionOfInterest.objects.select_for_update()
            .filter(status__in=OPEN_INTEREST_STATUSES, expires_at__lte=now)
            .values_list("pk", flat=True)
        )
        if ids:
            ExpressionOfInterest.objects.filter(pk__in=ids).update(
                status=InterestStatus.EXPIRED, decided_at=now
            )
            audit_log(actor=None, action="interest.expire", data={"ids": ids})
    return len(ids)
