"""Browser: staff screens a need, two reviewers score, staff shortlists and downloads the Excel."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from needs.models import Call, Enterprise, Need, NeedStatus, ShortlistEntry
from portal.models import Role, User

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _login(page, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_reference", verbosity=0)
    now = timezone.now()
    call = Call.objects.create(
        title="2026年征集",
        year=2026,
        opens_at=now - timedelta(days=5),
        deadline=now + timedelta(days=5),
        is_current=True,
    )
    enterprise = Enterprise.objects.create(
        name="江苏甲企业有限公司",
        credit_code="913200001347585460",
        contact_name="张三",
        contact_phone="025-85485892",
        contact_email="a@example.com",
    )
    User.objects.create_user(
        email="owner@example.com", password="x", role=Role.ENTERPRISE, enterprise=enterprise
    )
    need = Need.objects.create(
        enterprise=enterprise,
        call=call,
        status=NeedStatus.SUBMITTED,
        reference="JSHK-2026-0001",
        title="=类器官药敏检测平台",
        description="培养成功率≥70%。",
        categories=["core_rnd"],
        cooperation_modes=["joint_dev"],
        submitted_at=now,
    )
    users = {
        "staff": User.objects.create_user(email="staff@example.com", password="x", role=Role.STAFF),
        "r1": User.objects.create_user(
            email="r1@example.com", password="x", role=Role.REVIEWER, full_name="评审一"
        ),
        "r2": User.objects.create_user(
            email="r2@example.com", password="x", role=Role.REVIEWER, full_name="评审二"
        ),
    }
    return need, users


def test_screen_score_shortlist_download(browser_page, world):
    page = browser_page
    need, users = world

    _login(page, users["staff"])
    page.goto(f"{page.base_url}/staff/needs/{need.pk}/")
    page.select_option("#id_to_status", NeedStatus.ACCEPTED)
    page.click("#screen-submit")
    page.wait_for_selector("text=已将需求状态改为")
    assert Need.objects.get(pk=need.pk).status == NeedStatus.ACCEPTED

    for key, marks in (("r1", ("5", "4", "4")), ("r2", ("3", "4", "2"))):
        _login(page, users[key])
        page.goto(f"{page.base_url}/review/")
        page.click(f"text={need.title}")
        assert page.locator("#scores-hidden").is_visible()
        for criterion, mark in zip(("clarity", "willingness", "technical"), marks, strict=True):
            page.check(f"input[name=score_{criterion}][value='{mark}']")
        page.click("#submit-id-score")
        page.wait_for_selector("#all-scores")

    _login(page, users["staff"])
    page.goto(f"{page.base_url}/staff/shortlist/")
    # clarity (5+3)/2=4 → 32; willingness 4 → 24; technical 3 → 18: 74.0
    assert page.locator(f"tr[data-need='{need.pk}'] .weighted-total").inner_text() == "74.0"
    page.click("text=列入名单")
    page.fill(f"#justification-{need.pk}", "技术需求明确，合作意愿强")
    page.click(f"#add-{need.pk} button[type=submit]")
    page.wait_for_selector("#shortlist-entries >> text=技术需求明确，合作意愿强")
    page.click("#freeze-button")
    page.wait_for_selector("#shortlist-state >> text=已冻结")
    assert ShortlistEntry.objects.filter(need=need, shortlist__frozen_at__isnull=False).exists()

    page.goto(f"{page.base_url}/staff/needs/")
    page.click("#export-form button[type=submit]")
    page.wait_for_selector("#download-link")
    with page.expect_download() as download_info:
        page.click("#download-link")
    wb = load_workbook(BytesIO(open(download_info.value.path(), "rb").read()))
    rows = list(wb["对接会入选名单"].iter_rows(values_only=True))
    assert rows[1][2] == "JSHK-2026-0001" and rows[1][-1] == "技术需求明确，合作意愿强"
    titles = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == "=类器官药敏检测平台"
    ]
    assert titles and all(c.data_type != "f" for c in titles)
