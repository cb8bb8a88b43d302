"""The expression-of-interest lifecycle: submit, ask, release, decline, expire."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services, tasks
from partners.models import ContactRelease, ExpressionOfInterest, InterestStatus
from partners.tests.conftest import MARKERS, consent_to_release
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

ANSWERS = {
    "proposal": "联合开发检测算法",
    "questions": "现有数据规模？",
    "contact": "李博士 liaison@hku.example.hk",
}


def _submit(client, need):
    return client.post(reverse("partners:hk_need_detail", kwargs={"pk": need.pk}), ANSWERS)


def test_hk_user_expresses_interest(client_as, hk_user, secret_need):
    response = _submit(client_as(hk_user), secret_need)
    assert response.status_code == 302
    interest = ExpressionOfInterest.objects.get()
    assert interest.partner == hk_user.partner and interest.status == InterestStatus.PENDING
    assert interest.proposal == ANSWERS["proposal"] and interest.contact == ANSWERS["contact"]
    assert abs((interest.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    page = client_as(hk_user).get(reverse("partners:hk_interests")).content.decode()
    assert secret_need.title in page and "待处理" in page


def test_second_open_interest_is_refused(client_as, hk_user, secret_need):
    client = client_as(hk_user)
    _submit(client, secret_need)
    response = client.post(
        reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk}), ANSWERS, follow=True
    )
    assert "已就该需求提交过意向" in response.content.decode()
    assert ExpressionOfInterest.objects.count() == 1


def test_interest_in_unpublished_need_is_404(client_as, hk_user, secret_need):
    secret_need.consent_share_hk = False
    secret_need.save()
    assert _submit(client_as(hk_user), secret_need).status_code == 404
    assert not ExpressionOfInterest.objects.exists()


def test_an_institution_never_sees_another_institutions_expressions(
    client_as, hk_user, other_hk_user, secret_need
):
    _submit(client_as(hk_user), secret_need)
    client = client_as(other_hk_user)
    assert ANSWERS["proposal"] not in client.get(reverse("partners:hk_interests")).content.decode()
    detail = client.get(reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk})).content.decode()
    assert "待处理" not in detail and 'id="interest-form"' in detail


def test_staff_ask_then_release(
    client_as,
    hk_user,
    other_hk_user,
    staff_user,
    enterprise_user,
    consenting_need,
    django_capture_on_commit_callbacks,
):
    secret_need = consenting_need
    _submit(client_as(hk_user), secret_need)
    interest = ExpressionOfInterest.objects.get()
    staff = client_as(staff_user)
    queue = staff.get(reverse("partners:interest_queue")).content.decode()
    assert secret_need.title in queue and MARKERS["name"] in queue  # staff see who the enterprise is
    url = reverse("partners:interest_detail", kwargs={"pk": interest.pk})
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"action": "ask", "question": "是否愿意与香港大学洽谈？"})
    interest.refresh_from_db()
    assert interest.status == InterestStatus.ASKED
    assert mail.outbox[-1].to == [MARKERS["contact_email"]]
    assert "是否愿意与香港大学洽谈" in mail.outbox[-1].body

    # Releasing is never one click: without the confirmation nothing happens.
    staff.post(url, {"action": "release"})
    interest.refresh_from_db()
    assert interest.status == InterestStatus.ASKED and not ContactRelease.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"action": "release", "confirm": "on"})
    interest.refresh_from_db()
    assert interest.status == InterestStatus.RELEASED and interest.decided_by == staff_user
    release = ContactRelease.objects.get()
    assert (release.need, release.partner, release.released_by) == (secret_need, hk_user.partner, staff_user)
    assert AuditEntry.objects.filter(action="contacts.release", actor=staff_user).exists()

    hk_detail = client_as(hk_user).get(reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk}))
    assert MARKERS["contact_email"] in hk_detail.content.decode()
    other = client_as(other_hk_user).get(reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk}))
    assert MARKERS["contact_email"] not in other.content.decode()


def test_enterprise_sees_the_released_institution_contact(
    client_as, staff_user, enterprise_user, current_call, hk_user
):
    from partners.tests.conftest import make_need

    need = make_need(enterprise_user.enterprise, current_call, title="自有需求", consent_contact_release=True)
    services.contacts_release(actor=staff_user, need_id=need.pk, partner_id=hk_user.partner_id)
    page = client_as(enterprise_user).get(reverse("partners:enterprise_contacts")).content.decode()
    assert "partner-private@example.hk" in page and "自有需求" in page


def test_other_enterprise_does_not_see_the_contact(
    client_as, staff_user, enterprise_user, other_enterprise_user, current_call, hk_user
):
    from partners.tests.conftest import make_need

    need = make_need(enterprise_user.enterprise, current_call, title="自有需求", consent_contact_release=True)
    services.contacts_release(actor=staff_user, need_id=need.pk, partner_id=hk_user.partner_id)
    page = client_as(other_enterprise_user).get(reverse("partners:enterprise_contacts")).content.decode()
    assert "partner-private@example.hk" not in page


def test_staff_decline_with_reason(client_as, hk_user, staff_user, consenting_need):
    secret_need = consenting_need
    _submit(client_as(hk_user), secret_need)
    interest = ExpressionOfInterest.objects.get()
    url = reverse("partners:interest_detail", kwargs={"pk": interest.pk})
    client_as(staff_user).post(url, {"action": "decline", "reason": ""})
    interest.refresh_from_db()
    assert interest.status == InterestStatus.PENDING  # a reason is required
    client_as(staff_user).post(url, {"action": "decline", "reason": "企业已找到合作方"})
    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED and interest.decline_reason == "企业已找到合作方"
    page = client_as(hk_user).get(reverse("partners:hk_interests")).content.decode()
    assert "已婉拒" in page and "企业已找到合作方" in page
    assert not ContactRelease.objects.exists()
    # A closed expression cannot be released afterwards.
    client_as(staff_user).post(url, {"action": "release", "confirm": "on"})
    assert not ContactRelease.objects.exists()
    # The institution may try again.
    _submit(client_as(hk_user), secret_need)
    assert ExpressionOfInterest.objects.filter(status=InterestStatus.PENDING).count() == 1


def test_pending_interests_expire_idempotently(
    client_as, hk_user, other_hk_user, staff_user, secret_need, settings
):
    _submit(client_as(hk_user), secret_need)
    _submit(client_as(other_hk_user), secret_need)
    old, fresh = ExpressionOfInterest.objects.order_by("partner__name_en")
    ExpressionOfInterest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_interests.delay().get() == 1
    assert tasks.expire_interests.delay().get() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == InterestStatus.EXPIRED and fresh.status == InterestStatus.PENDING
    # Far in the future everything open expires.
    later = timezone.now() + timedelta(days=settings.INTEREST_EXPIRY_DAYS + 1)
    assert services.interests_expire(now=later) == 1
    assert ExpressionOfInterest.objects.filter(status=InterestStatus.EXPIRED).count() == 2


def test_introduction_record_feeds_the_release_flow(staff_user, hk_user, secret_need):
    consent_to_release(secret_need)
    first = services.introduction_record(
        actor=staff_user, need_id=secret_need.pk, partner_id=hk_user.partner_id
    )
    again = services.introduction_record(
        actor=staff_user, need_id=secret_need.pk, partner_id=hk_user.partner_id
    )
    assert first.pk == again.pk and first.source == "match" and first.status == InterestStatus.PENDING
    release = services.interest_release(actor=staff_user, interest=first)
    assert release.source == "match" and release.partner_id == hk_user.partner_id
