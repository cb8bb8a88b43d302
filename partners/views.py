"""Placeholder pages; the partner-directory work replaces them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import permissions


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/placeholder.html")


@permissions.require(permissions.is_hk_user)
def hk_home(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/placeholder.html")
