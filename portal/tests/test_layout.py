"""The base layout, the home page and the three languages, as visitors see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from needs.models import Call
from portal.templatetags.portal_tags import countdown

pytestmark = pytest.mark.django_db

ROLE_LINKS = {
    "enterprise": reverse("needs:enterprise_home"),
    "staff": reverse("needs:staff_home"),
    "review": reverse("needs:review_home"),
    "hk": reverse("partners:hk_home"),
    "invite": reverse("invite"),
    "admin": reverse("admin:index"),
}
SEES = {
    None: set(),
    "enterprise_user": {"enterprise"},
    "staff_user": {"staff"},
    "reviewer_user": {"review"},
    "hk_user": {"hk"},
    "admin_user": {"staff", "invite", "admin"},
}


def _links(html: str) -> set[str]:
    return {name for name, url in ROLE_LINKS.items() if f'href="{url}"' in html}


@pytest.mark.parametrize("persona", list(SEES), ids=lambda p: p or "anonymous")
def test_the_menu_offers_each_role_its_own_pages_only(request, client_as, persona):
    user = request.getfixturevalue(persona) if persona else None

    html = client_as(user).get(reverse("home")).content.decode()

    assert _links(html) == SEES[persona]
    signed_in = user is not None
    assert (f'href="{reverse("login")}"' in html) is not signed_in
    assert (f'action="{reverse("logout")}"' in html) is signed_in


def test_home_shows_the_current_call_with_its_deadline_and_focus_fields(client, current_call):
    html = client.get(reverse("home")).content.decode()

    assert current_call.title in html
    local_deadline = timezone.localtime(current_call.deadline)
    assert local_deadline.strftime("%Y-%m-%d %H:%M") in html
    assert "距截止还有 19 天" in html or "距截止还有 20 天" in html
    for field in current_call.focus_fields.all():
        assert field.name_zh in html


def test_home_without_a_current_call_says_so(client, current_call):
    Call.objects.update(is_current=False)

    html = client.get(reverse("home")).content.decode()

    assert "目前没有开放的征集批次" in html
    assert current_call.title not in html


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "已截止"),
        (0, "已截止"),
        (-5, "已截止"),
        (59, "距截止还有 0 小时 0 分钟"),
        (3 * 3600 + 25 * 60, "距截止还有 3 小时 25 分钟"),
        (2 * 86400 + 5 * 3600 + 59, "距截止还有 2 天 5 小时"),
    ],
)
def test_countdown_text(seconds, text):
    with translation.override("zh-hans"):
        assert countdown(seconds) == text


def test_countdown_in_english():
    with translation.override("en"):
        assert countdown(int(timedelta(days=3, hours=1).total_seconds())) == "3 days 1 hours left"


# --- languages -------------------------------------------------------------------------

TITLES = {
    "zh-hans": "苏港技术合作需求对接平台",
    "zh-hant": "蘇港技術合作需求對接平台",
    "en": "Jiangsu–Hong Kong Technology Cooperation Portal",
}


def test_the_default_language_is_simplified_chinese(client):
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="zh-hans">' in html
    assert TITLES["zh-hans"] in html


@pytest.mark.parametrize("language", ["zh-hant", "en", "zh-hans"])
def test_the_language_switcher_changes_every_page(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("login")})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    html = client.get(reverse("login")).content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<title>{TITLES[language]}" in html or TITLES[language] in html
    assert f'<option value="{language}" lang="{language}" selected>' in html


def test_the_switcher_lists_the_three_languages_in_their_own_names(client):
    html = client.get(reverse("home")).content.decode()

    for code, name in (("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")):
        assert f'<option value="{code}"' in html and name in html


@pytest.mark.parametrize(
    ("accept", "language"),
    [("zh-HK,zh;q=0.9", "zh-hant"), ("zh-TW", "zh-hant"), ("zh-CN", "zh-hans"), ("en-GB,en;q=0.8", "en")],
)
def test_a_first_visit_follows_the_browsers_language(client, accept, language):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    assert f'<html lang="{language}">' in html
    assert TITLES[language] in html


def test_traditional_chinese_uses_hong_kong_wording(client):
    client.post(reverse("set_language"), {"language": "zh-hant"})

    html = client.get(reverse("home")).content.decode()

    assert ">登入<" in html  # not the mainland 登錄
    assert "企業註冊" in html


def test_form_labels_and_errors_are_translated(client):
    client.post(reverse("set_language"), {"language": "en"})

    response = client.post(
        reverse("register"), {"email": "x@example.com", "password1": "a", "password2": "b"}
    )

    html = response.content.decode()
    assert "Confirm password" in html
    assert "The two passwords do not match." in html


def test_the_javascript_catalog_is_served(client):
    response = client.get(reverse("javascript-catalog"))

    assert response.status_code == 200
    assert "django.gettext" in response.content.decode()


def test_unknown_pages_show_the_portals_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
