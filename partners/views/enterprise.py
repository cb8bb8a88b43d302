"""What an enterprise sees of the Hong Kong side: contacts released to it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partners import selectors
from portal import permissions


@permissions.require(permissions.is_enterprise_user)
def enterprise_contacts(request: HttpRequest) -> HttpResponse:
    releases = selectors.releases_of_enterprise(enterprise=request.user.enterprise)
    return render(request, "partners/enterprise_contacts.html", {"releases": releases})
