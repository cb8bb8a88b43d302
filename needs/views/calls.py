"""Staff pages for calls (征集批次): list, create, edit, make current."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from needs import selectors
from needs.forms import CallForm
from needs.models import Call
from needs.services import submission
from portal import permissions


@permissions.require(permissions.can_manage_calls)
def calls_list(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/calls_list.html", {"calls": selectors.calls_all()})


@permissions.require(permissions.can_manage_calls)
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form(request, Call())


@permissions.require(permissions.can_manage_calls)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_form(request, get_object_or_404(Call, pk=pk))


def _call_form(request: HttpRequest, call: Call) -> HttpResponse:
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        submission.call_save(
            actor=request.user, call=form.instance, focus_fields=form.cleaned_data["focus_fields"]
        )
        messages.success(request, _("征集批次已保存。"))
        return redirect("needs:calls_list")
    title = _("编辑征集批次") if call.pk else _("新建征集批次")
    return render(request, "needs/calls_form.html", {"form": form, "page_title": title, "call": call})


@permissions.require(permissions.can_manage_calls)
@require_POST
def call_set_current(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    submission.call_set_current(actor=request.user, call_id=call.pk)
    messages.success(request, _("已将“%(title)s”设为当前批次。") % {"title": call.title})
    return redirect("needs:calls_list")
