"""Back-office Excel exports: exporters only yield rows (portal.exports writes
the workbook), plus the export-job services the Celery task runs.

The needs sheet has one row per need with every form field, private
enterprise fields included (staff only). Its columns are also the batch
import's columns (needs.imports reads them back by header).
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from needs import backoffice_selectors as selectors
from needs.attachment2 import TITLE, attachment2_rows, attachment2_sheet_title
from needs.errors import NeedError
from needs.models import (
    Call,
    Division,
    ExportJob,
    ExportJobStatus,
    HiTechZone,
    Industry,
    Need,
    NeedStatus,
    TechField,
)
from needs.spec import FIELDS, Item, choice_label
from needs.spec import LIST_SEPARATOR as LIST_SEPARATOR  # matching.exports joins with it
from portal import permissions
from portal.exports import SheetExporter, exporters_workbook, workbook_bytes
from portal.models import User
from portal.queue import enqueue
from portal.services import audit_log

# Per-need Attachment 2 sheets are only added up to this many needs: every
# sheet costs openpyxl a file and a name check, so 10,000 of them would take
# minutes. Larger exports say so on their info sheet.
ATTACHMENT2_SHEETS_MAX = 200


#: Sheets the apps built on needs add to the needs export (matching adds its
#: results): each is called with the exported needs' ids and returns an exporter.
EXTRA_SHEETS: list[Callable[[list[int]], SheetExporter]] = []


@dataclass(frozen=True)
class Column:
    key: str  # "need.reference", …; the form's fields are needs.spec items
    label: str
    get: Callable[[Need], Any]


# Labels are the form's exact Chinese labels (the batch import matches them).
NEED_COLUMNS: list[Column | Item] = [
    Column("need.reference", "需求编号", lambda n: n.reference),
    Column("need.call", "征集批次", lambda n: n.call.title),
    Column("need.status", "状态", lambda n: choice_label(NeedStatus, n.status)),
    Column("need.submitted_at", "提交时间", lambda n: n.submitted_at),
    *FIELDS,
]


def _with_reference_rows(needs: Iterable[Need]) -> Iterator[Need]:
    """Attach the small reference rows (fields, divisions, industries, zones,
    calls) from memory. Joining them per need made the ORM build nine objects
    a row, a sixth of a 10,000-need export; the enterprise is still joined."""
    tech = TechField.objects.in_bulk()
    divisions = Division.objects.in_bulk()
    for division in divisions.values():
        division.parent = divisions.get(division.parent_id)
    industries = Industry.objects.in_bulk()
    zones = HiTechZone.objects.in_bulk()
    calls: dict[int, Call] = {}
    for need in needs:
        need.field_l1 = tech.get(need.field_l1_id)
        need.field_l2 = tech.get(need.field_l2_id)
        need.field_l3 = tech.get(need.field_l3_id)
        if need.call_id not in calls:
            calls[need.call_id] = Call.objects.get(pk=need.call_id)
        need.call = calls[need.call_id]
        enterprise = need.enterprise
        enterprise.division = divisions.get(enterprise.division_id)
        enterprise.industry = industries.get(enterprise.industry_id)
        enterprise.hitech_zone = zones.get(enterprise.hitech_zone_id)
        yield need


class NeedsExporter(SheetExporter):
    title = "需求列表"

    def __init__(self, needs: Sequence[Need] | Iterable[Need], count: int | None = None) -> None:
        self.needs = needs
        self._count = count

    def headers(self) -> list[str]:
        return [c.label for c in NEED_COLUMNS]

    def rows(self) -> Iterable[list]:
        for need in self.needs:
            yield [c.get(need) for c in NEED_COLUMNS]

    def count(self) -> int | None:
        return self._count


class ShortlistExporter(SheetExporter):
    title = "对接会入选名单"

    def __init__(self, call: Call | None) -> None:
        self.call = call

    def headers(self) -> list[str]:
        return ["版本", "冻结时间", "需求编号", "技术需求名称", "企业名称", "加权总分", "入选理由"]

    def rows(self) -> Iterable[list]:
        if self.call is None:
            return
        shortlist = selectors.shortlist_latest(call=self.call)
        if shortlist is None:
            return
        entries = list(selectors.shortlist_entries(shortlist=shortlist))
        totals = {
            need.pk: summary.total
            for need, summary in selectors.needs_with_scores(
                call=self.call, need_ids=[e.need_id for e in entries]
            )
        }
        for entry in entries:
            yield [
                shortlist.version,
                shortlist.frozen_at or _("未冻结"),
                entry.need.reference,
                entry.need.title,
                entry.need.enterprise.name,
                totals.get(entry.need_id),
                entry.justification,
            ]


class Attachment2Exporter(SheetExporter):
    """One need laid out like the official form (needs.attachment2.attachment2_rows),
    streamed: label, value, label, value — readable by attachment2_read_sheet."""

    def __init__(self, need: Need) -> None:
        self.need = need
        self.title = attachment2_sheet_title(need)

    def headers(self) -> list[str]:
        return [TITLE]

    def rows(self) -> Iterable[list]:
        yield []
        for _kind, cells in attachment2_rows(self.need):
            yield cells


class InfoExporter(SheetExporter):
    title = "说明"

    def __init__(self, lines: list[tuple[str, Any]]) -> None:
        self.lines = lines

    def headers(self) -> list[str]:
        return ["项目", "内容"]

    def rows(self) -> Iterable[list]:
        yield from ([label, value] for label, value in self.lines)


def needs_export_exporters(*, call: Call | None, filters: dict) -> list[SheetExporter]:
    """Every sheet of the full back-office export of a call."""
    needs_qs = selectors.needs_for_back_office(call=call, filters=filters)
    count = needs_qs.count()
    with_forms = count <= ATTACHMENT2_SHEETS_MAX
    info = [
        ("征集批次", call.title if call else _("全部")),
        ("导出时间", timezone.now()),
        ("需求数", count),
        ("筛选条件", "; ".join(f"{k}={v}" for k, v in filters.items() if v) or _("无")),
    ]
    if not with_forms:
        info.append(
            (
                "附件2",
                _("需求超过 %(n)d 项，未逐项生成附件2工作表；请筛选后再导出。")
                % {"n": ATTACHMENT2_SHEETS_MAX},
            )
        )
    exporters: list[SheetExporter] = [
        InfoExporter(info),
        NeedsExporter(
            _with_reference_rows(
                needs_qs.select_related(None).select_related("enterprise").iterator(chunk_size=2000)
            ),
            count=count,
        ),
        ShortlistExporter(call),
    ]
    if EXTRA_SHEETS:
        need_ids = list(needs_qs.values_list("pk", flat=True))
        exporters += [sheet(need_ids) for sheet in EXTRA_SHEETS]
    if with_forms:
        exporters += [Attachment2Exporter(need) for need in needs_qs]
    return exporters


# ---------------------------------------------------------------------------
# Export jobs (services)
# ---------------------------------------------------------------------------


def export_job_create(*, actor: User, call_id: int | None, filters: dict) -> ExportJob:
    """Record an export request and queue it after commit."""
    if not permissions.can_export(actor):
        raise NeedError(_("您没有导出的权限。"), code="forbidden")
    with transaction.atomic():
        job = ExportJob.objects.create(call_id=call_id, requested_by=actor, filters=filters)
        audit_log(actor=actor, action="export.create", obj=job, data={"call": call_id, "filters": filters})
        job_id = job.pk
        transaction.on_commit(lambda: export_job_enqueue(job_id=job_id))
    return job


def export_job_enqueue(*, job_id: int) -> None:
    """Hand a job to the queue. A broker that is down leaves the job waiting
    for the queue, as its page says; `export_jobs_resume` queues it later."""
    # needs.tasks imports this module to run the job: import it on use.
    from needs.tasks import export_job_task

    if enqueue(export_job_task, job_id):
        ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.WAITING).update(
            status=ExportJobStatus.PENDING
        )
    else:
        ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.PENDING).update(
            status=ExportJobStatus.WAITING
        )


def export_jobs_resume() -> int:
    """Queue again every job that waited for the queue (periodic); returns how many."""
    waiting = list(ExportJob.objects.filter(status=ExportJobStatus.WAITING).values_list("pk", flat=True))
    for job_id in waiting:
        export_job_enqueue(job_id=job_id)
    return len(waiting)


def export_file_exists(job: ExportJob) -> bool:
    """Is the finished job's file still there (a restored database may outlive it)?"""
    return bool(job.file) and job.file.storage.exists(job.file.name)


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the workbook of a job, keeping progress on the row; idempotent
    (a finished job is left as it is)."""
    job = ExportJob.objects.select_related("call").get(pk=job_id)
    if job.status == ExportJobStatus.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING, progress=0)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        wb = exporters_workbook(needs_export_exporters(call=job.call, filters=job.filters), progress=progress)
        name = f"needs-export-{timezone.localtime():%Y%m%d-%H%M%S}-{job.pk}.xlsx"
        job.file.save(name, ContentFile(workbook_bytes(wb)), save=False)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    job.status = ExportJobStatus.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])
    return job
