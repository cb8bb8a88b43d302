"""Excel in: Attachment 2 files and batch sheets, valid, partly invalid, hostile."""

import re
import time
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from matching.models import MatchRun, RunKind
from needs.attachment2 import attachment2_workbook
from needs.models import Enterprise, MatchingState, Need, NeedStatus
from needs.services.exports import NeedsExporter
from needs.tests.sheets import sheet_set
from portal.exports import exporters_workbook, workbook_bytes
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_CODE = "91321183799093948X"


@pytest.fixture
def need(make_need, complete_enterprise):
    return make_need(enterprise=complete_enterprise, field_l3_id="02.01.03", consent_share_hk=True)


def _xlsx(wb, name="need.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(wb))


def _post(client, upload, kind, call):
    return client.post(reverse("needs:staff_import"), {"kind": kind, "call": call.pk, "file": upload})


def test_attachment2_file_updates_and_creates(need, staff_user, client_as, current_call):
    client = client_as(staff_user)
    wb = attachment2_workbook(Need.objects.get(pk=need.pk))
    sheet_set(wb.active, "技术需求名称", "=改过的名称")
    page = _post(client, _xlsx(wb), "attachment2", current_call).content.decode()
    need.refresh_from_db()
    assert need.title == "=改过的名称"
    assert 'id="updated-count">1<' in page

    wb = attachment2_workbook(need)
    sheet_set(wb.active, "需求编号", None)
    sheet_set(wb.active, "社会统一信用代码", NEW_CODE)
    sheet_set(wb.active, "企业名称", "江苏丙科技有限公司")
    page = _post(client, _xlsx(wb), "attachment2", current_call).content.decode()
    assert 'id="created-count">1<' in page, page
    created = Need.objects.get(enterprise__credit_code=NEW_CODE)
    assert created.status == NeedStatus.SUBMITTED and created.reference
    assert AuditEntry.objects.filter(action="needs.import", actor=staff_user).count() == 2


def test_attachment2_file_with_invalid_values_writes_nothing(need, staff_user, client_as, current_call):
    wb = attachment2_workbook(need)
    sheet_set(wb.active, "需求编号", None)
    sheet_set(wb.active, "社会统一信用代码", NEW_CODE)
    sheet_set(wb.active, "联系电话", "12345")
    sheet_set(wb.active, "需求内容描述", "")
    page = _post(client_as(staff_user), _xlsx(wb), "attachment2", current_call).content.decode()
    assert 'id="rejected-count">1<' in page
    assert "联系电话" in page and "需求内容描述" in page
    assert not Enterprise.objects.filter(credit_code=NEW_CODE).exists()
    assert Need.objects.count() == 1


def test_batch_sheet_with_a_bad_row(need, staff_user, client_as, current_call, other_enterprise):
    exporter = NeedsExporter([Need.objects.get(pk=need.pk)] * 3)
    wb = exporters_workbook([exporter])
    data = workbook_bytes(wb)
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = {label: i + 1 for i, label in enumerate(header)}
    ws.cell(2, col["技术需求名称"]).value = "批量更新的名称"
    # Row 3: a new need of a new enterprise.
    ws.cell(3, col["需求编号"]).value = None
    ws.cell(3, col["社会统一信用代码"]).value = NEW_CODE
    ws.cell(3, col["技术需求名称"]).value = "批量新建的需求"
    # Row 4: a new need whose total investment is below the intended one.
    ws.cell(4, col["需求编号"]).value = None
    ws.cell(4, col["技术需求名称"]).value = "坏行"
    ws.cell(4, col["项目拟投入总金额（万元）"]).value = 1
    page = _post(client_as(staff_user), _xlsx(wb, "batch.xlsx"), "batch", current_call).content.decode()
    report = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("import-report")[-1]))
    assert "新建 1 · 更新 1 · 拒绝 1" in report, report
    assert "第 4 行" in page and "项目拟投入总金额不能少于意向投入金额" in page
    assert not Need.objects.filter(title="坏行").exists()
    assert Need.objects.filter(title="批量新建的需求", enterprise__credit_code=NEW_CODE).exists()
    need.refresh_from_db()
    assert need.title == "批量更新的名称"


