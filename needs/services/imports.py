"""Excel in: staff upload filled-in Attachment 2 workbooks (one need per file)
or a batch sheet (one need per row, the export's "需求列表" columns).

Every file or row is validated with the enterprise side's own forms
(EnterpriseForm, NeedForm in "submit" mode), so an imported need meets exactly
the rules of the web form.

Atomicity — decided: **per item**. Each file or row is written in its own
savepoint; a rejected item writes nothing at all (neither its enterprise nor
its need), valid items are kept, and the report lists what was created,
updated and rejected with the reasons. The upload itself is checked before
openpyxl opens it and read whole (portal.uploads.upload_rows: size, zip bomb,
not a workbook, element counts, row, column and cell-text caps);
a hostile file is refused as a whole.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from needs.attachment2 import attachment2_read_rows, cell_text
from needs.errors import NeedError
from needs.forms import OTHER_ZONE, EnterpriseForm, NeedForm
from needs.models import Call, Enterprise, Need
from needs.services.exports import NEED_COLUMNS
from needs.services.submission import need_submit
from needs.spec import BY_KEY
from portal import permissions
from portal.models import User
from portal.services import audit_log
from portal.uploads import upload_rows

CREATED, UPDATED, REJECTED = "created", "updated", "rejected"


@dataclass
class ImportItem:
    label: str  # "第 3 行" or the file name
    outcome: str
    reference: str = ""
    title: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    filename: str
    items: list[ImportItem] = field(default_factory=list)

    def of(self, outcome: str) -> list[ImportItem]:
        return [i for i in self.items if i.outcome == outcome]

    @property
    def created(self) -> list[ImportItem]:
        return self.of(CREATED)

    @property
    def updated(self) -> list[ImportItem]:
        return self.of(UPDATED)

    @property
    def rejected(self) -> list[ImportItem]:
        return self.of(REJECTED)


class _Rejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# ---------------------------------------------------------------------------
# Cell values → model values
# ---------------------------------------------------------------------------


def _batch_values(row: dict[str, Any]) -> tuple[str, dict, dict]:
    """One batch row keyed by column key → (reference, enterprise values, need values)."""
    values: dict[str, dict[str, Any]] = {"enterprise": {}, "need": {}}
    for key, value in row.items():
        if key in BY_KEY:
            values[BY_KEY[key].group].update(BY_KEY[key].read(value))
    return cell_text(row.get("need.reference")), values["enterprise"], values["need"]


def _form_value(value) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def _enterprise_data(values: dict) -> dict:
    data = {name: _form_value(v) for name, v in values.items()}
    if values.get("hitech_zone"):
        data["hitech_zone"] = str(values["hitech_zone"])
    elif values.get("hitech_zone_other"):
        data["hitech_zone"] = OTHER_ZONE
    return data


# ---------------------------------------------------------------------------
# Writing one item
# ---------------------------------------------------------------------------


def _errors(form) -> list[str]:
    reasons = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            reasons.append(f"{label}：{error}" if label else str(error))
    return reasons


def _import_one(
    *, actor: User, call: Call, reference: str, enterprise_values: dict, need_values: dict
) -> ImportItem:
    """Validate and write one need with its enterprise; raise _Rejected on any error."""
    credit_code = str(enterprise_values.get("credit_code") or "").strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first() if credit_code else None
    need = None
    if reference:
        need = Need.objects.filter(reference=reference).first()
        if need is None:
            raise _Rejected([_("需求编号 %(ref)s 不存在；新需求请留空编号。") % {"ref": reference}])
        if need.call_id != call.pk:
            raise _Rejected([_("需求编号 %(ref)s 不属于所选批次。") % {"ref": reference}])
        if enterprise is not None and need.enterprise_id != enterprise.pk:
            raise _Rejected([_("需求编号与企业信用代码不一致。")])
        enterprise = need.enterprise
    enterprise_form = EnterpriseForm(data=_enterprise_data(enterprise_values), instance=enterprise)
    need_data = {name: _form_value(v) for name, v in need_values.items()}
    need_form = NeedForm(data=need_data, instance=need, mode="submit", draft_allowed=False)
    reasons = []
    if not enterprise_form.is_valid():
        reasons += _errors(enterprise_form)
    if not need_form.is_valid():
        reasons += _errors(need_form)
    if reasons:
        raise _Rejected(reasons)
    enterprise = enterprise_form.save()
    created = need is None
    need = need_submit(
        user=actor,
        enterprise=enterprise,
        call=call,
        need_id=None if created else need.pk,
        fields=need_form.need_fields(),
        consent_share_hk=bool(need_form.cleaned_data.get("consent_share_hk")),
        consent_contact_release=bool(need_form.cleaned_data.get("consent_contact_release")),
        on_behalf=True,
    )
    return ImportItem(
        label="", outcome=CREATED if created else UPDATED, reference=need.reference or "", title=need.title
    )


def _import_item(
    *, actor: User, call: Call, label: str, reference: str, enterprise_values, need_values
) -> ImportItem:
    try:
        with transaction.atomic():
            item = _import_one(
                actor=actor,
                call=call,
                reference=reference,
                enterprise_values=enterprise_values,
                need_values=need_values,
            )
    except _Rejected as rejected:
        return ImportItem(label=label, outcome=REJECTED, reference=reference, reasons=rejected.reasons)
    item.label = label
    return item


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


def needs_import_attachment2(*, actor: User, call_id: int, upload: UploadedFile) -> ImportReport:
    """Import one filled-in Attachment 2 workbook (its first sheet)."""
    if not permissions.can_import(actor):
        raise NeedError(_("您没有导入的权限。"))
    call = Call.objects.get(pk=call_id)
    read = attachment2_read_rows(upload_rows(upload))
    report = ImportReport(filename=upload.name)
    if not read["need"].get("title") and not read["enterprise"].get("name"):
        report.items.append(
            ImportItem(
                label=upload.name, outcome=REJECTED, reasons=[_("未找到附件2的栏目，请使用平台提供的模板。")]
            )
        )
    else:
        item = _import_item(
            actor=actor,
            call=call,
            label=upload.name,
            reference=read["reference"],
            enterprise_values=read["enterprise"],
            need_values=read["need"],
        )
        if read["errors"] and item.outcome != REJECTED:
            item.reasons += [_("未识别：%(text)s") % {"text": e} for e in read["errors"]]
        report.items.append(item)
    _audit(actor=actor, call=call, kind="attachment2", report=report)
    return report


def needs_import_batch(*, actor: User, call_id: int, upload: UploadedFile) -> ImportReport:
    """Import a batch sheet: the first sheet, header row with the export's
    column labels, one need per row."""
    if not permissions.can_import(actor):
        raise NeedError(_("您没有导入的权限。"))
    call = Call.objects.get(pk=call_id)
    rows = iter(upload_rows(upload, sheet="需求列表"))
    report = ImportReport(filename=upload.name)
    header = next(rows, None) or ()
    by_label = {c.label: c.key for c in NEED_COLUMNS}
    keys = [by_label.get(cell_text(h)) for h in header]
    if "need.title" not in keys or "enterprise.credit_code" not in keys:
        raise NeedError(_("第一行须为导出表的列标题（至少包含“技术需求名称”和“社会统一信用代码”）。"))
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        row = {key: value for key, value in zip(keys, values, strict=False) if key and key not in _READ_ONLY}
        reference, enterprise_values, need_values = _batch_values(row)
        report.items.append(
            _import_item(
                actor=actor,
                call=call,
                label=_("第 %(n)d 行") % {"n": number},
                reference=reference,
                enterprise_values=enterprise_values,
                need_values=need_values,
            )
        )
    _audit(actor=actor, call=call, kind="batch", report=report)
    return report


# Columns the export writes but an import never sets.
_READ_ONLY = {"need.call", "need.status", "need.submitted_at"}


def _audit(*, actor: User, call: Call, kind: str, report: ImportReport) -> None:
    audit_log(
        actor=actor,
        action="needs.import",
        obj=call,
        data={
            "kind": kind,
            "file": report.filename,
            "created": [i.reference for i in report.created],
            "updated": [i.reference for i in report.updated],
            "rejected": [{"item": i.label, "reasons": i.reasons} for i in report.rejected],
        },
    )
