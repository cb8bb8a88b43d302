"""Sections 2 and 3: draft → submit → edit → withdraw/lock, consent, receipts, access."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from needs.models import Need, NeedStatus

pytestmark = pytest.mark.django_db

CREATE = reverse("needs:need_create")


def _draft(need_post, **changes) -> dict:
    data = {k: v for k, v in need_post.items() if k != "action_submit"}
    return {**data, "action_draft": "保存草稿", **changes}


def _submit(client, need_post, need=None, **changes):
    url = reverse("needs:need_edit", args=[need.pk]) if need else CREATE
    return client.post(url, {**need_post, **changes})


@pytest.fixture(autouse=True)
def scoring_calls(monkeypatch) -> list[int]:
    """Matching is another app's; here we only check that it is asked to score."""
    calls: list[int] = []
    monkeypatch.setattr("matching.services.need_schedule_scoring", lambda *, need_id: calls.append(need_id))
    return calls


@pytest.fixture
def client(client_as, enterprise_user, current_call):
    return client_as(enterprise_user)


def test_draft_keeps_incomplete_input(client, enterprise_user):
    response = client.post(CREATE, {"title": "半成品", "description": "只写了一半", "action_draft": "1"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.status, need.title, need.description, need.reference) == (
        NeedStatus.DRAFT,
        "半成品",
        "只写了一半",
        None,
    )
    assert need.enterprise == enterprise_user.enterprise and need.created_by == enterprise_user


def test_draft_still_checks_types(client, need_post):
    response = client.post(CREATE, _draft(need_post, intended_investment="五百"))
    assert "intended_investment" in response.context["form"].errors
    assert "肿瘤类器官高通量药敏检测平台开发" in response.content.decode()
    assert not Need.objects.exists()


def test_submit_requires_completeness_and_keeps_input(client, need_post):
    response = client.post(CREATE, {"title": "只有标题", "action_submit": "1"})
    errors = response.context["form"].errors
    for field in ("field_l1", "description", "categories", "cooperation_modes", "consent_share_hk"):
        assert field in errors
    assert "只有标题" in response.content.decode()
    assert not Need.objects.exists()


def test_submit_gives_reference_consent_and_receipt(
    client, need_post, enterprise_user, django_capture_on_commit_callbacks, scoring_calls
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, need_post)
    need = Need.objects.get()
    assert response["Location"] == reverse("needs:need_detail", args=[need.pk])
    assert need.status == NeedStatus.SUBMITTED
    assert need.reference == "JSHK-2026-0001"
    assert need.categories == ["core_rnd", "product_rnd"] and need.cooperation_modes == ["joint_dev"]
    assert need.field_l3_id == "02.01.03"
    assert need.consent_share_hk and need.consent_contact_release
    assert need.consent_version == settings.CONSENT_VERSION
    assert need.consent_at is not None and need.submitted_at is not None
    assert scoring_calls == [need.pk]
    receipt = mail.outbox[-1]
    assert receipt.to == [enterprise_user.enterprise.contact_email]
    assert "JSHK-2026-0001" in receipt.subject
    page = client.get(response["Location"]).content.decode()
    assert "JSHK-2026-0001" in page and "☑技术研发（关键、核心技术）" in page and "☐专利" in page


def test_contact_release_consent_is_optional_and_stored_as_given(client, need_post):
    data = {k: v for k, v in need_post.items() if k != "consent_contact_release"}
    client.post(CREATE, data)
    need = Need.objects.get()
    assert need.status == NeedStatus.SUBMITTED
    assert need.consent_share_hk is True and need.consent_contact_release is False


def test_receipt_in_the_users_language(
    client, need_post, enterprise_user, django_capture_on_commit_callbacks
):
    enterprise_user.language = "en"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, need_post)
    assert mail.outbox[-1].to == [enterprise_user.enterprise.contact_email]


def test_edit_submitted_keeps_reference_and_sends_receipt(
    client, need_post, django_capture_on_commit_callbacks
):
    client.post(CREATE, need_post)
    need = Need.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, need_post, need, title="修改后的标题")
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.reference, need.status) == (
        "修改后的标题",
        "JSHK-2026-0001",
        NeedStatus.SUBMITTED,
    )
    assert mail.outbox and "JSHK-2026-0001" in mail.outbox[-1].subject


def test_draft_then_submit_then_withdraw(client, need_post):
    client.post(CREATE, _draft(need_post))
    need = Need.objects.get()
    assert need.status == NeedStatus.DRAFT and need.title == need_post["title"]
    _submit(client, need_post, need)
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED
    response = client.post(reverse("needs:need_withdraw", args=[need.pk]))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN and need.withdrawn_at is not None
    # A withdrawn need is no longer editable.
    _submit(client, need_post, need, title="再改")
    need.refresh_from_db()
    assert need.title == need_post["title"]


def test_locked_after_the_deadline(client, need_post, current_call):
    client.post(CREATE, need_post)
    need = Need.objects.get()
    current_call.opens_at = timezone.now() - timedelta(days=30)
    current_call.deadline = timezone.now() - timedelta(seconds=1)
    current_call.save()
    response = _submit(client, need_post, need, title="截止后修改")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("截止" in m for m in messages)
    client.post(reverse("needs:need_withdraw", args=[need.pk]))
    need.refresh_from_db()
    assert (need.title, need.status) == (need_post["title"], NeedStatus.SUBMITTED)
    # No new needs either.
    assert client.get(CREATE).status_code == 302
    assert "截止" in client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()


