"""Enterprise pages: profile, needs, submission."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import permissions


@permissions.require(permissions.is_enterprise_user)
def enterprise_home(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/placeholder.html")
