"""Match review (staff), matching runs (staff) and recommendations (Hong Kong users)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import selectors, services
from matching.forms import DismissForm
from matching.models import RunStatus
from needs.models import MatchingState
from portal import permissions
from portal.errors import DomainError

RUNS_PAGE_SIZE = 30
NEEDS_PAGE_SIZE = 30


@permissions.require(permissions.can_review_matches)
def needs(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in MatchingState.values:
        state = ""
    page = Paginator(selectors.needs_for_matching(state=state), NEEDS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "state": state, "states": MatchingState.choices}
    return render(request, "matching/needs.html", context)


@permissions.require(permissions.can_review_matches)
def need_matches(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_review(pk=pk)
    context = {
        "need": need,
        "rows": selectors.need_match_rows(need=need),
        "dismissals": selectors.need_dismissals(need=need),
        "latest_run": selectors.need_latest_run(need=need),
        "dismiss_form": DismissForm(),
    }
    return render(request, "matching/need_matches.html", context)


@permissions.require(permissions.can_review_matches)
@require_POST
def need_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_review(pk=pk)
    services.need_rescore(actor=request.user, need=need)
    messages.success(request, _("已提交重新匹配，结果稍后更新。"))
    return redirect("matching:need_matches", pk=need.pk)


@permissions.require(permissions.can_review_matches)
@require_POST
def match_accept(request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
    need = selectors.need_for_review(pk=pk)
    try:
        services.match_accept(actor=request.user, need_id=need.pk, partner_id=partner_id)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已采纳，该机构已进入联系方式交换流程。"))
    return redirect("matching:need_matches", pk=need.pk)


@permissions.require(permissions.can_review_matches)
def match_dismiss(request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
    need = selectors.need_for_review(pk=pk)
    partner = selectors.partner_for_review(pk=partner_id)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_dismiss(
                actor=request.user, need_id=need.pk, partner_id=partner.pk, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已排除该机构，重新匹配后也不会再推荐。"))
        return redirect("matching:need_matches", pk=need.pk)
    return render(request, "matching/match_dismiss.html", {"need": need, "partner": partner, "form": form})


@permissions.require(permissions.can_review_matches)
@require_POST
def match_restore(request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
    need = selectors.need_for_review(pk=pk)
    try:
        services.match_restore(actor=request.user, need_id=need.pk, partner_id=partner_id)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤销排除，需求将重新匹配。"))
    return redirect("matching:need_matches", pk=need.pk)


@permissions.require(permissions.can_review_matches)
def partner_matches(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for_review(pk=pk)
    context = {"partner": partner, "rows": selectors.partner_match_rows(partner=partner)}
    return render(request, "matching/partner_matches.html", context)


@permissions.require(permissions.can_review_matches)
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.runs_list(), RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "active_full": selectors.run_active_full()}
    return render(request, "matching/runs.html", context)


@permissions.require(permissions.can_review_matches)
@require_POST
def rescore_start(request: HttpRequest) -> HttpResponse:
    try:
        run = services.full_rescore_start(actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("matching:runs")
    run.refresh_from_db(fields=["status"])
    if run.status == RunStatus.WAITING:
        messages.warning(request, _("任务队列暂时不可用。全量重新匹配已保存，队列恢复后将自动开始。"))
    else:
        messages.success(request, _("全量重新匹配已开始。"))
    return redirect("matching:run_detail", pk=run.pk)


@permissions.require(permissions.can_review_matches)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(pk=pk)
    return render(request, "matching/run_detail.html", {"run": run, "status": selectors.run_status(run)})


@permissions.require(permissions.can_review_matches)
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(selectors.run_status(selectors.run_get(pk=pk)))


@permissions.require(permissions.can_browse_published_needs)
def hk_recommended(request: HttpRequest) -> HttpResponse:
    script = "hant" if request.GET.get("script") == "hant" else ""
    rows = selectors.hk_recommended_needs(partner=request.user.partner, script=script)
    min_percent = round(100 * settings.MATCHING_RECOMMEND_MIN_SCORE)
    return render(
        request, "matching/hk_recommended.html", {"rows": rows, "script": script, "min_percent": min_percent}
    )


@permissions.require(permissions.can_review_matches)
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.run_cancel(actor=request.user, run_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已取消全量重新匹配；已完成的需求保留新结果。"))
    return redirect("matching:run_detail", pk=pk)
