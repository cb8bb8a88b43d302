"""Staff review pages, the run pages and Hong Kong recommendations."""

import pytest
from django.urls import reverse

from matching.models import Match, MatchDecision, MatchRun, RunKind, RunStatus
from matching.reasons import reason_line
from matching.tests.conftest import PRIVATE_MARKERS, make_need
from needs.models import NeedStatus
from partners.models import ExpressionOfInterest
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(robot_need, chip_need, directory, staff_user, django_capture_on_commit_callbacks):
    from matching import services

    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)
    return robot_need


def test_staff_see_ranked_partners_with_score_bars_and_reasons(scored, directory, staff_user, client_as):
    response = client_as(staff_user).get(reverse("matching:need_matches", args=[scored.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(str(directory["robot"])) < html.index(str(directory["rehab"]))
    assert "progress-bar" in html
    assert "共同技术概念" in html and "手术机器人" in html
    assert "同一领域" in html


@pytest.mark.parametrize("persona", ["reviewer_user", "enterprise_user", "hk_user"])
def test_others_cannot_review_or_decide(scored, directory, persona, request, client_as):
    client = client_as(request.getfixturevalue(persona))
    pair = [scored.pk, directory["robot"].pk]

    assert client.get(reverse("matching:need_matches", args=[scored.pk])).status_code == 403
    assert client.post(reverse("matching:match_accept", args=pair)).status_code == 403
    assert (
        client.post(
            reverse("matching:match_dismiss", args=pair), {"reason": "other", "note": "x"}
        ).status_code
        == 403
    )
    assert client.post(reverse("matching:rescore_start")).status_code == 403
    assert not MatchDecision.objects.exists()
    assert not MatchRun.objects.filter(kind=RunKind.FULL, status=RunStatus.QUEUED).exists()


def test_accepting_records_an_introduction(scored, directory, staff_user, client_as):
    robot = directory["robot"]
    client = client_as(staff_user)

    response = client.post(reverse("matching:match_accept", args=[scored.pk, robot.pk]), follow=True)
    client.post(reverse("matching:match_accept", args=[scored.pk, robot.pk]))  # a double click

    assert "已采纳" in response.content.decode()
    decision = MatchDecision.objects.get(need=scored, partner=robot)
    assert decision.decision == "accepted" and decision.decided_by == staff_user
    intro = ExpressionOfInterest.objects.get(need=scored, partner=robot)
    assert intro.source == "match"
    assert AuditEntry.objects.filter(action="match.accept", actor=staff_user).count() == 1


def test_dismissing_removes_the_partner_and_lists_it_with_its_reason(
    scored, directory, staff_user, client_as
):
    robot = directory["robot"]
    client = client_as(staff_user)

    response = client.post(
        reverse("matching:match_dismiss", args=[scored.pk, robot.pk]),
        {"reason": "mode_not_open", "note": ""},
        follow=True,
    )

    html = response.content.decode()
    assert not Match.objects.filter(need=scored, partner=robot).exists()
    assert 'id="dismissed-list"' in html and "不接受该合作方式" in html
    assert AuditEntry.objects.filter(action="match.dismiss", data__reason="mode_not_open").exists()


def test_other_reason_without_note_is_refused(scored, directory, staff_user, client_as):
    robot = directory["robot"]

    response = client_as(staff_user).post(
        reverse("matching:match_dismiss", args=[scored.pk, robot.pk]), {"reason": "other", "note": "  "}
    )

    assert response.status_code == 200
    assert "请填写说明" in response.content.decode()
    assert not MatchDecision.objects.exists()
    assert Match.objects.filter(need=scored, partner=robot).exists()


def test_restoring_a_dismissal_brings_the_partner_back(
    scored, directory, staff_user, client_as, django_capture_on_commit_callbacks
):
    robot = directory["robot"]
    client = client_as(staff_user)
    client.post(reverse("matching:match_dismiss", args=[scored.pk, robot.pk]), {"reason": "field_mismatch"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:match_restore", args=[scored.pk, robot.pk]))

    assert not MatchDecision.objects.exists()
    assert Match.objects.filter(need=scored, partner=robot).exists()


def test_partner_page_lists_its_needs(scored, chip_need, directory, staff_user, client_as):
    response = client_as(staff_user).get(reverse("matching:partner_matches", args=[directory["chip"].pk]))

    html = response.content.decode()
    assert chip_need.title in html


def test_staff_start_a_full_rescore_and_follow_its_progress(
    scored, staff_user, client_as, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:rescore_start"))

    run = MatchRun.objects.filter(kind=RunKind.FULL).order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == reverse(
        "matching:run_detail", args=[run.pk]
    )
    assert AuditEntry.objects.filter(action="matching.rescore_all", actor=staff_user).count() == 2
    status = client.get(reverse("matching:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["processed"] == 2
    page = client.get(reverse("matching:runs")).content.decode()
    assert f"/staff/matching/runs/{run.pk}/" in page and "progress-bar" in page


def test_run_detail_shows_progress_of_a_running_run(staff_user, client_as):
    run = MatchRun.objects.create(
        kind=RunKind.FULL, trigger="staff", status=RunStatus.RUNNING, total=8, processed=2
    )

    html = client_as(staff_user).get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    assert "width: 25%" in html and "matching-progress.js" in html


# --- Hong Kong recommendations -------------------------------------------------------------


def test_hk_users_see_published_recommended_needs_without_private_fields(
    enterprise, current_call, directory, hk_user, client_as, staff_user, django_capture_on_commit_callbacks
):
    from matching import services

    published = make_need(
        enterprise,
        current_call,
        "手术机器人精准控制技术",
        "手术机器人和内镜机器人的运动控制。",
        ["08", "08.05"],
        status=NeedStatus.ACCEPTED,
        reference="JSHK-2026-0101",
    )
    unpublished = make_need(
        enterprise,
        current_call,
        "内镜机器人柔性驱动",
        "内镜机器人驱动。",
        ["08", "08.05"],
        reference="JSHK-2026-0102",
    )
    no_consent = make_need(
        enterprise,
        current_call,
        "连续体手术机器人",
        "手术机器人。",
        ["08", "08.05"],
        status=NeedStatus.ACCEPTED,
        consent_share_hk=False,
        reference="JSHK-2026-0103",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)
    for need in (published, unpublished, no_consent):
        assert Match.objects.filter(need=need, partner=hk_user.partner).exists()

    response = client_as(hk_user).get(reverse("matching:hk_recommended"))

    html = response.content.decode()
    assert response.status_code == 200
    assert published.title in html
    assert unpublished.title not in html and no_consent.title not in html
    for marker in PRIVATE_MARKERS:
        assert marker not in html


def test_hk_recommendations_are_per_institution(
    robot_need,
    chip_need,
    directory,
    hk_user,
    other_hk_user,
    staff_user,
    settings,
    client_as,
    django_capture_on_commit_callbacks,
):
    from matching import services

    settings.MATCHING_TOP_N = 1
    for need in (robot_need, chip_need):
        need.status = NeedStatus.ACCEPTED
        need.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.full_rescore_start(actor=staff_user)

    robot_page = client_as(hk_user).get(reverse("matching:hk_recommended")).content.decode()
    chip_page = client_as(other_hk_user).get(reverse("matching:hk_recommended")).content.decode()

    assert robot_need.title in robot_page and chip_need.title not in robot_page
    assert chip_need.title in chip_page and robot_need.title not in chip_page


# --- reasons in the reader's language ------------------------------------------------------


def test_reasons_render_from_code_and_params_with_text_as_fallback():
    assert (
        reason_line({"code": "mode_fit", "text": "x", "params": {"modes": ["transfer"]}})
        == "合作方式相符：技术转让"
    )
    assert reason_line({"code": "focus_field", "text": "x", "params": {"codes": ["01"]}}).endswith("电子信息")
    assert reason_line({"code": "new_in_v2", "text": "新理由", "params": {}}) == "新理由"
    assert reason_line({"code": "shared_terms", "text": "旧文本", "params": None}) == "共同关键词："


def test_needs_overview_lists_scored_needs_and_filters_by_state(scored, chip_need, staff_user, client_as):
    client = client_as(staff_user)

    html = client.get(reverse("matching:needs")).content.decode()
    pending = client.get(reverse("matching:needs"), {"state": "pending"}).content.decode()

    assert reverse("matching:need_matches", args=[scored.pk]) in html
    assert chip_need.title in html
    assert scored.title not in pending


def test_staff_rescore_one_need(scored, staff_user, client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(reverse("matching:need_rescore", args=[scored.pk]))

    run = MatchRun.objects.filter(need=scored, kind=RunKind.NEED).get()
    assert response.status_code == 302
    assert run.status == RunStatus.DONE and run.started_by == staff_user and run.trigger == "staff"
    assert AuditEntry.objects.filter(action="matching.rescore_need", object_id=str(scored.pk)).exists()
