"""The shortlist page shows one page of candidates and one page of entries,
each with its own score summary, best weighted total first."""

import re

import pytest
from django.urls import reverse

from needs.models import NeedStatus
from needs.services.review import review_score_submit
from needs.services.shortlist import shortlist_add
from needs.views.staff_shortlist import SHORTLIST_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _candidates(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-need="(\d+)"', html)]


def _entry_rows(html: str) -> int:
    table = html.split('id="shortlist-entries"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr><td>")


def _score(user, need, clarity, willingness, technical):
    review_score_submit(
        actor=user,
        need_id=need.pk,
        scores={"clarity": clarity, "willingness": willingness, "technical": technical},
        comment="",
    )


def test_candidates_are_paged_best_total_first(
    make_need, staff_user, reviewer_user, other_reviewer_user, client_as
):
    needs = [make_need(status=NeedStatus.ACCEPTED) for _ in range(SHORTLIST_PAGE_SIZE + 2)]
    best, second = needs[-1], needs[-2]
    _score(reviewer_user, best, 5, 2, 4)
    _score(other_reviewer_user, best, 3, 4, 4)  # 4/5*40 + 3/5*30 + 4/5*30 = 74
    _score(reviewer_user, second, 1, 1, 1)  # 20
    client = client_as(staff_user)
    url = reverse("needs:staff_shortlist")

    first = client.get(url).content.decode()
    rest = client.get(url, {"page": 2}).content.decode()

    assert _candidates(first)[:2] == [best.pk, second.pk]
    assert len(_candidates(first)) == SHORTLIST_PAGE_SIZE
    assert len(_candidates(rest)) == 2
    assert sorted(_candidates(first) + _candidates(rest)) == sorted(n.pk for n in needs)
    assert "1 / 2" in first and "2 / 2" in rest
    best_row = first.split(f'<tr data-need="{best.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "74.0" in best_row and "4.0 / 2" in best_row and "3.0 / 2" in best_row and "4.0 / 0" in best_row
    # Unscored needs come last and show no total.
    assert '<td class="fw-bold weighted-total">—</td>' in rest


def test_add_forms_and_badges_only_for_the_page_shown(make_need, staff_user, client_as):
    needs = [make_need(status=NeedStatus.ACCEPTED) for _ in range(SHORTLIST_PAGE_SIZE + 1)]
    shortlist_add(actor=staff_user, need_id=needs[0].pk, justification="理由")
    client = client_as(staff_user)
    url = reverse("needs:staff_shortlist")

    first = client.get(url).content.decode()
    rest = client.get(url, {"page": 2}).content.decode()

    # Unscored needs are ordered by id: the first is listed, the last is alone on page 2.
    assert first.count('class="badge text-bg-success"') == 1
    assert first.count('class="collapse card card-body my-2 shortlist-add"') == SHORTLIST_PAGE_SIZE - 1
    assert rest.count('class="collapse card card-body my-2 shortlist-add"') == 1
    assert f'id="add-{needs[-1].pk}"' in rest and f'id="add-{needs[-1].pk}"' not in first


def test_shortlist_entries_are_paged(make_need, staff_user, client_as):
    needs = [make_need(status=NeedStatus.ACCEPTED) for _ in range(SHORTLIST_PAGE_SIZE + 2)]
    for need in needs:
        shortlist_add(actor=staff_user, need_id=need.pk, justification=f"理由{need.pk}")
    client = client_as(staff_user)
    url = reverse("needs:staff_shortlist")

    first = client.get(url).content.decode()
    rest = client.get(url, {"entries_page": 2}).content.decode()

    assert _entry_rows(first) == SHORTLIST_PAGE_SIZE
    assert _entry_rows(rest) == 2
    assert f"理由{needs[-1].pk}" in rest and f"理由{needs[-1].pk}" not in first
    assert "?entries_page=2" in first
    # The candidate list stays on its own first page.
    assert _candidates(rest) == _candidates(first)
