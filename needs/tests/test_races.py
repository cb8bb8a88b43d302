"""Two requests for the same thing at once: the loser gets a form message,
never a server error, and nothing either of them did is lost."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from needs.models import Enterprise, NeedStatus, Shortlist, ShortlistEntry
from needs.services import submission
from needs.services.shortlist import shortlist_add, shortlist_freeze
from needs.views import enterprise as enterprise_views

PROFILE_URL = reverse("needs:enterprise_profile")


@pytest.mark.django_db
def test_a_credit_code_taken_after_the_forms_check_is_refused_at_the_field(
    client_as, new_enterprise_user, profile_post, monkeypatch
):
    real_save = submission.enterprise_save

    def other_request_wins(*, user, enterprise):
        # Another enterprise registers the same code between the check and the save.
        Enterprise.objects.create(name="先到的企业", credit_code=enterprise.credit_code)
        return real_save(user=user, enterprise=enterprise)

    monkeypatch.setattr(enterprise_views.submission, "enterprise_save", other_request_wins)

    response = client_as(new_enterprise_user).post(PROFILE_URL, profile_post)

    assert response.status_code == 200
    form = response.context["form"]
    assert "该信用代码的企业已在平台注册" in form.errors["credit_code"][0]
    assert 'value="江苏丙科技有限公司"' in response.content.decode()  # what was typed is kept
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise_id is None
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["先到的企业"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_adding_right_after_a_freeze_share_one_new_version(make_need, staff_user, current_call):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    first = make_need(status=NeedStatus.ACCEPTED, title="已入选")
    shortlist_add(actor=staff_user, need_id=first.pk, justification="首批")
    shortlist_freeze(actor=staff_user, call_id=current_call.pk)
    needs = [make_need(status=NeedStatus.ACCEPTED, title=f"新增{i}") for i in range(4)]
    start = threading.Barrier(len(needs))
    errors: list[Exception] = []

    def add(need_id):
        try:
            start.wait()
            shortlist_add(actor=staff_user, need_id=need_id, justification="冻结后补充")
        except Exception as error:  # noqa: BLE001 - any failure is reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(n.pk,)) for n in needs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = list(Shortlist.objects.filter(call=current_call).order_by("version"))
    assert [(v.version, v.frozen_at is not None) for v in versions] == [(1, True), (2, False)]
    open_version = versions[-1]
    titles = set(ShortlistEntry.objects.filter(shortlist=open_version).values_list("need__title", flat=True))
    assert titles == {"已入选", "新增0", "新增1", "新增2", "新增3"}
