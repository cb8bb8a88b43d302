"""Reviewer scoring and the staff's event shortlist (rubric, comparison, freezing)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from needs import backoffice_selectors as selectors
from needs.backoffice_forms import CallPickForm, CompareForm, RubricForm, ScoreForm, ShortlistAddForm
from needs.models import Call
from needs.services import review
from needs.services import shortlist as shortlists
from needs.views.staff import call_picked
from portal import permissions
from portal.errors import DomainError

REVIEW_PAGE_SIZE = 50
SHORTLIST_PAGE_SIZE = 50


@permissions.require(permissions.can_score_needs)
def review_home(request: HttpRequest) -> HttpResponse:
    call = selectors.call_for_back_office()
    page = Paginator(selectors.review_queue(user=request.user, call=call), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "needs/review_home.html", {"call": call, "needs": page.object_list, "page": page})


@permissions.require(permissions.can_score_needs)
def review_need(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_review(need_id=pk)
    rubric = review.rubric_for_call(call=need.call)
    own = selectors.review_score_own(need=need, user=request.user)
    form = ScoreForm(request.POST or None, rubric=rubric, existing=own)
    if request.method == "POST" and form.is_valid():
        try:
            review.review_score_submit(
                actor=request.user,
                need_id=need.pk,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("评分已提交。"))
            return redirect("needs:review_need", pk=need.pk)
    scores = list(selectors.review_scores_visible(need=need, user=request.user))
    return render(
        request,
        "needs/review_need.html",
        {
            "need": need,
            "form": form,
            "own": own,
            "scores": scores,
            "summary": selectors.score_summary(rubric=rubric, need_id=need.pk) if own else None,
            "criteria": rubric.criteria,
        },
    )


def _call_posted(request: HttpRequest) -> Call | None:
    """The call a shortlist form was posted for (none posted: the current one).
    A malformed or unknown call is None, never a fallback to another call."""
    pick = CallPickForm(request.POST)
    return selectors.call_for_back_office(call_id=pick.call_id()) if pick.is_valid() else None


@permissions.require(permissions.can_screen_needs)
def staff_shortlist(request: HttpRequest) -> HttpResponse:
    call, pick = call_picked(request)
    if call is None:
        raise Http404
    shortlist = selectors.shortlist_latest(call=call, version=pick.version_number())
    rubric = review.rubric_for_call(call=call)
    page = Paginator(selectors.needs_ranked_by_score(call=call), SHORTLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.with_score_summaries(call=call, need_ids=list(page.object_list))
    entries = (
        Paginator(selectors.shortlist_entries(shortlist=shortlist), SHORTLIST_PAGE_SIZE).get_page(
            request.GET.get("entries_page")
        )
        if shortlist
        else None
    )
    return render(
        request,
        "needs/staff_shortlist.html",
        {
            "call": call,
            "rubric": rubric,
            "rubric_form": RubricForm(rubric=rubric),
            "page": page,
            "rows": rows,
            "shortlist": shortlist,
            "entries": entries,
            "listed": selectors.shortlisted_need_ids(shortlist=shortlist, need_ids=[n.pk for n, _s in rows]),
            "versions": selectors.shortlist_versions(call=call),
        },
    )


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_shortlist_add(request: HttpRequest) -> HttpResponse:
    form = ShortlistAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写入选理由。"))
    else:
        try:
            shortlists.shortlist_add(
                actor=request.user,
                **{"need_id": form.cleaned_data["need"], "justification": form.cleaned_data["justification"]},
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已列入入选名单。"))
    return redirect("needs:staff_shortlist")


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_shortlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_back_office(need_id=pk)
    shortlists.shortlist_remove(actor=request.user, need_id=need.pk)
    messages.success(request, _("已移出入选名单。"))
    return redirect("needs:staff_shortlist")


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_shortlist_freeze(request: HttpRequest) -> HttpResponse:
    call = _call_posted(request)
    if call is None:
        raise Http404
    try:
        shortlist = shortlists.shortlist_freeze(actor=request.user, call_id=call.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("入选名单第 %(v)d 版已冻结。") % {"v": shortlist.version})
    return redirect("needs:staff_shortlist")


@permissions.require(permissions.can_screen_needs)
@require_POST
def staff_rubric(request: HttpRequest) -> HttpResponse:
    call = _call_posted(request)
    if call is None:
        raise Http404
    form = RubricForm(request.POST, rubric=review.rubric_for_call(call=call))
    if form.is_valid():
        review.rubric_set_weights(actor=request.user, call_id=call.pk, weights=form.weights())
        messages.success(request, _("评分权重已保存。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("needs:staff_shortlist")


@permissions.require(permissions.can_screen_needs)
def staff_compare(request: HttpRequest) -> HttpResponse:
    call, _pick = call_picked(request)
    if call is None:
        raise Http404
    form = CompareForm(request.GET or None, choices=selectors.scorable_need_choices(call=call))
    chosen = []
    if form.is_bound and form.is_valid():
        chosen = selectors.needs_with_scores(call=call, need_ids=form.cleaned_data["need"])
    return render(
        request,
        "needs/staff_compare.html",
        {
            "call": call,
            "form": form,
            "chosen": chosen,
            "criteria": review.rubric_for_call(call=call).criteria,
        },
    )
