"""Back-office pages for exchange-centre staff and reviewers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import permissions


@permissions.require(permissions.is_staff_member)
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/placeholder.html")


@permissions.require(permissions.can_score_needs)
def review_home(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/placeholder.html")
