"""Personas and shared fixtures for every app's tests."""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from needs.models import Call, Enterprise, TechField
from partners.models import Partner, PartnerKind
from portal.models import Role, User

PASSWORD = "Correct-Horse-42"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # A test that uses a harness fixture gets its marker, so `-m "not worker"`
    # and `-m "not browser"` deselect it without anyone having to remember.
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.worker)
        if "browser_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _missing_service(reason: str, *, configured: bool):
    """Skip when this run was not given the service (the README's plain
    `pytest` on SQLite); fail when it was given but does not work, and in CI."""
    if configured and os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing_service(
                "needs PostgreSQL: set DATABASE_URL=postgresql:///portal",
                configured=bool(os.environ.get("DATABASE_URL")),
            )
    if request.node.get_closest_marker("worker"):
        from portal.tests.worker import worker_unavailable_reason

        reason = worker_unavailable_reason()
        if reason:
            _missing_service(reason, configured=bool(os.environ.get("REDIS_URL")))


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """Pages in zh-hant and en need the .mo files, which are build output."""
    from django.utils.translation.reloader import translation_file_changed

    from portal.catalogs import catalogs_compile

    catalogs_compile()
    translation_file_changed(sender=None, file_path=Path("catalogs.mo"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength makes every created user cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """The taxonomy, divisions, zones and industries from fixtures/."""
    if not TechField.objects.exists():
        call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def current_call(reference_data) -> Call:
    now = timezone.now()
    call = Call.objects.create(
        title="2026年江苏企业与香港技术合作需求征集",
        year=2026,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=20),
        event_date=(now + timedelta(days=90)).date(),
        is_current=True,
    )
    call.focus_fields.set(TechField.objects.filter(code__in=["01", "02"]))
    return call


def _enterprise(name: str, credit_code: str, marker: str) -> Enterprise:
    return Enterprise.objects.create(
        name=name,
        credit_code=credit_code,
        address=f"{marker}-ADDRESS",
        contact_name=f"{marker}-CONTACT",
        contact_phone="025-85485892",
        contact_email=f"{marker.lower()}-mail@example.com",
        website=f"https://{marker.lower()}-site.example.com",
        division_id="320102",
    )


@pytest.fixture
def enterprise(reference_data) -> Enterprise:
    return _enterprise("江苏甲企业有限公司", "913200001347585460", "ENTA")


@pytest.fixture
def other_enterprise(reference_data) -> Enterprise:
    return _enterprise("江苏乙企业有限公司", "913200001347645408", "ENTB")


@pytest.fixture
def partner(db) -> Partner:
    return Partner.objects.create(
        name_en="The University of Hong Kong (HKU)",
        name_zh_hant="香港大學",
        name_zh_hans="香港大学",
        kind=PartnerKind.UNIVERSITY,
        contact_email="partner-private@example.hk",
    )


@pytest.fixture
def other_partner(db) -> Partner:
    return Partner.objects.create(
        name_en="City University of Hong Kong (CityU)",
        name_zh_hant="香港城市大學",
        name_zh_hans="香港城市大学",
        kind=PartnerKind.UNIVERSITY,
    )


def _user(email: str, role: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)


@pytest.fixture
def enterprise_user(enterprise) -> User:
    return _user("owner@enta.example.com", Role.ENTERPRISE, enterprise=enterprise)


@pytest.fixture
def other_enterprise_user(other_enterprise) -> User:
    return _user("owner@entb.example.com", Role.ENTERPRISE, enterprise=other_enterprise)


@pytest.fixture
def new_enterprise_user(db) -> User:
    """Registered, but has not filled in the enterprise profile yet."""
    return _user("new@entc.example.com", Role.ENTERPRISE)


@pytest.fixture
def staff_user(db) -> User:
    return _user("staff@centre.example.com", Role.STAFF, full_name="交流中心甲")


@pytest.fixture
def reviewer_user(db) -> User:
    return _user("reviewer@centre.example.com", Role.REVIEWER, full_name="评审专家甲")


@pytest.fixture
def other_reviewer_user(db) -> User:
    return _user("reviewer2@centre.example.com", Role.REVIEWER, full_name="评审专家乙")


@pytest.fixture
def hk_user(partner) -> User:
    return _user("liaison@hku.example.hk", Role.HK, partner=partner, language="zh-hant")


@pytest.fixture
def other_hk_user(other_partner) -> User:
    return _user("liaison@cityu.example.hk", Role.HK, partner=other_partner, language="zh-hant")


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(email="admin@centre.example.com", password=PASSWORD)


@pytest.fixture
def client_as(client):
    """`client_as(user)` logs the test client in as that user (or out, for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


# --- real Celery worker ---------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker for one test (portal/tests/worker.py), stopped before the
    database is flushed. The test's writes are committed, so the worker sees them."""
    from portal.tests.worker import queues_purge, worker_running, worker_unavailable_reason

    reason = worker_unavailable_reason()
    if reason:
        _missing_service(reason, configured=bool(os.environ.get("REDIS_URL")))
    queues_purge()
    with worker_running() as worker:
        yield worker


# --- browser tests --------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server):
    """A headless Chromium page (Debian's chromium via Playwright)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed; browser tests need it")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()
