"""Contacts go out only with the enterprise's consent: staff see the consent next
to every release button, release only after confirming, and an enterprise that
said no may say yes later (recorded with its time and wording version). The
Hong Kong "my interests" page shows a need as it was published."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from needs.models import Need, NeedStatus, ScreeningReason
from needs.services import submission as need_services
from needs.services.screening import need_screen
from partners.models import ContactRelease, ExpressionOfInterest, InterestStatus
from partners.tests.conftest import MARKERS, NEVER_RELEASED, make_need
from portal.models import AuditEntry, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_owner(secret_enterprise) -> User:
    """An enterprise user of the marker enterprise."""
    return User.objects.create_user(
        email="owner@secret-enterprise.example",
        password="Correct-Horse-42",
        role=Role.ENTERPRISE,
        enterprise=secret_enterprise,
    )


@pytest.fixture
def interest(hk_user, secret_need) -> ExpressionOfInterest:
    return ExpressionOfInterest.objects.create(
        need=secret_need,
        partner=hk_user.partner,
        created_by=hk_user,
        proposal="联合开发",
        expires_at=timezone.now() + timedelta(days=30),
    )


def _detail_url(interest) -> str:
    return reverse("partners:interest_detail", kwargs={"pk": interest.pk})


# --- staff pages -------------------------------------------------------------------


def test_staff_page_shows_no_consent_and_offers_no_release(client_as, staff_user, interest):
    page = client_as(staff_user).get(_detail_url(interest)).content.decode()
    assert 'id="contact-consent"' in page and "未同意" in page
    assert 'id="release-form"' not in page and 'id="release-blocked"' in page
    # "Ask the enterprise" is offered instead, with a question about consent ready.
    assert 'id="ask-form"' in page and "我同意提供联系方式" in page


def test_staff_release_without_consent_is_refused(client_as, staff_user, hk_user, interest, secret_need):
    response = client_as(staff_user).post(
        _detail_url(interest), {"action": "release", "confirm": "on"}, follow=True
    )
    assert "该企业未同意向香港机构提供联系方式，请先询问企业" in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == InterestStatus.PENDING and interest.decided_by is None
    assert not ContactRelease.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["contacts.release", "interest.release"]).exists()
    hk_page = client_as(hk_user).get(reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk}))
    assert MARKERS["contact_email"] not in hk_page.content.decode()


def test_staff_page_with_consent_asks_for_confirmation(client_as, staff_user, interest, consenting_need):
    staff = client_as(staff_user)
    page = staff.get(_detail_url(interest)).content.decode()
    assert "已同意" in page and consenting_need.contact_consent_version in page
    assert 'id="release-form"' in page and 'name="confirm"' in page
    response = staff.post(_detail_url(interest), {"action": "release"}, follow=True)
    assert "请勾选确认" in response.content.decode()
    assert not ContactRelease.objects.exists()
    staff.post(_detail_url(interest), {"action": "release", "confirm": "on"})
    assert ContactRelease.objects.filter(need=consenting_need, partner=interest.partner).exists()


def test_queue_shows_the_consent_of_each_need(client_as, staff_user, interest, other_hk_user, current_call):
    agreed = make_need(
        interest.need.enterprise, current_call, title="同意交换的需求", consent_contact_release=True
    )
    ExpressionOfInterest.objects.create(
        need=agreed, partner=other_hk_user.partner, expires_at=timezone.now() + timedelta(days=30)
    )
    page = client_as(staff_user).get(reverse("partners:interest_queue")).content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr>")[2:]}
    assert "未同意" in rows["芯片封装数据分析平台"] and "已同意" not in rows["芯片封装数据分析平台"]
    assert "已同意" in rows["同意交换的需求"]


def test_match_review_shows_the_consent(client_as, staff_user, secret_need):
    url = reverse("matching:need_matches", kwargs={"pk": secret_need.pk})
    assert "企业未同意提供联系方式" in client_as(staff_user).get(url).content.decode()
    Need.objects.filter(pk=secret_need.pk).update(consent_contact_release=True)
    assert "企业已同意提供联系方式" in client_as(staff_user).get(url).content.decode()


# --- the enterprise says yes later ---------------------------------------------------


def test_enterprise_gives_consent_later_then_release_works(
    client_as, secret_owner, staff_user, hk_user, interest, secret_need
):
    client = client_as(secret_owner)
    detail_url = reverse("needs:need_detail", kwargs={"pk": secret_need.pk})
    page = client.get(detail_url).content.decode()
    assert "未同意提供联系方式" in page and 'id="give-contact-consent"' in page

    before = timezone.now()
    response = client.post(reverse("needs:need_contact_consent", kwargs={"pk": secret_need.pk}))
    assert response.status_code == 302
    secret_need.refresh_from_db()
    assert secret_need.consent_contact_release is True
    assert before <= secret_need.contact_consent_at <= timezone.now()
    assert secret_need.contact_consent_version == settings.CONSENT_VERSION
    entry = AuditEntry.objects.get(action="need.contact_consent")
    assert entry.actor == secret_owner
    page = client.get(detail_url).content.decode()
    assert "已同意提供联系方式" in page and 'id="give-contact-consent"' not in page

    # Saying yes again changes nothing (same moment, one audit entry).
    stamped = secret_need.contact_consent_at
    client.post(reverse("needs:need_contact_consent", kwargs={"pk": secret_need.pk}))
    secret_need.refresh_from_db()
    assert secret_need.contact_consent_at == stamped
    assert AuditEntry.objects.filter(action="need.contact_consent").count() == 1

    client_as(staff_user).post(_detail_url(interest), {"action": "release", "confirm": "on"})
    assert ContactRelease.objects.filter(need=secret_need, partner=hk_user.partner).exists()
    hk_page = client_as(hk_user).get(reverse("partners:hk_need_detail", kwargs={"pk": secret_need.pk}))
    text = hk_page.content.decode()
    assert MARKERS["contact_name"] in text and MARKERS["name"] in text
    assert not [name for name, marker in NEVER_RELEASED.items() if marker in text]


def test_another_enterprise_cannot_consent_for_the_need(
    client_as, other_enterprise_user, hk_user, secret_need
):
    url = reverse("needs:need_contact_consent", kwargs={"pk": secret_need.pk})
    assert client_as(other_enterprise_user).post(url).status_code == 404
    assert client_as(hk_user).post(url).status_code == 403
    secret_need.refresh_from_db()
    assert secret_need.consent_contact_release is False and secret_need.contact_consent_at is None


def test_submission_records_the_consent_time_and_version(secret_owner, secret_need, current_call):
    Need.objects.filter(pk=secret_need.pk).update(status=NeedStatus.SUBMITTED)
    common = {
        "user": secret_owner,
        "enterprise": secret_owner.enterprise,
        "call": current_call,
        "need_id": secret_need.pk,
        "fields": {},
        "consent_share_hk": True,
    }
    need = need_services.need_submit(**common, consent_contact_release=True)
    assert need.consent_contact_release is True
    assert need.contact_consent_at is not None
    assert need.contact_consent_version == settings.CONSENT_VERSION
    # Withdrawing the consent on a later submission clears it.
    need = need_services.need_submit(**common, consent_contact_release=False)
    need.refresh_from_db()
    assert need.consent_contact_release is False and need.contact_consent_at is None


# --- the published snapshot ----------------------------------------------------------


def test_hk_interests_show_the_need_as_published(
    client_as, staff_user, secret_owner, hk_user, secret_enterprise, current_call
):
    need = make_need(secret_enterprise, current_call, status=NeedStatus.SUBMITTED, title="已发布的标题")
    need_screen(actor=staff_user, need_id=need.pk, to_status=NeedStatus.ACCEPTED)
    need.refresh_from_db()
    assert need.published_snapshot["title"] == "已发布的标题"
    assert "MK" not in str(need.published_snapshot)  # no enterprise field in the snapshot
    ExpressionOfInterest.objects.create(
        need=need, partner=hk_user.partner, expires_at=timezone.now() + timedelta(days=30)
    )
    # Staff reopen and return it; the enterprise edits the title.
    need_screen(actor=staff_user, need_id=need.pk, to_status=NeedStatus.UNDER_REVIEW)
    need_screen(
        actor=staff_user,
        need_id=need.pk,
        to_status=NeedStatus.RETURNED,
        reason_code=ScreeningReason.UNCLEAR,
        message="请补充指标",
    )
    need_services.need_save_draft(
        user=secret_owner,
        enterprise=secret_enterprise,
        call=current_call,
        need_id=need.pk,
        fields={"title": "企业改过的标题"},
    )
    need.refresh_from_db()
    assert need.title == "企业改过的标题"
    page = client_as(hk_user).get(reverse("partners:hk_interests")).content.decode()
    assert "已发布的标题" in page and "企业改过的标题" not in page
