"""Reviewer scores: independence, weighted totals, who sees what."""

import pytest
from django.urls import reverse

from needs.backoffice_selectors import needs_with_scores, review_scores_visible, score_summary
from needs.errors import NeedError
from needs.models import NeedStatus, ReviewScore
from needs.services.review import review_score_submit, rubric_for_call, rubric_set_weights
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _score(user, need, clarity, willingness, technical, comment=""):
    return review_score_submit(
        actor=user,
        need_id=need.pk,
        scores={"clarity": clarity, "willingness": willingness, "technical": technical},
        comment=comment,
    )


def test_reviewer_sees_others_scores_only_after_submitting(make_need, reviewer_user, other_reviewer_user):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(other_reviewer_user, need, 5, 5, 5)
    assert list(review_scores_visible(need=need, user=reviewer_user)) == []
    mine = _score(reviewer_user, need, 3, 3, 3)
    assert {s.reviewer for s in review_scores_visible(need=need, user=reviewer_user)} == {
        reviewer_user,
        other_reviewer_user,
    }
    assert mine in review_scores_visible(need=need, user=reviewer_user)


def test_review_page_hides_other_scores_until_own(make_need, reviewer_user, other_reviewer_user, client_as):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(other_reviewer_user, need, 5, 4, 3, comment="SECRET-OTHER-COMMENT")
    client = client_as(reviewer_user)
    url = reverse("needs:review_need", args=[need.pk])
    page = client.get(url).content.decode()
    assert "评审专家乙" not in page and "scores-hidden" in page
    client.post(url, {"score_clarity": "4", "score_willingness": "4", "score_technical": "4"})
    page = client.get(url).content.decode()
    assert "评审专家乙" in page and "all-scores" in page


def test_enterprise_and_hk_users_see_no_scores(make_need, reviewer_user, enterprise_user, hk_user, client_as):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(reviewer_user, need, 5, 5, 5)
    assert list(review_scores_visible(need=need, user=enterprise_user)) == []
    assert list(review_scores_visible(need=need, user=hk_user)) == []
    assert client_as(enterprise_user).get(reverse("needs:review_need", args=[need.pk])).status_code == 403
    with pytest.raises(NeedError):
        _score(enterprise_user, need, 1, 1, 1)


def test_weighted_total_averages_and_spread(make_need, reviewer_user, other_reviewer_user, current_call):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(reviewer_user, need, 5, 2, 4)
    _score(other_reviewer_user, need, 3, 4, 4)
    rubric = rubric_for_call(call=current_call)  # clarity 40, willingness 30, technical 30
    summary = score_summary(rubric=rubric, need_id=need.pk)
    by_key = {c.key: c for c in summary.criteria}
    assert (by_key["clarity"].average, by_key["clarity"].spread) == (4.0, 2)
    assert (by_key["willingness"].average, by_key["willingness"].spread) == (3.0, 2)
    assert (by_key["technical"].average, by_key["technical"].spread) == (4.0, 0)
    # 4/5*40 + 3/5*30 + 4/5*30 = 32 + 18 + 24
    assert summary.total == 74.0
    assert needs_with_scores(call=current_call)[0][1].total == 74.0


def test_rescoring_replaces_the_reviewers_own_score(make_need, reviewer_user):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(reviewer_user, need, 1, 1, 1)
    _score(reviewer_user, need, 5, 5, 5)
    assert ReviewScore.objects.get(need=need, reviewer=reviewer_user).scores["clarity"] == 5
    assert AuditEntry.objects.filter(action="need.score", actor=reviewer_user).count() == 2


def test_review_page_brings_back_the_reviewers_own_score(make_need, reviewer_user, client_as):
    need = make_need(status=NeedStatus.ACCEPTED)
    _score(reviewer_user, need, 4, 2, 5, comment="量化指标清楚")

    page = client_as(reviewer_user).get(reverse("needs:review_need", args=[need.pk]))

    form = page.context["form"]
    assert form["score_clarity"].value() == 4
    assert form["score_willingness"].value() == 2
    assert "量化指标清楚" in page.content.decode()


def test_a_need_that_cannot_be_scored_answers_404(make_need, reviewer_user, client_as):
    draft = make_need(status=NeedStatus.DRAFT)
    assert client_as(reviewer_user).get(reverse("needs:review_need", args=[draft.pk])).status_code == 404


def test_scores_out_of_range_are_refused(make_need, reviewer_user):
    need = make_need(status=NeedStatus.ACCEPTED)
    with pytest.raises(NeedError):
        _score(reviewer_user, need, 6, 1, 1)
    assert not ReviewScore.objects.exists()


def test_rubric_weights_must_sum_to_100(current_call, staff_user, reviewer_user, client_as):
    with pytest.raises(NeedError, match="100"):
        rubric_set_weights(actor=staff_user, call_id=current_call.pk, weights={"clarity": 50})
    rubric = rubric_set_weights(
        actor=staff_user, call_id=current_call.pk, weights={"clarity": 50, "willingness": 25, "technical": 25}
    )
    assert [c["weight"] for c in rubric.criteria] == [50, 25, 25]
    with pytest.raises(NeedError):
        rubric_set_weights(
            actor=reviewer_user,
            call_id=current_call.pk,
            weights={"clarity": 34, "willingness": 33, "technical": 33},
        )
    response = client_as(staff_user).post(
        reverse("needs:staff_rubric"),
        {
            "call": current_call.pk,
            "weight_clarity": "10",
            "weight_willingness": "10",
            "weight_technical": "10",
        },
        follow=True,
    )
    assert "100" in response.content.decode()
    assert [c["weight"] for c in rubric_for_call(call=current_call).criteria] == [50, 25, 25]


def test_review_queue_is_paginated(make_need, reviewer_user, client_as, monkeypatch):
    monkeypatch.setattr("needs.views.staff_shortlist.REVIEW_PAGE_SIZE", 2)
    for _ in range(3):
        make_need(status=NeedStatus.ACCEPTED)
    client = client_as(reviewer_user)
    first = client.get(reverse("needs:review_home")).content.decode()
    assert first.count('href="/review/needs/') == 2
    assert "?page=2" in first
    second = client.get(reverse("needs:review_home"), {"page": 2}).content.decode()
    assert second.count('href="/review/needs/') == 1
