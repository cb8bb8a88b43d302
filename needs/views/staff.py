"""Back-office pages for exchange-centre staff: dashboard, need list and
screening, duplicates, Excel out and in. Scores and the shortlist are in
staff_shortlist.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from needs import backoffice_selectors as selectors
from needs.backoffice_forms import CallPickForm, ImportForm, ImportKind, NeedFilterForm, ScreeningForm
from needs.models import Call, DuplicateFlag, ExportJob, ExportJobStatus, Need
from needs.selectors import call_seconds_left
from needs.services import duplicates, exports, imports, screening
from portal import permissions
from portal.errors import DomainError
from portal.middleware import accepts_upload


def call_picked(request: HttpRequest) -> tuple[Call | None, CallPickForm]:
    """The call of `?call=`; a malformed or unknown one is reported above the
    page, which then shows the current call."""
    pick = CallPickForm(request.GET)
    if not pick.is_valid():
        messages.error(request, pick.error_text())
    return selectors.call_for_back_office(call_id=pick.call_id()), pick


@permissions.require(permissions.is_staff_member)
def staff_home(request: HttpRequest) -> HttpResponse:
    call, _pick = call_picked(request)
    return render(
        request,
        "needs/staff_home.html",
        {
            "call": call,
            "calls": selectors.calls_all(),
            "seconds_left": call_seconds_left(call),
            "figures": selectors.dashboard_figures(call=call),
        },
    )


@permissions.require(permissions.can_view_back_office)
def staff_need_list(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    call = selectors.call_for_back_office(call_id=filters.get("call"))
    page = Paginator(selectors.need_list_for_back_office(call=call, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "needs/staff_need_list.html",
        {
            "form": form,
            "call": call,
            "page": page,
            "can_export": permissions.can_export(request.user),
            "can_screen": permissions.can_screen_needs(request.user),
        },
    )


@permissions.require(permissions.can_view_back_office)
def staff_need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_back_office(need_id=pk)
    can_screen = permissions.can_screen_needs(request.user)
    return render(
        request,
        "needs/staff_need_detail.html",
        {
            "need": need,
            "can_screen": can_screen,
            "screening_form": ScreeningForm(need=need) if can_screen else None,
            "scores": selectors.review_scores_visible(need=need, user=request.user),
        },
    )


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_need_screen(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk)
    form = ScreeningForm(request.POST, need=need)
    if not form.is_valid():
        messages.error(request, _("请选择有效的审核决定。"))
        return redirect("needs:staff_need_detail", pk=pk)
    try:
        need = screening.need_screen(actor=request.user, need_id=pk, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已将需求状态改为“%(status)s”。") % {"status": need.get_status_display()})
    return redirect("needs:staff_need_detail", pk=pk)


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(DuplicateFlag, pk=pk)
    duplicates.duplicate_flag_resolve(actor=request.user, flag_id=flag.pk)
    messages.success(request, _("已标记为非重复。"))
    return redirect("needs:staff_need_detail", pk=flag.need_id)


# --- Excel out -------------------------------------------------------------------


@permissions.require(permissions.can_export)
@require_POST
def staff_export(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.POST)
    filters = form.filters()
    call = selectors.call_for_back_office(call_id=filters.get("call"))
    job = exports.export_job_create(actor=request.user, call_id=call.pk if call else None, filters=filters)
    return redirect("needs:staff_export_job", pk=job.pk)


@permissions.require(permissions.can_export)
def staff_export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob.objects.select_related("call", "requested_by"), pk=pk)
    return _export_job_page(request, job)


def _export_job_page(request: HttpRequest, job: ExportJob, status: int = 200) -> HttpResponse:
    unfinished = (ExportJobStatus.PENDING, ExportJobStatus.WAITING, ExportJobStatus.RUNNING)
    context = {
        "job": job,
        "running": job.status in unfinished,
        "file_missing": job.status == ExportJobStatus.DONE and not exports.export_file_exists(job),
    }
    return render(request, "needs/staff_export_job.html", context, status=status)


@permissions.require(permissions.can_export)
def staff_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob, pk=pk, status=ExportJobStatus.DONE)
    if not exports.export_file_exists(job):
        # The file is gone (e.g. a restored database): offer to make it again.
        return _export_job_page(request, job, status=410)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


@permissions.require(permissions.can_export)
@require_POST
def staff_export_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new job with the same call and filters as an earlier one."""
    job = get_object_or_404(ExportJob, pk=pk)
    new = exports.export_job_create(actor=request.user, call_id=job.call_id, filters=job.filters)
    return redirect("needs:staff_export_job", pk=new.pk)


# --- Excel in --------------------------------------------------------------------


@accepts_upload
@permissions.require(permissions.can_import)
def staff_import(request: HttpRequest) -> HttpResponse:
    call = selectors.call_for_back_office()
    form = ImportForm(request.POST or None, request.FILES or None, initial={"call": call})
    report = None
    if request.method == "POST" and form.is_valid():
        service = (
            imports.needs_import_batch
            if form.cleaned_data["kind"] == ImportKind.BATCH
            else imports.needs_import_attachment2
        )
        try:
            report = service(
                actor=request.user, call_id=form.cleaned_data["call"].pk, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            form.add_error("file", error.message)
    return render(request, "needs/staff_import.html", {"form": form, "report": report})
