"""Development set-up: demo data and `setup_dev`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from needs.models import Call, Enterprise, Need, NeedStatus
from portal.models import Role, User

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_data_needs_the_reference_lists_first(settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="load_reference"):
        _demo()


def test_demo_data_is_refused_outside_development(settings, reference_data):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        _demo()


def test_demo_data_gives_an_open_call_submitted_needs_and_an_account_per_role(settings, reference_data):
    settings.DEBUG = True

    output = _demo()

    call = Call.objects.get(is_current=True)
    assert call.is_open()
    assert Need.objects.filter(call=call, status=NeedStatus.SUBMITTED).count() == 2
    assert all(need.reference.startswith(f"JSHK-{call.year}-") for need in Need.objects.all())
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.STAFF, Role.REVIEWER, Role.HK, Role.ENTERPRISE}
    for user in User.objects.all():
        assert user.email in output
        assert user.check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(email="hk@demo.local").partner is not None


def test_demo_data_loads_twice_without_duplicates(settings, reference_data):
    settings.DEBUG = True
    _demo()
    counts = (Call.objects.count(), Enterprise.objects.count(), Need.objects.count(), User.objects.count())

    _demo()

    assert (
        Call.objects.count(),
        Enterprise.objects.count(),
        Need.objects.count(),
        User.objects.count(),
    ) == counts


def test_a_demo_account_can_log_in_and_reach_its_pages(settings, reference_data, client):
    settings.DEBUG = True
    _demo()

    response = client.post(
        reverse("login"), {"username": "staff@demo.local", "password": settings.DEMO_PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("needs:staff_home")


def test_setup_dev_prepares_everything_in_one_command(settings):
    settings.DEBUG = True

    call_command("setup_dev", stdout=StringIO())

    assert Call.objects.filter(is_current=True).exists()
    assert User.objects.filter(email="admin@demo.local", is_superuser=True).exists()
