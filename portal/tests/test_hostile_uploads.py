"""Hostile spreadsheets, built here byte by byte, against every import path.

Each file is tried through the real staff upload pages (Attachment 2, batch,
partners) and through the one reading path; the user sees a clear message that
names the limit, or the file is read without padding its empty cells.
"""

import random
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from needs.models import Need
from partners.models import Partner
from portal import uploads

pytestmark = pytest.mark.django_db

NS = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet(rows: str, dimension: str = "A1:B2") -> bytes:
    return f'{NS}<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'.encode()


def _xlsx(sheet: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet`."""
    source = BytesIO()
    Workbook().save(source)
    out = BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item.filename, (extra or {}).get(item.filename, data))
        for name, data in (extra or {}).items():
            if name not in src.namelist():
                dst.writestr(name, data)
    return out.getvalue()


HEADER = '<row r="1">' + _cell("A1", "kind") + _cell("B1", "name_en") + "</row>"
ONE_PARTNER = '<row r="2">' + _cell("A2", "university") + _cell("B2", "Padded University") + "</row>"


def padded_dimension() -> bytes:
    """The reported file: 1.6 KB declaring A1:XFD5000 around two short rows."""
    return _xlsx(_sheet(HEADER + ONE_PARTNER, "A1:XFD5000"))


def million_rows_declared() -> bytes:
    return _xlsx(_sheet(HEADER + ONE_PARTNER, "A1:XFD1048576"))


def value_at_xfd() -> bytes:
    return _xlsx(_sheet(HEADER + '<row r="2">' + _cell("XFD2", "far away") + "</row>"))


def value_at_row_million() -> bytes:
    return _xlsx(_sheet(HEADER + '<row r="1000000">' + _cell("A1000000", "deep") + "</row>"))


def empty_cells_beyond_the_caps() -> bytes:
    """Styled but empty cells at XFD and at row 1,000,000 are ignored."""
    styled = '<row r="2"><c r="XFD2" s="0"/></row><row r="1000000"><c r="A1000000" s="0"/></row>'
    return _xlsx(_sheet(HEADER + ONE_PARTNER.replace('r="2"', 'r="3"').replace('2"', '3"') + styled))


def zip_bomb_sheet() -> bytes:
    """A sheet of 40 MB of identical empty cells in one row, compressed to ~50 kB."""
    row = '<row r="1">' + '<c s="0"/>' * (4 * 1024 * 1024) + "</row>"
    return _xlsx(_sheet(row))


def many_cells() -> bytes:
    """200,000 empty cells that do not compress well: refused by the element count."""
    rng = random.Random(7)
    row = "".join(f'<c s="{rng.randint(0, 9999)}"/>' for _ in range(200_000))
    return _xlsx(_sheet(f'<row r="1">{row}</row>'))


def long_text() -> bytes:
    return _xlsx(_sheet(HEADER + '<row r="2">' + _cell("A2", "x" * 40_000) + "</row>"))


def many_sheets() -> bytes:
    """A workbook listing 5,000 sheets, all pointing at the same part."""
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId1"/>' for i in range(5000))
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    ).encode()
    return _xlsx(_sheet(HEADER), {"xl/workbook.xml": workbook})


def huge_shared_strings() -> bytes:
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(200_000))
    sst = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    return _xlsx(_sheet(HEADER), {"xl/sharedStrings.xml": sst.encode()})


REFUSED = [
    (value_at_xfd, "列数上限（60 列）"),
    (value_at_row_million, "行数超过上限（2000 行）"),
    (zip_bomb_sheet, "文件解压后过大"),
    (many_cells, "单元格过多（上限 120000 个）"),
    (long_text, "文字过长（上限 32767 字）"),
    (many_sheets, "文件结构过于复杂"),
    (huge_shared_strings, "单元格过多"),
]


def _post(client, kind: str, data: bytes, call) -> str:
    upload = SimpleUploadedFile("hostile.xlsx", data)
    if kind == "partners":
        response = client.post(reverse("partners:partner_import"), {"file": upload})
    else:
        response = client.post(reverse("needs:staff_import"), {"kind": kind, "call": call.pk, "file": upload})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def limits(settings):
    settings.UPLOAD_MAX_ROWS = 2000
    settings.UPLOAD_MAX_COLUMNS = 60
    settings.UPLOAD_MAX_SHEETS = 20


@pytest.mark.parametrize(("make", "message"), REFUSED, ids=[m.__name__ for m, _ in REFUSED])
@pytest.mark.parametrize("kind", ["attachment2", "batch", "partners"])
def test_hostile_files_are_refused_on_every_upload_page(
    make, message, kind, limits, staff_user, client_as, current_call
):
    page = _post(client_as(staff_user), kind, make(), current_call)

    assert message in page
    assert not Need.objects.exists() and not Partner.objects.exists()


@pytest.mark.parametrize(("make", "message"), REFUSED, ids=[m.__name__ for m, _ in REFUSED])
def test_the_reading_path_refuses_them_too(make, message, limits):
    with pytest.raises(uploads.UploadError) as error:
        uploads.upload_rows(SimpleUploadedFile("hostile.xlsx", make()))

    assert message in error.value.message


@pytest.mark.parametrize("make", [padded_dimension, million_rows_declared, empty_cells_beyond_the_caps])
def test_a_lying_dimension_or_empty_cells_beyond_the_caps_are_ignored(make, limits):
    rows = uploads.upload_rows(SimpleUploadedFile("padded.xlsx", make()))

    assert [row for row in rows if row] == [("kind", "name_en"), ("university", "Padded University")]


def test_the_reported_file_imports_its_one_partner(limits, staff_user, client_as, current_call):
    page = _post(client_as(staff_user), "partners", padded_dimension(), current_call)

    assert "新建 1 条" in page
    assert Partner.objects.filter(name_en="Padded University").exists()


@pytest.mark.parametrize("kind", ["attachment2", "batch"])
def test_the_reported_file_reaches_the_needs_importers_unpadded(
    kind, limits, staff_user, client_as, current_call
):
    page = _post(client_as(staff_user), kind, padded_dimension(), current_call)

    # Read (not refused): the importers then say the sheet is not their layout.
    assert "未找到附件2的栏目" in page or "第一行须为导出表的列标题" in page
    assert "上限" not in page
