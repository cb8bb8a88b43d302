"""Excel out: every field, filters, shortlist, per-need sheets; no formulas ever."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from needs.models import ExportJob, ExportJobStatus, NeedStatus
from needs.services.exports import NEED_COLUMNS
from needs.services.shortlist import shortlist_add
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    def run(client, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("needs:staff_export"), data or {})
        return _finish(client, response)

    return run


def _finish(client, response):
    assert response.status_code == 302
    job = ExportJob.objects.latest("id")
    assert job.status == ExportJobStatus.DONE, job.error
    download = client.get(reverse("needs:staff_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert "download-link" in client.get(response["Location"]).content.decode()
    return response, load_workbook(BytesIO(b"".join(download.streaming_content)))


def test_formula_looking_values_stay_text(export, make_need, staff_user, client_as, enterprise):
    enterprise.contact_name = HOSTILE[0]
    enterprise.save()
    make_need(status=NeedStatus.ACCEPTED, title=HOSTILE[1], description=HOSTILE[0], basis=HOSTILE[3])
    make_need(title=HOSTILE[2], partner_role=HOSTILE[4], partner_requirements=HOSTILE[5])
    _, wb = export(client_as(staff_user))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in HOSTILE:
                    seen.add(cell.value)
    assert seen == set(HOSTILE)


def test_needs_sheet_has_every_field_private_ones_included_and_filters(
    export, make_need, staff_user, client_as, enterprise, other_enterprise
):
    mine = make_need(title="甲企业需求", status=NeedStatus.ACCEPTED)
    make_need(title="乙企业需求", enterprise=other_enterprise, status=NeedStatus.SUBMITTED)
    client = client_as(staff_user)
    _, wb = export(client, {"status": NeedStatus.ACCEPTED})
    ws = wb["需求列表"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in NEED_COLUMNS]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["需求编号"] == mine.reference and row["技术需求名称"] == "甲企业需求"
    assert row["联系人"] == "ENTA-CONTACT" and row["电子邮件"] == "enta-mail@example.com"
    assert row["社会统一信用代码"] == enterprise.credit_code
    assert row["合作方式"] == "联合开发"
    assert mine.reference in wb.sheetnames  # the need's Attachment 2 sheet
    assert AuditEntry.objects.filter(action="export.create", actor=staff_user).exists()


def test_shortlist_sheet(export, make_need, staff_user, client_as):
    need = make_need(status=NeedStatus.ACCEPTED)
    shortlist_add(actor=staff_user, need_id=need.pk, justification="技术含量高，合作意愿强")
    _, wb = export(client_as(staff_user))
    rows = list(wb["对接会入选名单"].iter_rows(values_only=True))
    assert rows[1][2] == need.reference and rows[1][-1] == "技术含量高，合作意愿强"


def test_only_staff_may_export_or_download(
    export, make_need, reviewer_user, enterprise_user, staff_user, client_as
):
    make_need()
    export(client_as(staff_user))
    job = ExportJob.objects.get()
    for user in (reviewer_user, enterprise_user):
        client = client_as(user)
        assert client.post(reverse("needs:staff_export")).status_code == 403
        assert client.get(reverse("needs:staff_export_download", args=[job.pk])).status_code == 403
    assert ExportJob.objects.count() == 1
