"""Screening workflow: every transition, its permissions, audit and e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from needs.errors import NeedError
from needs.models import DuplicateFlag, NeedStatus, ScreeningEvent, ScreeningReason
from needs.services.duplicates import need_flag_duplicates
from needs.services.screening import need_screen
from needs.workflow import TRANSITIONS, Actor
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

STAFF_STEPS = sorted(step for step, t in TRANSITIONS.items() if t.actor == Actor.STAFF)

S = NeedStatus


def _reason_for(to_status):
    transition = TRANSITIONS.get((S.SUBMITTED, to_status)) or TRANSITIONS.get((S.UNDER_REVIEW, to_status))
    if transition and transition.reasons:
        return transition.reasons[0], "请补充量化指标。"
    return "", ""


@pytest.mark.parametrize(("from_status", "to_status"), STAFF_STEPS)
def test_every_allowed_transition_is_recorded_and_audited(
    from_status, to_status, make_need, staff_user, enterprise_user, django_capture_on_commit_callbacks
):
    need = make_need(status=from_status)
    reason, message = _reason_for(to_status)
    with django_capture_on_commit_callbacks(execute=True):
        need_screen(
            actor=staff_user, need_id=need.pk, to_status=to_status, reason_code=reason, message=message
        )
    need.refresh_from_db()
    assert need.status == to_status
    event = ScreeningEvent.objects.get(need=need)
    assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, staff_user)
    entry = AuditEntry.objects.get(object_id=str(need.pk), object_type="needs.need")
    assert entry.actor == staff_user and entry.data["to"] == to_status
    notified = to_status in (S.RETURNED, S.ACCEPTED, S.NOT_SELECTED)
    assert len(mail.outbox) == (1 if notified else 0)
    if notified:
        assert mail.outbox[0].to == [enterprise_user.email]
        assert need.title in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a in S.values for b in S.values if (a, b) not in STAFF_STEPS],
)
def test_transitions_outside_the_table_raise_a_domain_error(from_status, to_status, make_need, staff_user):
    need = make_need(status=from_status)
    with pytest.raises(NeedError) as error:
        need_screen(actor=staff_user, need_id=need.pk, to_status=to_status, reason_code="other", message="x")
    assert "不能将需求从" in error.value.message
    need.refresh_from_db()
    assert need.status == from_status
    assert not ScreeningEvent.objects.exists()


def test_return_needs_a_reason_and_a_message(make_need, staff_user):
    need = make_need()
    with pytest.raises(NeedError, match="原因"):
        need_screen(actor=staff_user, need_id=need.pk, to_status=S.RETURNED)
    with pytest.raises(NeedError, match="原因"):
        need_screen(
            actor=staff_user, need_id=need.pk, to_status=S.RETURNED, reason_code=ScreeningReason.DUPLICATE
        )
    with pytest.raises(NeedError, match="说明"):
        need_screen(
            actor=staff_user, need_id=need.pk, to_status=S.RETURNED, reason_code=ScreeningReason.UNCLEAR
        )
    need.refresh_from_db()
    assert need.status == S.SUBMITTED


def test_not_selected_other_needs_a_note(make_need, staff_user):
    need = make_need()
    with pytest.raises(NeedError, match="说明"):
        need_screen(
            actor=staff_user, need_id=need.pk, to_status=S.NOT_SELECTED, reason_code=ScreeningReason.OTHER
        )
    need_screen(
        actor=staff_user, need_id=need.pk, to_status=S.NOT_SELECTED, reason_code=ScreeningReason.IN_HOUSE
    )
    need.refresh_from_db()
    assert need.status == S.NOT_SELECTED


def test_reviewer_cannot_change_a_status(make_need, reviewer_user, client_as):
    need = make_need()
    with pytest.raises(NeedError):
        need_screen(actor=reviewer_user, need_id=need.pk, to_status=S.ACCEPTED)
    response = client_as(reviewer_user).post(
        reverse("needs:staff_need_screen", args=[need.pk]), {"to_status": S.ACCEPTED}
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.status == S.SUBMITTED


def test_staff_screens_through_the_page(make_need, staff_user, client_as, enterprise_user):
    need = make_need()
    client = client_as(staff_user)
    page = client.get(reverse("needs:staff_need_detail", args=[need.pk]))
    assert "screening-form" in page.content.decode() or "审核决定" in page.content.decode()
    response = client.post(
        reverse("needs:staff_need_screen", args=[need.pk]),
        {"to_status": S.RETURNED, "reason_code": ScreeningReason.NO_TARGET, "message": "请给出检测周期目标"},
        follow=True,
    )
    need.refresh_from_db()
    assert need.status == S.RETURNED
    assert "请给出检测周期目标" in response.content.decode()


def test_e_mail_goes_out_in_the_enterprise_users_language(
    make_need, staff_user, enterprise_user, django_capture_on_commit_callbacks
):
    enterprise_user.language = "zh-hant"
    enterprise_user.save()
    need = make_need()
    with django_capture_on_commit_callbacks(execute=True):
        need_screen(
            actor=staff_user,
            need_id=need.pk,
            to_status=S.NOT_SELECTED,
            reason_code=ScreeningReason.OUT_OF_SCOPE,
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [enterprise_user.email]


def test_duplicates_are_flagged_within_and_across_enterprises(make_need, other_enterprise):
    text = "面向肿瘤类器官的高通量药敏检测平台，要求培养成功率不低于百分之七十，检测周期不超过十四天。"
    original = make_need(title="类器官药敏平台", description=text)
    copy = make_need(title="类器官药敏平台", description=text + "谢谢")
    across = make_need(enterprise=other_enterprise, title="类器官药敏平台", description=text)
    unrelated = make_need(title="锂电池隔膜涂覆工艺", description="隔膜涂覆均匀性提升，厚度偏差小于一微米。")
    need_flag_duplicates(need_id=across.pk)
    flags = {(f.other_id, f.same_enterprise) for f in DuplicateFlag.objects.filter(need=across)}
    assert flags == {(original.pk, False), (copy.pk, False)}
    need_flag_duplicates(need_id=copy.pk)
    assert (original.pk, True) in {
        (f.other_id, f.same_enterprise) for f in DuplicateFlag.objects.filter(need=copy)
    }
    need_flag_duplicates(need_id=unrelated.pk)
    assert not DuplicateFlag.objects.filter(need=unrelated).exists()


def test_screening_form_preselects_no_decision(make_need, staff_user, client_as):
    # With the first transition preselected, "确认" on an untouched form would move the need.
    need = make_need(status=S.ACCEPTED)
    client = client_as(staff_user)
    page = client.get(reverse("needs:staff_need_detail", args=[need.pk])).content.decode()
    assert '<option value="" selected>---------</option>' in page
    assert reverse("matching:need_matches", args=[need.pk]) in page
    response = client.post(reverse("needs:staff_need_screen", args=[need.pk]), {"to_status": ""}, follow=True)
    assert "请选择有效的审核决定。" in response.content.decode()
    need.refresh_from_db()
    assert need.status == S.ACCEPTED
