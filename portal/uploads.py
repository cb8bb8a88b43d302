"""The one reading path for uploaded spreadsheets (partners, batch and
Attachment 2 imports all call `upload_rows`).

A hostile upload must be refused quickly with a clear message, or read within
small, fixed bounds. Before openpyxl opens anything: the size, the zip structure
(members, declared uncompressed size, compression ratio) and a streamed count of
the XML elements in every member (cells, rows, shared strings, sheets and
everything else), so no part can make openpyxl build more objects than a
sheet of UPLOAD_MAX_ROWS x UPLOAD_MAX_COLUMNS needs. Then the sheet is read
ignoring its declared `<dimension>` (openpyxl's read-only mode pads every row to
it: "A1:XFD5000" meant 82 million empty cells), each row cut after its last
value; a value beyond the row or column cap, or longer than Excel's own cell
limit, is refused, while empty cells beyond the caps are ignored. XML entity
bombs are refused by defusedxml, which openpyxl uses when it is installed.
Zip members cannot lie about their size: zipfile stops at the declared size and
then fails the CRC check.
"""

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from portal.errors import DomainError


class UploadError(DomainError):
    """The file was refused before anything was read from it."""


def upload_read_checked(upload: UploadedFile) -> bytes:
    """Return the upload's bytes once size and zip structure look like a workbook."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise UploadError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise UploadError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UploadError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    declared = sum(entry.file_size for entry in entries)
    bomb = any(
        entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if declared > settings.UPLOAD_MAX_UNCOMPRESSED_BYTES or len(entries) > MAX_MEMBERS or bomb:
        raise UploadError(_("文件解压后过大，已拒绝。"), code="zip_bomb")
    _elements_check(data, entries)
    return data


MAX_MEMBERS = 500
MAX_RATIO = 100  # a real sheet compresses 5-30 times
RATIO_FLOOR = 1024 * 1024
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
MAX_OTHER_ELEMENTS = 20000  # styles, merges, names...: each costs openpyxl far more than a cell
# Cheap elements openpyxl streams: cells, rows, shared strings and their children.
_CHEAP = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row|si|v|f|is|t|r|sheet)[\s/>]")


def _elements_check(data: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Count the elements of every member, streamed, before openpyxl parses any.

    Counting is conservative (every "<" that does not close a tag counts), so an
    encoding trick can only make a file look larger, never smaller."""
    budget = settings.UPLOAD_MAX_ROWS * settings.UPLOAD_MAX_COLUMNS
    counts = {b"c": 0, b"row": 0, b"si": 0, b"sheet": 0, b"child": 0}
    too_complex = UploadError(_("文件结构过于复杂，已拒绝。"), code="too_complex")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for entry in entries:
            with archive.open(entry) as member:
                head = member.read(1024 * 1024)
                if entry.filename.startswith("xl/media/") and head.lstrip()[:1] not in (
                    b"<",
                    b"\xef",
                    b"\xff",
                    b"\xfe",
                ):
                    continue  # an image: openpyxl never parses it as XML
                other, carry, chunk = 0, b"", head
                while chunk:
                    chunk = carry + chunk
                    cut = chunk.rfind(b"<")
                    if cut <= 0:
                        cut = len(chunk)
                    scan, carry = chunk[:cut], chunk[cut:]
                    found = _CHEAP.findall(scan)
                    for name in found:
                        key = name if name in counts else b"child"
                        counts[key] += 1
                    other += scan.count(b"<") - scan.count(b"</") - len(found)
                    if other > MAX_OTHER_ELEMENTS or counts[b"sheet"] > settings.UPLOAD_MAX_SHEETS:
                        raise too_complex
                    if counts[b"c"] + counts[b"row"] > budget or counts[b"si"] > budget:
                        raise UploadError(
                            _("表格的单元格过多（上限 %(n)d 个），请删去多余的行和列后再上传。")
                            % {"n": budget},
                            code="too_many_cells",
                        )
                    if counts[b"child"] > 4 * budget:
                        raise too_complex
                    chunk = member.read(1024 * 1024)
                other += carry.count(b"<")
                if other > MAX_OTHER_ELEMENTS:
                    raise too_complex


def workbook_open_checked(upload: UploadedFile) -> Workbook:
    """Open a checked upload read-only; any parse failure becomes a clear error."""
    data = upload_read_checked(upload)
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds; all mean "not readable"
        raise UploadError(_("无法读取该 Excel 文件，请确认文件未损坏。"), code="unreadable")


def sheet_rows(ws, *, max_rows: int | None = None, max_columns: int | None = None) -> Iterator[tuple]:
    """Yield a read-only sheet's rows as value tuples, each cut after its last
    value; the declared dimension is ignored, so no empty cell is padded in.

    A value beyond the row or column cap, or a text longer than Excel allows,
    is refused with the limit in the message; empty cells beyond the caps are
    skipped."""
    row_limit = max_rows or settings.UPLOAD_MAX_ROWS
    column_limit = max_columns or settings.UPLOAD_MAX_COLUMNS
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(row) > column_limit:
            tail = row[column_limit:]
            if tail.count(None) + tail.count("") != len(tail):
                raise UploadError(
                    _("第 %(row)d 行超过列数上限（%(n)d 列）。") % {"row": number, "n": column_limit},
                    code="too_many_columns",
                )
            row = row[:column_limit]
        end = len(row)
        while end and row[end - 1] in (None, ""):
            end -= 1
        if number > row_limit:
            if end:
                raise UploadError(_("行数超过上限（%(n)d 行）。") % {"n": row_limit}, code="too_many_rows")
            continue
        for value in row[:end]:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise UploadError(
                    _("第 %(row)d 行有单元格文字过长（上限 %(n)d 字）。")
                    % {"row": number, "n": MAX_CELL_CHARS},
                    code="cell_too_long",
                )
        yield tuple(row[:end])


def upload_rows(upload: UploadedFile, *, sheet: str | None = None) -> list[tuple]:
    """Check an upload and return the rows of one sheet (the named one if the
    workbook has it, else the first): the one reading path of every import.

    The whole sheet is read before anything is written, so a file refused at
    its last row writes nothing."""
    wb = workbook_open_checked(upload)
    try:
        if sheet and sheet in wb.sheetnames:
            ws = wb[sheet]
        elif wb.worksheets:
            ws = wb.worksheets[0]
        else:
            raise UploadError(_("工作簿是空的。"), code="empty")
        return list(sheet_rows(ws))
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet fails while it is read
        raise UploadError(_("无法读取该 Excel 文件，请确认文件未损坏。"), code="unreadable")
    finally:
        wb.close()
