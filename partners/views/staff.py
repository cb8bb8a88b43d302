"""Back office: the directory (create, edit, deactivate, import/export) and the
queue of expressions of interest."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from partners import selectors, services
from partners.exports import partners_workbook
from partners.forms import (
    AskEnterpriseForm,
    DeclineForm,
    DirectoryFilterForm,
    PartnerForm,
    PartnerImportForm,
    ReleaseForm,
)
from partners.models import InterestStatus, Partner
from portal import permissions
from portal.errors import DomainError
from portal.exports import xlsx_response
from portal.middleware import accepts_upload

PAGE_SIZE = 30

# Proposed to staff when the enterprise has not agreed to contact release.
CONSENT_QUESTION = gettext_noop(
    "一家香港机构对贵单位的这项技术需求有合作意向。贵单位提交需求时未同意交流中心提供联系方式。"
    "如同意交流中心将贵单位的名称、联系人、电话、电子邮件和网址提供给该机构，"
    "请登录平台，在该需求页面点击“我同意提供联系方式”。"
)


@permissions.require(permissions.can_manage_directory)
def staff_partners(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    partners = selectors.partner_search(active_only=False, **form.filters())
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/staff_partners.html", {"form": form, "page": page})


@permissions.require(permissions.can_manage_directory)
def partner_create(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner = services.partner_create(
            actor=request.user, data=form.partner_data(), fields=form.cleaned_data["fields"]
        )
        messages.success(request, _("已添加 %(name)s。") % {"name": partner})
        return redirect("partners:staff_partners")
    return render(request, "partners/partner_form.html", {"form": form, "page_title": _("添加香港机构")})


@permissions.require(permissions.can_manage_directory)
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    # The form gets its own copy of the row: validating a ModelForm writes the
    # cleaned values onto its instance, and the service, comparing against
    # that, would find nothing changed and store nothing.
    form = PartnerForm(request.POST or None, instance=get_object_or_404(Partner, pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                actor=request.user,
                partner=partner,
                data=form.partner_data(),
                fields=form.cleaned_data["fields"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("partners:staff_partners")
    context = {"form": form, "page_title": _("编辑香港机构"), "partner": partner}
    return render(request, "partners/partner_form.html", context)


@permissions.require(permissions.can_manage_directory)
@require_POST
def partner_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    services.partner_deactivate(actor=request.user, partner=partner)
    messages.success(request, _("%(name)s 已停用。") % {"name": partner})
    return redirect("partners:staff_partners")


@accepts_upload
@permissions.require(permissions.can_import)
def partner_import(request: HttpRequest) -> HttpResponse:
    form = PartnerImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.partners_import(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
    return render(request, "partners/partner_import.html", {"form": form, "report": report})


@permissions.require(permissions.can_export)
def partner_export(request: HttpRequest) -> HttpResponse:
    partners = selectors.partner_search(active_only=False)
    return xlsx_response(partners_workbook(partners), "hk-partners.xlsx")


@permissions.require(permissions.can_release_contacts)
def interest_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "", *InterestStatus.values):
        status = "open"
    page = Paginator(selectors.interest_queue(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": InterestStatus.choices}
    return render(request, "partners/interest_queue.html", context)


@permissions.require(permissions.can_release_contacts)
def interest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_object_or_404(selectors.interest_queue(), pk=pk)
    action = request.POST.get("action")
    consent = interest.need.consent_contact_release
    ask_form = AskEnterpriseForm(
        request.POST if action == "ask" else None,
        initial={} if consent else {"question": _(CONSENT_QUESTION)},
    )
    release_form = ReleaseForm(request.POST if action == "release" else None)
    decline_form = DeclineForm(request.POST if action == "decline" else None)
    if request.method == "POST":
        try:
            if action == "ask" and ask_form.is_valid():
                services.interest_ask_enterprise(
                    actor=request.user, interest=interest, **ask_form.cleaned_data
                )
                messages.success(request, _("已向企业发送询问。"))
            elif action == "release" and release_form.is_valid():
                services.interest_release(actor=request.user, interest=interest)
                messages.success(request, _("已向双方交换联系方式。"))
            elif action == "release":
                messages.error(request, _("交换联系方式前请勾选确认。"))
            elif action == "decline" and decline_form.is_valid():
                services.interest_decline(actor=request.user, interest=interest, **decline_form.cleaned_data)
                messages.success(request, _("已婉拒该意向。"))
            else:
                messages.error(request, _("请检查填写内容。"))
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("partners:interest_detail", pk=pk)
    context = {
        "interest": interest,
        "ask_form": ask_form,
        "release_form": release_form,
        "decline_form": decline_form,
        "consent": consent,
    }
    return render(request, "partners/interest_detail.html", context)
