"""The public Hong Kong partner directory."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partners import selectors
from partners.forms import DirectoryFilterForm
from partners.models import PartnerKind

PAGE_SIZE = 20


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    page = Paginator(selectors.partner_directory(**form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    field_names = selectors.partner_field_names(row["id"] for row in page)
    kinds = dict(PartnerKind.choices)
    rows = [
        {**row, "kind_label": kinds.get(row["kind"], ""), "field_names": field_names.get(row["id"], [])}
        for row in page
    ]
    return render(request, "partners/directory.html", {"form": form, "page": page, "rows": rows})


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.partner_public_get(partner_id=pk)
    row["kind_label"] = dict(PartnerKind.choices).get(row["kind"], "")
    row["field_names"] = selectors.partner_field_names([pk]).get(pk, [])
    units = selectors.partner_directory().filter(parent_id=pk)
    return render(request, "partners/partner_detail.html", {"partner": row, "units": units})
