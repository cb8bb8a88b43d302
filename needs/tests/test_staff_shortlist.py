"""The event shortlist: justification, freezing, versions, comparison."""

import pytest
from django.urls import reverse

from needs.errors import NeedError
from needs.models import NeedStatus, Shortlist, ShortlistEntry
from needs.services.shortlist import shortlist_add, shortlist_freeze, shortlist_remove

pytestmark = pytest.mark.django_db


def test_shortlist_needs_a_justification_and_an_accepted_need(make_need, staff_user):
    accepted = make_need(status=NeedStatus.ACCEPTED)
    submitted = make_need()
    with pytest.raises(NeedError, match="理由"):
        shortlist_add(actor=staff_user, need_id=accepted.pk, justification="  ")
    with pytest.raises(NeedError):
        shortlist_add(actor=staff_user, need_id=submitted.pk, justification="很好")
    entry = shortlist_add(actor=staff_user, need_id=accepted.pk, justification="技术含量高")
    assert entry.shortlist.version == 1 and not entry.shortlist.is_frozen


def test_freezing_makes_an_immutable_version_and_changes_open_the_next(make_need, staff_user, current_call):
    a, b = make_need(status=NeedStatus.ACCEPTED), make_need(status=NeedStatus.ACCEPTED)
    shortlist_add(actor=staff_user, need_id=a.pk, justification="理由A")
    v1 = shortlist_freeze(actor=staff_user, call_id=current_call.pk)
    assert v1.is_frozen
    with pytest.raises(NeedError):
        shortlist_freeze(actor=staff_user, call_id=current_call.pk)
    with pytest.raises(NeedError):
        ShortlistEntry.objects.create(shortlist=v1, need=b, justification="绕过服务")
    shortlist_add(actor=staff_user, need_id=b.pk, justification="理由B")
    shortlist_remove(actor=staff_user, need_id=a.pk)
    v2 = Shortlist.objects.get(call=current_call, version=2)
    assert list(v1.entries.values_list("need_id", flat=True)) == [a.pk]
    assert list(v2.entries.values_list("need_id", flat=True)) == [b.pk]
    shortlist_freeze(actor=staff_user, call_id=current_call.pk)
    versions = Shortlist.objects.filter(call=current_call).order_by("version")
    assert [(v.version, v.is_frozen) for v in versions] == [(1, True), (2, True)]


def test_reviewer_cannot_shortlist(make_need, reviewer_user, client_as):
    need = make_need(status=NeedStatus.ACCEPTED)
    with pytest.raises(NeedError):
        shortlist_add(actor=reviewer_user, need_id=need.pk, justification="x")
    response = client_as(reviewer_user).post(
        reverse("needs:staff_shortlist_add"), {"need": need.pk, "justification": "x"}
    )
    assert response.status_code == 403
    assert not ShortlistEntry.objects.exists()


def test_shortlist_page_and_compare(make_need, staff_user, client_as, current_call):
    needs = [make_need(status=NeedStatus.ACCEPTED) for _ in range(5)]
    client = client_as(staff_user)
    client.post(reverse("needs:staff_shortlist_add"), {"need": needs[0].pk, "justification": "合作意愿强"})
    page = client.get(reverse("needs:staff_shortlist")).content.decode()
    assert "合作意愿强" in page and needs[0].title in page
    url = reverse("needs:staff_compare")
    page = client.get(url, {"need": [n.pk for n in needs[:4]], "call": current_call.pk}).content.decode()
    assert all(n.title in page for n in needs[:4])
    page = client.get(url, {"need": [n.pk for n in needs], "call": current_call.pk}).content.decode()
    assert "compare-table" not in page and "4" in page
