"""The matching overview: one page of needs, each with its own match figures."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Decision, Match, MatchDecision
from matching.tests.conftest import make_need
from matching.views import NEEDS_PAGE_SIZE
from needs.models import Need

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    body = html.split('id="matching-needs"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_overview_is_paged_newest_first_with_each_needs_figures(
    enterprise, current_call, directory, staff_user, partner, other_partner, client_as
):
    now = timezone.now()
    needs = [
        make_need(enterprise, current_call, f"分页需求{i:02d}", "描述") for i in range(NEEDS_PAGE_SIZE + 2)
    ]
    for i, need in enumerate(needs):
        Need.objects.filter(pk=need.pk).update(submitted_at=now - timedelta(minutes=i))
    newest, oldest = needs[0], needs[-1]
    for need in (newest, oldest):
        Match.objects.create(need=need, partner=partner, score=0.87, scorer_version="test")
        Match.objects.create(need=need, partner=other_partner, score=0.42, scorer_version="test")
    MatchDecision.objects.create(
        need=oldest, partner=partner, decision=Decision.ACCEPTED, decided_by=staff_user
    )
    client = client_as(staff_user)
    url = reverse("matching:needs")

    first = _rows(client.get(url).content.decode())
    rest = _rows(client.get(url, {"page": 2}).content.decode())

    assert len(first) == NEEDS_PAGE_SIZE and len(rest) == 2
    assert "分页需求00" in first[0] and "分页需求31" in rest[-1]
    shown = "".join(first + rest)
    assert all(shown.count(f"分页需求{i:02d}<") == 1 for i in range(NEEDS_PAGE_SIZE + 2))
    cells = lambda row: re.findall(r"<td>(\d+)</td>", row)  # noqa: E731 - match count, accepted count
    assert cells(first[0]) == ["2", "0"] and "87%" in first[0]
    assert cells(rest[-1]) == ["2", "1"]
    assert cells(first[1]) == ["0", "0"] and "—" in first[1]
