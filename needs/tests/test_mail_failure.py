"""A mail server that refuses does not turn a submitted need into an error
page: the receipt is sent by a retried task, queued after the commit."""

from smtplib import SMTPException

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from needs.models import Need, NeedStatus

pytestmark = pytest.mark.django_db

ATTEMPTS: list[int] = []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        ATTEMPTS.append(len(email_messages))
        raise SMTPException("550 mail server says no")


@pytest.fixture(autouse=True)
def _no_matching(monkeypatch):
    monkeypatch.setattr("matching.services.need_schedule_scoring", lambda *, need_id: None)


def test_submission_succeeds_when_the_mail_server_fails(
    settings, client_as, enterprise_user, current_call, need_post, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "needs.tests.test_mail_failure.RefusingBackend"
    ATTEMPTS.clear()
    client = client_as(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:need_create"), need_post)
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:need_detail", args=[need.pk])
    assert need.status == NeedStatus.SUBMITTED and need.reference
    assert ATTEMPTS, "the receipt was never tried"
    page = client.get(response["Location"]).content.decode()
    assert need.reference in page


def test_receipt_task_is_retried_on_smtp_errors():
    from needs.tasks import send_need_receipt

    assert SMTPException in send_need_receipt.autoretry_for
    assert send_need_receipt.max_retries and send_need_receipt.time_limit


def test_screening_decision_succeeds_when_the_mail_server_fails(
    settings, make_need, staff_user, enterprise_user, client_as, django_capture_on_commit_callbacks
):
    from needs.models import ScreeningReason

    settings.EMAIL_BACKEND = "needs.tests.test_mail_failure.RefusingBackend"
    ATTEMPTS.clear()
    need = make_need()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("needs:staff_need_screen", args=[need.pk]),
            {"to_status": NeedStatus.RETURNED, "reason_code": ScreeningReason.NO_TARGET, "message": "请补充"},
        )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.RETURNED
    assert ATTEMPTS, "the notice was never tried"
