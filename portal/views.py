"""Site-wide pages: home, role dashboard redirect, accounts, health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import health, login_throttle, permissions, selectors, services
from portal.errors import DomainError
from portal.forms import AuditFilterForm, InvitationSignupForm, InviteForm, LoginForm, RegistrationForm


def home(request: HttpRequest) -> HttpResponse:
    # The current call comes from the needs app's template tag.
    return render(request, "portal/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    user = request.user
    if permissions.is_enterprise_user(user):
        return redirect("needs:enterprise_home")
    if permissions.is_staff_member(user):
        return redirect("needs:staff_home")
    if permissions.is_reviewer(user):
        return redirect("needs:review_home")
    if permissions.is_hk_user(user):
        return redirect("partners:hk_home")
    return redirect("home")


def _activate_user_language(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    language = request.user.language
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return _activate_user_language(self.request, response)


class PortalPasswordResetConfirmView(PasswordResetConfirmView):
    """Setting a new password from the e-mailed link also lifts a login
    lockout of that account: the person has proved they own the mailbox."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_throttle.lockout_lift(email=form.user.email)
        return response


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register_enterprise(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功。请先填写企业基本信息。"))
            return redirect("dashboard")
    return render(request, "registration/register.html", {"form": form})


@permissions.require(permissions.can_invite_users)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("已向 %(email)s 发送邀请邮件。") % {"email": user.email})
            return redirect("invite")
    return render(request, "portal/invite.html", {"form": form, "page_title": _("邀请用户")})


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's e-mailed link opens: set a password for a new
    account, or confirm while logged in with the invited address's account."""
    invitation = selectors.invitation_for_token(token)
    problem = selectors.invitation_problem(invitation)
    if problem:
        status = 404 if invitation is None else 410
        return render(request, "portal/invitation_accept.html", {"problem": problem}, status=status)
    state = selectors.invitation_state(invitation=invitation, user=request.user)
    form = InvitationSignupForm(request.POST or None, email=invitation.email) if state == "signup" else None
    if request.method == "POST" and (state == "confirm" or (form is not None and form.is_valid())):
        try:
            _invitation_accept(request, token=token, form=form)
        except services.InvitationError as error:
            messages.error(request, str(error))
            return redirect("invitation_accept", token=token)
        messages.success(request, _("您已加入“%(name)s”。") % {"name": invitation.enterprise.name})
        return redirect("dashboard")
    refusal = (
        selectors.invitation_join_refusal(invitation=invitation, user=request.user)
        if state == "refused"
        else None
    )
    context = {"invitation": invitation, "state": state, "form": form, "refusal": refusal}
    return render(request, "portal/invitation_accept.html", context)


def _invitation_accept(request: HttpRequest, *, token: str, form: InvitationSignupForm | None) -> None:
    if form is None:
        services.enterprise_invitation_accept_existing(token=token, user=request.user)
        return
    user = services.enterprise_invitation_accept_new(
        token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"]
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Up or down for anyone; which part and on what only for staff or the monitor's token."""
    checks = health.run_checks()
    status = 200 if checks["database"]["ok"] else 503
    body = {"ok": all(c["ok"] for c in checks.values())}
    if health.may_see_details(request):
        body.update(checks)
    return JsonResponse(body, status=status)


@permissions.require(permissions.can_view_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.audit_entries(filters=filters), 50).get_page(request.GET.get("page"))
    return render(request, "portal/audit_log.html", {"form": form, "page": page})
