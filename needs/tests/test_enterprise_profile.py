"""Section 1: the enterprise profile, its rules and who may change it."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from needs.models import Enterprise
from portal.models import Role, User

pytestmark = pytest.mark.django_db

URL = reverse("needs:enterprise_profile")


def _post(client, data, **changes):
    return client.post(URL, {**data, **changes})


def test_new_user_is_sent_to_create_the_profile(client_as, new_enterprise_user):
    response = client_as(new_enterprise_user).get(reverse("needs:enterprise_home"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_new_user_creates_the_profile(client_as, new_enterprise_user, profile_post):
    response = _post(client_as(new_enterprise_user), profile_post)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code="91321183799093948X")
    assert enterprise.division_id == "320576"
    assert enterprise.hitech_zone_other == "某某高新区"
    assert str(enterprise.revenue_last_year) == "1234.50"
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise == enterprise


# Each rule: the value that breaks it, the field the message appears at, a word of it.
RULES = [
    ({"credit_code": "914403001922038217"}, "credit_code", "校验位"),
    ({"credit_code": "91320000MA1K1L5X3"}, "credit_code", "18位"),
    ({"credit_code": "9132000060895O984X"}, "credit_code", "格式"),
    ({"founded_on": "2999-01-01"}, "founded_on", "晚于今天"),
    ({"rnd_staff": "121"}, "rnd_staff", "不能超过员工总数"),
    ({"hitech_zone": ""}, "hitech_zone", "高新区名称"),
    ({"hitech_zone": "other", "hitech_zone_other": ""}, "hitech_zone_other", "高新区名称"),
    ({"contact_phone": "85485892"}, "contact_phone", "区号"),
    ({"revenue_last_year": "12a"}, "revenue_last_year", "数"),
    ({"revenue_last_year": "-1"}, "revenue_last_year", "0"),
    ({"division": "999999"}, "division", ""),
    ({"contact_name": ""}, "contact_name", ""),
    ({"name": ""}, "name", ""),
]


@pytest.mark.parametrize("change,field,words", RULES)
def test_each_rule_gives_a_message_at_its_field_and_keeps_the_input(
    client_as, new_enterprise_user, profile_post, change, field, words
):
    response = _post(client_as(new_enterprise_user), profile_post, **change)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert words in " ".join(errors[field])
    # Everything typed comes back.
    assert "某某高新区" in response.content.decode() or field == "hitech_zone_other"
    assert "成立于2015年。" in response.content.decode()
    assert not Enterprise.objects.filter(name=profile_post["name"]).exists()


def test_passing_cases_of_the_conditional_rules(client_as, new_enterprise_user, profile_post):
    # Not in a zone: no zone name needed; R&D staff equal to employees is allowed;
    # a mobile number; founded today.
    response = _post(
        client_as(new_enterprise_user),
        profile_post,
        in_hitech_zone="False",
        hitech_zone="",
        hitech_zone_other="ignored",
        rnd_staff="120",
        contact_phone="15850535896",
        founded_on=timezone.localdate().isoformat(),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name=profile_post["name"])
    assert enterprise.in_hitech_zone is False
    assert enterprise.hitech_zone_other == ""
    assert enterprise.rnd_staff == 120


def test_zone_from_the_list(client_as, new_enterprise_user, profile_post):
    from needs.models import HiTechZone

    zone = HiTechZone.objects.first()
    _post(client_as(new_enterprise_user), profile_post, hitech_zone=str(zone.pk))
    assert Enterprise.objects.get(name=profile_post["name"]).hitech_zone == zone


def test_existing_credit_code_is_not_leaked(client_as, new_enterprise_user, enterprise, profile_post):
    response = _post(client_as(new_enterprise_user), profile_post, credit_code=enterprise.credit_code)
    body = response.content.decode()
    assert "已在平台注册" in body
    assert enterprise.name not in body
    assert Enterprise.objects.count() == 1


def test_soft_warning_for_the_organisation_code(client_as, new_enterprise_user, profile_post):
    from needs.validators import uscc_check_character

    body = "91110108717809965"
    response = _post(
        client_as(new_enterprise_user), profile_post, credit_code=body + uscc_check_character(body)
    )
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("GB 11714" in m for m in shown)


def test_user_edits_own_profile_only(client_as, enterprise_user, other_enterprise, profile_post):
    client = client_as(enterprise_user)
    data = {**profile_post, "credit_code": enterprise_user.enterprise.credit_code, "name": "甲企业新名称"}
    assert client.post(URL, data).status_code == 302
    enterprise_user.enterprise.refresh_from_db()
    assert enterprise_user.enterprise.name == "甲企业新名称"
    other_enterprise.refresh_from_db()
    assert other_enterprise.name == "江苏乙企业有限公司"


def test_cannot_take_another_enterprises_credit_code(
    client_as, enterprise_user, other_enterprise, profile_post
):
    response = client_as(enterprise_user).post(
        URL, {**profile_post, "credit_code": other_enterprise.credit_code}
    )
    assert "credit_code" in response.context["form"].errors
    enterprise_user.enterprise.refresh_from_db()
    assert enterprise_user.enterprise.credit_code == "913200001347585460"


NEUTRAL = "可以加入本企业，我们已向该邮箱发送邀请"


def _add_colleague(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("needs:enterprise_colleague_add"), {"email": email}, follow=True)


def test_adding_a_registered_colleague_only_invites_them(
    client_as, enterprise_user, new_enterprise_user, django_capture_on_commit_callbacks
):
    # The old form attached any registered account at once, without its owner.
    response = _add_colleague(
        client_as(enterprise_user), new_enterprise_user.email.upper(), django_capture_on_commit_callbacks
    )

    assert NEUTRAL in response.content.decode()
    new_enterprise_user.refresh_from_db()
    assert new_enterprise_user.enterprise is None
    assert [m.to for m in mail.outbox] == [[new_enterprise_user.email]]


def test_adding_an_unknown_colleague_creates_no_account(
    client_as, enterprise_user, django_capture_on_commit_callbacks
):
    # The old form created the account, so the address's owner could never register.
    response = _add_colleague(
        client_as(enterprise_user), "colleague@enta.example.com", django_capture_on_commit_callbacks
    )

    assert NEUTRAL in response.content.decode()
    assert not User.objects.filter(email="colleague@enta.example.com").exists()
    assert mail.outbox[-1].to == ["colleague@enta.example.com"]
    assert "/accounts/invitation/" in mail.outbox[-1].body


def test_the_answer_does_not_tell_which_addresses_have_accounts(
    client_as,
    enterprise_user,
    other_enterprise_user,
    new_enterprise_user,
    staff_user,
    django_capture_on_commit_callbacks,
):
    client = client_as(enterprise_user)
    pages = []
    for email in (
        "nobody@example.com",
        new_enterprise_user.email,
        other_enterprise_user.email,
        staff_user.email,
        enterprise_user.email,
    ):
        response = _add_colleague(client, email, django_capture_on_commit_callbacks)
        said = [str(message).replace(email, "EMAIL") for message in response.context["messages"]]
        pages.append((response.redirect_chain, said))

    assert all(NEUTRAL in said[0] for _, said in pages)
    assert all(page == pages[0] for page in pages)
    # Only the addresses that could join were written to.
    assert sorted(m.to[0] for m in mail.outbox) == [new_enterprise_user.email, "nobody@example.com"]
    other_enterprise_user.refresh_from_db()
    staff_user.refresh_from_db()
    assert other_enterprise_user.enterprise.name == "江苏乙企业有限公司"
    assert staff_user.enterprise is None and staff_user.role == Role.STAFF


def test_founding_yesterday_passes(client_as, new_enterprise_user, profile_post):
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert _post(client_as(new_enterprise_user), profile_post, founded_on=day).status_code == 302


def test_saved_founding_date_is_shown_in_the_date_input(client_as, enterprise_user):
    # <input type="date"> only accepts ISO dates; a localised "2015/03/01" shows an
    # empty required field and the browser refuses to save the profile again.
    enterprise_user.enterprise.founded_on = date(2015, 3, 1)
    enterprise_user.enterprise.save()
    page = client_as(enterprise_user).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'value="2015-03-01"' in page
