"""Malformed query parameters and out-of-range call dates are form errors the
staff see, never a server error."""

import pytest
from django.urls import reverse

from needs.models import Call, Shortlist

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["call=abc", "call=999999", "call=1.5"])
@pytest.mark.parametrize("page", ["needs:staff_home", "needs:staff_shortlist", "needs:staff_compare"])
def test_bad_call_parameter_shows_the_current_call_with_an_error(
    page, query, current_call, staff_user, client_as
):
    response = client_as(staff_user).get(f"{reverse(page)}?{query}")
    assert response.status_code == 200
    assert response.context["call"] == current_call
    shown = [str(m) for m in response.context["messages"]]
    assert any("征集批次" in text for text in shown), shown


def test_bad_shortlist_version_is_an_error_not_a_crash(current_call, staff_user, client_as):
    response = client_as(staff_user).get(
        f"{reverse('needs:staff_shortlist')}?call={current_call.pk}&version=%C2%B2"
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("版本" in text for text in shown), (shown, response.context["request"].GET)


def test_freezing_a_malformed_call_freezes_nothing(current_call, staff_user, client_as):
    response = client_as(staff_user).post(reverse("needs:staff_shortlist_freeze"), {"call": "abc"})
    assert response.status_code == 404
    assert not Shortlist.objects.filter(frozen_at__isnull=False).exists()


@pytest.mark.parametrize(
    "opens_at, deadline_date, event_date, year",
    [
        ("0001-01-01T00:00", "0001-01-05", "0001-02-01", "1"),
        ("9999-12-30T00:00", "9999-12-31", "9999-12-31", "9999"),
        ("2026-03-01T00:00", "9999-12-31", "", "2026"),
        ("2026-03-01T00:00", "2026-06-10", "", "0"),
    ],
)
def test_call_form_refuses_absurd_years(
    opens_at, deadline_date, event_date, year, staff_user, client_as, reference_data
):
    response = client_as(staff_user).post(
        reverse("needs:call_create"),
        {
            "title": "年份测试",
            "year": year,
            "opens_at": opens_at,
            "deadline_date": deadline_date,
            "event_date": event_date,
            "event_name": "对接会",
        },
    )
    assert response.status_code == 200
    assert "年份须在 2000 至 2100 之间。" in response.content.decode()
    assert not Call.objects.exists()


def test_call_form_still_saves_an_ordinary_call(staff_user, client_as, reference_data):
    response = client_as(staff_user).post(
        reverse("needs:call_create"),
        {
            "title": "2027年征集",
            "year": "2027",
            "opens_at": "2027-03-01T09:00",
            "deadline_date": "2027-06-10",
            "event_date": "2027-09-15",
            "event_name": "对接会",
        },
    )
    assert response.status_code == 302
    assert Call.objects.get().year == 2027
