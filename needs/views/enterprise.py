"""Enterprise pages: profile, needs, submission."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from needs import selectors
from needs.attachment2 import attachment2_workbook
from needs.forms import ColleagueForm, EnterpriseForm, NeedForm
from needs.models import Call, Need
from needs.services import submission
from portal import exports, permissions
from portal import services as portal_services
from portal.errors import DomainError


def _no_profile(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("请先填写企业基本信息。"))
    return redirect("needs:enterprise_profile")


@permissions.require(permissions.is_enterprise_user)
def enterprise_home(request: HttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        return _no_profile(request)
    call = selectors.call_current()
    context = {
        "rows": selectors.enterprise_need_rows(enterprise_id=request.user.enterprise_id),
        "call": call,
        "call_open": selectors.call_open_current() is not None,
        "seconds_left": selectors.call_seconds_left(call),
    }
    return render(request, "needs/enterprise_home.html", context)


@permissions.require(permissions.can_edit_own_enterprise)
def enterprise_profile(request: HttpRequest) -> HttpResponse:
    enterprise = request.user.enterprise
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            submission.enterprise_save(user=request.user, enterprise=form.instance)
        except DomainError as error:
            form.add_error("credit_code" if error.code == "uscc_taken" else None, error.message)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("企业基本信息已保存。"))
            return redirect("needs:enterprise_home")
    colleagues = enterprise.users.order_by("email") if enterprise else []
    context = {"form": form, "enterprise": enterprise, "colleagues": colleagues}
    return render(request, "needs/enterprise_profile.html", context)


@permissions.require(permissions.can_edit_own_enterprise)
def enterprise_colleague_add(request: HttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        return _no_profile(request)
    form = ColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        try:
            portal_services.enterprise_invitation_create(actor=request.user, email=email)
        except DomainError as error:
            form.add_error("email", str(error))
        else:
            # The same answer whatever the address: it must not tell who has an account.
            messages.success(
                request, _("如果 %(email)s 可以加入本企业，我们已向该邮箱发送邀请。") % {"email": email}
            )
            return redirect("needs:enterprise_profile")
    context = {"form": form, "page_title": _("添加同事")}
    return render(request, "needs/colleague_add.html", context)


@permissions.require(permissions.is_enterprise_user)
def need_create(request: HttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        return _no_profile(request)
    call = selectors.call_open_current()
    if call is None:
        messages.error(request, _("当前没有开放的征集批次，暂不能新建需求。"))
        return redirect("needs:enterprise_home")
    return _need_form(request, need=None, call=call, draft_allowed=True)


@permissions.require(permissions.is_enterprise_user)
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_enterprise_user(user=request.user, pk=pk)
    states = selectors.need_states(need)
    if not states["editable"]:
        messages.error(request, selectors.need_locked_message(need))
        return redirect("needs:need_detail", pk=need.pk)
    return _need_form(request, need=need, call=need.call, draft_allowed=states["draft_allowed"])


def _need_form(request: HttpRequest, *, need: Need | None, call: Call, draft_allowed: bool) -> HttpResponse:
    mode = _mode(request)
    form = NeedForm(request.POST or None, instance=need, mode=mode, draft_allowed=draft_allowed)
    if request.method == "POST" and mode == "refresh":
        form.suppress_errors()
    elif request.method == "POST" and form.is_valid():
        try:
            return _save_need(request, form, need=need, call=call)
        except DomainError as error:
            form.add_error(None, error.message)
    context = {
        "form": form,
        "need": need,
        "call": call,
        "tech_tree": selectors.tech_field_tree(),
        "seconds_left": selectors.call_seconds_left(call),
    }
    return render(request, "needs/need_form.html", context)


def _mode(request: HttpRequest) -> str:
    if "action_submit" in request.POST:
        return "submit"
    if "action_refresh" in request.POST:
        return "refresh"
    return "draft"


def _save_need(request: HttpRequest, form: NeedForm, *, need: Need | None, call: Call) -> HttpResponse:
    common = {
        "user": request.user,
        "enterprise": request.user.enterprise,
        "call": call,
        "need_id": need.pk if need else None,
        "fields": form.need_fields(),
    }
    if form.mode == "submit":
        saved = submission.need_submit(
            **common,
            consent_share_hk=form.cleaned_data["consent_share_hk"],
            consent_contact_release=form.cleaned_data["consent_contact_release"],
        )
        messages.success(request, _("需求已提交，编号 %(reference)s。") % {"reference": saved.reference})
        return redirect("needs:need_detail", pk=saved.pk)
    saved = submission.need_save_draft(**common)
    messages.success(request, _("草稿已保存。"))
    return redirect("needs:need_edit", pk=saved.pk)


@permissions.require(permissions.is_enterprise_user)
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The need laid out like Attachment 2; the same page prints."""
    need = selectors.need_for_enterprise_user(user=request.user, pk=pk)
    context = {
        "need": need,
        "states": selectors.need_states(need),
    }
    return render(request, "needs/need_detail.html", context)


@permissions.require(permissions.is_enterprise_user)
def need_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_enterprise_user(user=request.user, pk=pk)
    filename = f"{need.reference or f'draft-{need.pk}'}-附件2.xlsx"
    return exports.xlsx_response(attachment2_workbook(need), filename)


@permissions.require(permissions.is_enterprise_user)
@require_http_methods(["GET", "POST"])
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_enterprise_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            submission.need_withdraw(user=request.user, need_id=need.pk)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("需求已撤回。"))
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/need_withdraw.html", {"need": need})


@permissions.require(permissions.is_enterprise_user)
@require_POST
def need_contact_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise says yes, later, to passing its contacts on."""
    need = selectors.need_for_enterprise_user(user=request.user, pk=pk)
    try:
        submission.need_contact_consent_give(user=request.user, need_id=need.pk)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已记录：您同意交流中心向其推荐的香港机构提供本企业的联系方式。"))
    return redirect("needs:need_detail", pk=need.pk)