def test_deadline_is_decided_inside_the_transaction(client, need_post, current_call, monkeypatch):
    """The page is shown as open, but the deadline passes before the write."""
    client.post(CREATE, _draft(need_post))
    need = Need.objects.get()
    late = current_call.deadline + timedelta(seconds=1)
    monkeypatch.setattr("needs.services.submission._now", lambda: late)
    response = _submit(client, need_post, need, title="最后一秒")
    assert response.status_code == 200
    assert "截止" in response.content.decode()
    assert "最后一秒" in response.content.decode()  # typed text comes back
    need.refresh_from_db()
    assert (need.status, need.title, need.reference, need.consent_at) == (
        NeedStatus.DRAFT,
        need_post["title"],
        None,
        None,
    )


def test_returned_need_can_be_resubmitted_after_the_deadline(client, need_post, current_call):
    client.post(CREATE, need_post)
    need = Need.objects.get()
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.RETURNED)
    current_call.opens_at = timezone.now() - timedelta(days=30)
    current_call.deadline = timezone.now() - timedelta(days=1)
    current_call.save()
    response = client.post(reverse("needs:need_edit", args=[need.pk]), _draft(need_post, title="修订中"))
    need.refresh_from_db()
    assert (need.status, need.title) == (NeedStatus.RETURNED, "修订中")
    response = _submit(client, need_post, need, title="修订完成")
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.title, need.reference) == (NeedStatus.SUBMITTED, "修订完成", "JSHK-2026-0001")


# --- the rules of sections 2 and 3: failing and passing cases ---------------------

FAILING = [
    ({"field_l2": "01.01"}, "field_l2"),  # not a child of 02
    ({"field_l3": "02.02.01"}, "field_l3"),  # not a child of 02.01
    ({"field_l3": ""}, "field_l3"),  # 02.01 has third levels
    ({"total_investment": "100"}, "total_investment"),  # below intended 500
    ({"intended_investment": "-1"}, "intended_investment"),
    ({"has_intended_partner": "True", "intended_partner_name": ""}, "intended_partner_name"),
    ({"has_intended_partner": ""}, "has_intended_partner"),
    ({"categories": []}, "categories"),
    ({"categories": ["nonsense"]}, "categories"),
    ({"cooperation_modes": []}, "cooperation_modes"),
    ({"consent_share_hk": ""}, "consent_share_hk"),
    ({"title": "x" * 201}, "title"),
    ({"description": ""}, "description"),
]


@pytest.mark.parametrize("change,field", FAILING)
def test_rule_fails_at_its_field(client, need_post, change, field):
    response = client.post(CREATE, {**need_post, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Need.objects.exists()


PASSING = [
    {"field_l1": "05", "field_l2": "05.04", "field_l3": ""},  # no third level exists
    {"field_l1": "07", "field_l2": "07.06", "field_l3": ""},
    {"total_investment": "500"},  # equal to intended
    {"has_intended_partner": "True", "intended_partner_name": "香港大学"},
    {"categories": ["patent"], "cooperation_modes": ["transfer", "new_entity"]},
]


@pytest.mark.parametrize("change", PASSING)
def test_rule_passes(client, need_post, change):
    response = client.post(CREATE, {**need_post, **change})
    assert response.status_code == 302, response.context["form"].errors
    assert Need.objects.get().status == NeedStatus.SUBMITTED


def test_partner_name_dropped_when_no_partner(client, need_post):
    client.post(CREATE, {**need_post, "has_intended_partner": "False", "intended_partner_name": "残留"})
    assert Need.objects.get().intended_partner_name == ""


def test_refresh_button_offers_next_level_and_keeps_input(client, need_post):
    data = {"title": "刷新测试", "field_l1": "05", "description": "保留", "action_refresh": "1"}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.errors
    assert {f.code for f in form.fields["field_l2"].queryset} >= {"05.04", "05.05"}
    body = response.content.decode()
    assert 'value="刷新测试"' in body and "保留" in body
    assert not Need.objects.exists()


# --- object-level access between two enterprises ------------------------------------


@pytest.mark.parametrize("name", ["need_detail", "need_edit", "need_withdraw", "need_xlsx"])
def test_other_enterprise_gets_404_and_changes_nothing(
    client, need_post, client_as, other_enterprise_user, name
):
    client.post(CREATE, need_post)
    need = Need.objects.get()
    other = client_as(other_enterprise_user)
    url = reverse(f"needs:{name}", args=[need.pk])
    assert other.get(url).status_code == 404
    assert other.post(url, {**need_post, "title": "被篡改"}).status_code == 404
    need.refresh_from_db()
    assert (need.title, need.status) == (need_post["title"], NeedStatus.SUBMITTED)


def test_colleague_of_same_enterprise_sees_the_need(client, need_post, new_enterprise_user, client_as):
    client.post(CREATE, need_post)
    new_enterprise_user.enterprise = Need.objects.get().enterprise
    new_enterprise_user.save()
    assert client_as(new_enterprise_user).get(reverse("needs:enterprise_home")).status_code == 200


def test_dashboard_lists_needs_with_status_and_countdown(client, need_post):
    client.post(CREATE, need_post)
    body = client.get(reverse("needs:enterprise_home")).content.decode()
    assert "JSHK-2026-0001" in body and "已提交" in body and "距截止还有" in body
