"""The spreadsheet base: exports write text as text; uploads are checked before parsing."""

import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal import exports, uploads


def _read(content: bytes):
    return load_workbook(BytesIO(content)).active


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\tA"])
def test_formula_like_text_is_exported_exactly_and_as_text(text):
    wb = exports.table_workbook([("需求", ["标题"], [[text]])])

    cell = _read(exports.workbook_bytes(wb))["A2"]

    assert cell.data_type == "s"
    assert cell.value == text


def test_values_keep_their_types_and_booleans_read_as_yes_no():
    moment = datetime(2026, 6, 10, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    row = ["普通文本", 12, Decimal("1200.50"), date(2026, 9, 1), moment, True, False, None]
    wb = exports.table_workbook([("Sheet", list("ABCDEFGH"), [row])])

    values = [cell.value for cell in _read(exports.workbook_bytes(wb))[2]]

    assert values[:3] == ["普通文本", 12, 1200.5]
    assert values[3].date() == date(2026, 9, 1)
    assert values[4] == datetime(2026, 6, 10, 23, 59, 59)
    assert values[5:] == ["是", "否", None]


def test_xlsx_response_names_the_file_in_chinese():
    response = exports.xlsx_response(exports.table_workbook([("S", ["A"], [])]), "需求汇总 2026.xlsx")

    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "需求汇总 2026.xlsx"


def test_sheet_titles_are_cut_to_excels_limit():
    wb = exports.table_workbook([("一" * 40, ["A"], [])])

    assert len(wb.sheetnames[0]) == 31


# --- uploads -------------------------------------------------------------------------


def _workbook_upload(rows: int = 2, name: str = "partners.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    for index in range(rows):
        wb.active.append([f"机构{index}", index])
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _zip_upload(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("upload.xlsx", buffer.getvalue())


def _code(upload, **kwargs) -> str:
    with pytest.raises(uploads.UploadError) as error:
        ws = uploads.workbook_open_checked(upload).active
        list(uploads.sheet_rows(ws, **kwargs))
    return error.value.code


def test_a_good_workbook_opens_and_yields_its_rows():
    ws = uploads.workbook_open_checked(_workbook_upload(3)).active

    assert list(uploads.sheet_rows(ws)) == [("机构0", 0), ("机构1", 1), ("机构2", 2)]


def test_too_many_rows_are_refused():
    assert _code(_workbook_upload(6), max_rows=5) == "too_many_rows"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    assert _code(SimpleUploadedFile("big.xlsx", b"x" * 2048)) == "too_large"


def test_a_file_that_is_not_a_zip_is_refused():
    assert _code(SimpleUploadedFile("fake.xlsx", b"name,email\n")) == "not_workbook"


def test_a_zip_that_is_not_a_workbook_is_refused():
    assert _code(_zip_upload({"readme.txt": b"hello"})) == "not_workbook"


def test_a_zip_bomb_is_refused_from_its_declared_size(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"0" * (2 * 1024 * 1024),  # compresses to a few kB
    }
    upload = _zip_upload(bomb)
    assert upload.size < 100 * 1024

    assert _code(upload) == "zip_bomb"


def test_a_damaged_workbook_gets_a_clear_message():
    upload = _zip_upload({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"})

    with pytest.raises(uploads.UploadError) as error:
        uploads.workbook_open_checked(upload)

    assert error.value.code == "unreadable"
    assert "无法读取该 Excel 文件" in error.value.message