def _workbook_zip(replace: dict[str, bytes]) -> bytes:
    source = BytesIO(workbook_bytes(Workbook()))
    out = BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lolololololololololol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def _zip_bomb() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("[Content_Types].xml", "<Types/>")
        dst.writestr("xl/workbook.xml", "<workbook/>")
        dst.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "entity-bomb.xlsx",
            lambda: _workbook_zip({"xl/worksheets/sheet1.xml": BOMB}),
            "无法读取该 Excel 文件",
        ),
        ("zip-bomb.xlsx", _zip_bomb, "文件解压后过大"),
        ("renamed.xlsx", lambda: b"%PDF-1.4\n" + b"x" * 5000, "这不是有效的 Excel 工作簿"),
        (
            "not-excel.xlsx",
            lambda: _workbook_zip({}).replace(b"xl/workbook.xml", b"xl/workbook.xmx"),
            "不是有效的",
        ),
        ("huge.xlsx", lambda: b"PK" + b"\0" * (2 * 1024 * 1024), "文件过大"),
    ],
)
@pytest.mark.parametrize("kind", ["attachment2", "batch"])
def test_hostile_files_are_refused_quickly(
    name, make, message, kind, staff_user, client_as, current_call, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    data = make()
    started = time.monotonic()
    page = _post(client_as(staff_user), SimpleUploadedFile(name, data), kind, current_call).content.decode()
    assert message in page
    assert time.monotonic() - started < 30  # a bomb that expanded would not finish at all
    assert not Need.objects.exists()


def test_row_limit(staff_user, client_as, current_call, settings):
    settings.UPLOAD_MAX_ROWS = 10
    wb = Workbook()
    wb.active.append(["需求编号", "技术需求名称", "社会统一信用代码"])
    for n in range(20):
        wb.active.append(["", f"需求{n}", NEW_CODE])
    page = _post(client_as(staff_user), _xlsx(wb, "rows.xlsx"), "batch", current_call).content.decode()
    assert "行数超过上限" in page
    assert not Need.objects.exists()


def test_only_staff_may_import(reviewer_user, enterprise_user, client_as, current_call):
    for user in (reviewer_user, enterprise_user):
        response = _post(client_as(user), _xlsx(Workbook()), "batch", current_call)
        assert response.status_code == 403


def test_attachment2_import_records_when_contact_release_was_agreed(
    need, staff_user, client_as, current_call
):
    assert need.contact_consent_at is None
    wb = attachment2_workbook(Need.objects.get(pk=need.pk))
    sheet_set(wb.active, "同意交流中心向其推荐的香港机构提供联系方式", "是")
    _post(client_as(staff_user), _xlsx(wb), "attachment2", current_call)

    need.refresh_from_db()
    assert need.consent_contact_release is True
    assert need.contact_consent_at is not None
    assert need.contact_consent_version == need.consent_version
    assert need.contact_consent_version.startswith("import:")


def test_an_imported_need_goes_to_matching_like_a_need_submitted_on_the_web(
    need, staff_user, client_as, current_call, django_capture_on_commit_callbacks
):
    wb = attachment2_workbook(Need.objects.get(pk=need.pk))
    sheet_set(wb.active, "需求编号", None)
    sheet_set(wb.active, "社会统一信用代码", NEW_CODE)
    sheet_set(wb.active, "企业名称", "江苏丙科技有限公司")

    with django_capture_on_commit_callbacks(execute=True):
        page = _post(client_as(staff_user), _xlsx(wb), "attachment2", current_call).content.decode()

    assert 'id="created-count">1<' in page
    created = Need.objects.get(enterprise__credit_code=NEW_CODE)
    assert MatchRun.objects.filter(need=created, kind=RunKind.NEED).exists()
    assert created.matching_state != MatchingState.NONE
