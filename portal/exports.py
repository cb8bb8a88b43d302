"""The one place that writes spreadsheets.

Exporters only yield rows; this module turns them into an .xlsx. Every cell
that comes from a user is written as text, so a value such as "=HYPERLINK(...)"
stays a string and never becomes a formula. In .xlsx the text is kept exactly
(string cell type plus Excel's quote-prefix style, so editing the cell in
Excel keeps it text).
"""

import gc
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel keeps at most 32,767 characters in a cell and drops the rest without a
# word; a longer text is cut here, visibly, so the reader knows it goes on.
CELL_MAX_CHARS = 32767
CUT_MARK = "…[已截断]"


def _fit(value: str) -> str:
    if len(value) <= CELL_MAX_CHARS:
        return value
    return value[: CELL_MAX_CHARS - len(CUT_MARK)] + CUT_MARK


def cell_value(value):
    """Turn a Python value into what openpyxl should store (never a formula)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, Decimal, date)):
        return value
    # Control characters are illegal in XML; a user's paste may carry them.
    return _fit(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def write_cell(ws: Worksheet, row: int, column: int, value) -> Cell:
    """Write one cell; strings are forced to the string type so openpyxl
    does not guess a formula from a leading '='."""
    cell = ws.cell(row=row, column=column)
    converted = cell_value(value)
    cell.value = converted
    if isinstance(converted, str):
        cell.data_type = "s"
        if _formula_like(converted):
            cell.quotePrefix = True
    return cell


def _text_cell(ws, value: str):
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_only_rows(ws, rows: Iterable[Sequence], on_row: Callable[[int], None] | None = None) -> int:
    """Stream rows into a write-only worksheet (large exports); returns the count.

    Plain values are appended as they are (openpyxl only turns a string
    starting with "=" into a formula); formula-like text gets an explicit
    string cell. `on_row(n)` is called every 500 rows (progress)."""
    count = 0
    for values in rows:
        row = []
        for value in values:
            if type(value) is str:  # the common case, checked first
                converted = _fit(ILLEGAL_CHARACTERS_RE.sub("", value))
            else:
                converted = cell_value(value)
            if type(converted) is str and converted.startswith(FORMULA_PREFIXES):
                row.append(_text_cell(ws, converted))
            else:
                row.append(converted)
        ws.append(row)
        count += 1
        if on_row is not None and count % 500 == 0:
            on_row(count)
    return count


class SheetExporter:
    """One sheet of an export: a title, headers and rows. Subclasses only
    yield rows; `exporters_workbook` writes them."""

    title: str = ""

    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence]:
        raise NotImplementedError

    def count(self) -> int | None:
        """Rows to expect, for progress reports (None: unknown)."""
        return None


def exporters_workbook(
    exporters: Iterable[SheetExporter], *, progress: Callable[[int], None] | None = None
) -> Workbook:
    """A write-only workbook with one sheet per exporter. `progress(percent)`
    is called as rows are written (the total is the exporters' `count()`s)."""
    exporters = list(exporters)
    total = sum(e.count() or 1 for e in exporters) or 1
    wb = Workbook(write_only=True)
    # Rows are streamed and dropped, so the cyclic collector only burns time
    # here (about a tenth of a 10,000-need export); it runs again afterwards.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _write_sheets(wb, exporters, total, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    return wb


def _write_sheets(
    wb: Workbook,
    exporters: list[SheetExporter],
    total: int,
    progress: Callable[[int], None] | None,
) -> None:
    done = 0
    for exporter in exporters:
        ws = wb.create_sheet(title=exporter.title[:31])
        write_only_rows(ws, [exporter.headers()])
        base = done

        def on_row(n: int, base: int = base) -> None:
            if progress is not None:
                progress(min(99, int((base + n) * 100 / total)))

        done += max(write_only_rows(ws, exporter.rows(), on_row=on_row), exporter.count() or 1)
        if progress is not None:
            progress(min(99, int(done * 100 / total)))


def table_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> Workbook:
    """A write-only workbook with one sheet per (title, headers, rows)."""
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        write_only_rows(ws, [headers])
        write_only_rows(ws, rows)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(wb: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    return quote(filename)
