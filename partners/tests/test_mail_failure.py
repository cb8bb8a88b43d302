"""Staff actions on an expression of interest succeed even when the mail
server refuses: the e-mails go through retried tasks queued after commit."""

import pytest
from django.urls import reverse

from needs.tests.test_mail_failure import ATTEMPTS
from partners.models import ContactRelease, ExpressionOfInterest, InterestStatus

pytestmark = pytest.mark.django_db


def test_ask_and_release_succeed_when_the_mail_server_fails(
    settings, client_as, hk_user, staff_user, consenting_need, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "needs.tests.test_mail_failure.RefusingBackend"
    ATTEMPTS.clear()
    client_as(hk_user).post(
        reverse("partners:hk_need_detail", kwargs={"pk": consenting_need.pk}),
        {"proposal": "联合开发", "questions": "数据规模？", "contact": "李博士"},
    )
    interest = ExpressionOfInterest.objects.get()
    staff = client_as(staff_user)
    url = reverse("partners:interest_detail", kwargs={"pk": interest.pk})
    with django_capture_on_commit_callbacks(execute=True):
        asked = staff.post(url, {"action": "ask", "question": "是否愿意洽谈？"})
    assert asked.status_code == 302
    interest.refresh_from_db()
    assert interest.status == InterestStatus.ASKED
    with django_capture_on_commit_callbacks(execute=True):
        released = staff.post(url, {"action": "release", "confirm": "on"})
    assert released.status_code == 302
    assert ContactRelease.objects.filter(need=consenting_need, partner=hk_user.partner).exists()
    assert ATTEMPTS, "no e-mail was tried"
