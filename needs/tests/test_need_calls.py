"""Staff manage calls: the notice's "6月10日前" becomes a configurable moment."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from needs.models import Call
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _data(**changes) -> dict:
    return {
        "title": "2027年征集",
        "year": "2027",
        "description": "重点征集生物医药和人工智能",
        "focus_fields": ["01", "02"],
        "opens_at": "2027-05-01T09:00",
        "deadline_date": "2027-06-10",
        "deadline_time": "",
        "event_name": "苏港产学研合作对接交流会",
        "event_date": "2027-09-15",
        **changes,
    }


def test_deadline_defaults_to_the_end_of_the_day_in_shanghai(client_as, staff_user, reference_data):
    response = client_as(staff_user).post(reverse("needs:call_create"), _data())
    assert response.status_code == 302
    call = Call.objects.get(title="2027年征集")
    local = timezone.localtime(call.deadline)
    assert (local.date().isoformat(), local.time()) == ("2027-06-10", time(23, 59, 59))
    assert str(local.tzinfo) == "Asia/Shanghai"
    assert set(call.focus_fields.values_list("code", flat=True)) == {"01", "02"}
    assert AuditEntry.objects.filter(action="call.create", actor=staff_user).exists()


def test_deadline_time_can_be_set(client_as, staff_user, reference_data):
    client_as(staff_user).post(reverse("needs:call_create"), _data(deadline_time="17:00:00"))
    local = timezone.localtime(Call.objects.get(title="2027年征集").deadline)
    assert local.time() == time(17, 0)


def test_deadline_must_follow_opening(client_as, staff_user, reference_data):
    response = client_as(staff_user).post(reverse("needs:call_create"), _data(deadline_date="2027-04-01"))
    assert "deadline_date" in response.context["form"].errors
    assert not Call.objects.filter(title="2027年征集").exists()


def test_one_current_call(client_as, staff_user, current_call):
    other = Call.objects.create(
        title="旧批次",
        year=2025,
        opens_at=timezone.make_aware(datetime(2025, 5, 1)),
        deadline=timezone.make_aware(datetime(2025, 6, 10, 23, 59, 59)),
    )
    response = client_as(staff_user).post(reverse("needs:call_set_current", args=[other.pk]))
    assert response.status_code == 302
    current_call.refresh_from_db()
    other.refresh_from_db()
    assert other.is_current and not current_call.is_current
    assert AuditEntry.objects.filter(action="call.set_current").count() == 1


def test_edit_keeps_the_deadline_moment(client_as, staff_user, current_call):
    client = client_as(staff_user)
    response = client.get(reverse("needs:call_edit", args=[current_call.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    form = response.context["form"]
    assert form.initial["deadline_date"] == timezone.localtime(current_call.deadline).date()
    # Date inputs need ISO values whatever the language, or they show empty.
    day = timezone.localtime(current_call.deadline).date().isoformat()
    assert f'name="deadline_date" value="{day}"' in response.content.decode()
    page = client.get(reverse("needs:calls_list")).content.decode()
    assert current_call.title in page


def test_enterprise_cannot_create_calls(client_as, enterprise_user, reference_data):
    assert client_as(enterprise_user).post(reverse("needs:call_create"), _data()).status_code == 403
    assert not Call.objects.filter(title="2027年征集").exists()
