"""Site-wide HTTP rules: Content-Security-Policy, no caching of personal data,
and request bodies refused by size before anything reads them."""

import io
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db

FIVE_MB = 5 * 1024 * 1024


# --- Content-Security-Policy -------------------------------------------------------


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_pages_forbid_inline_scripts_and_foreign_origins(client, url):
    policy = _policy(client.get(url))

    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"


def test_logged_in_pages_carry_the_policy_too(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("needs:staff_home"), follow=True)

    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_have_no_inline_event_handlers(client, enterprise_user):
    client.force_login(enterprise_user)

    html = client.get(reverse("needs:enterprise_home"), follow=True).content.decode()

    assert "onchange=" not in html and "onclick=" not in html
    assert "js/portal.js" in html


# --- Cache-Control: no-store ---------------------------------------------------------


def test_pages_for_a_logged_in_user_are_not_stored(client, enterprise_user):
    client.force_login(enterprise_user)

    response = client.get(reverse("needs:enterprise_home"), follow=True)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_are_not_marked(client):
    response = client.get("/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_downloads_are_not_stored(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("partners:partner_export"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_a_download_is_not_stored_even_without_a_login():
    def download(request):
        response = HttpResponse(b"PK", content_type="application/vnd.ms-excel")
        response["Content-Disposition"] = 'attachment; filename="needs.xlsx"'
        return response

    request = RequestFactory().get("/x")
    request.user = AnonymousUser()

    response = NoStoreMiddleware(download)(request)

    assert "no-store" in response["Cache-Control"]


# --- request body limits -------------------------------------------------------------


class UnreadableBody(io.RawIOBase):
    """A request body that records whether anything tried to read it."""

    def __init__(self):
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return b"x" * (size if size and size > 0 else 1024)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def test_a_large_body_is_refused_before_anything_reads_it(client):
    body = UnreadableBody()
    started = time.monotonic()

    response = client.generic(
        "POST",
        reverse("login"),
        CONTENT_LENGTH=str(FIVE_MB),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.reads == 0
    assert time.monotonic() - started < 1
    assert "提交的内容过大" in response.content.decode()


def test_a_five_megabyte_form_post_to_an_ordinary_page_gets_413(client, enterprise_user):
    client.force_login(enterprise_user)

    response = client.post(reverse("needs:enterprise_home"), {"description": "x" * FIVE_MB})

    assert response.status_code == 413
    assert "1 MB" in response.content.decode()


def test_an_ordinary_form_post_still_works(client, enterprise_user):
    response = client.post(reverse("login"), {"username": enterprise_user.email, "password": "wrong"})

    assert response.status_code == 200


def test_an_upload_page_takes_an_upload_of_its_own_limit(client, staff_user, settings, current_call):
    client.force_login(staff_user)
    # Over the small-form limit, under the upload limit: the form answers, not 413.
    upload = SimpleUploadedFile("partners.xlsx", b"x" * (2 * 1024 * 1024))

    response = client.post(reverse("partners:partner_import"), {"file": upload})

    assert response.status_code == 200
    assert "有效的 Excel" in response.content.decode()


def test_an_upload_page_refuses_a_body_above_the_upload_limit(client, staff_user, settings):
    client.force_login(staff_user)
    body = UnreadableBody()

    response = client.generic(
        "POST",
        reverse("partners:partner_import"),
        CONTENT_LENGTH=str(settings.UPLOAD_REQUEST_MAX_BYTES + 1),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.reads == 0
