"""The one place that writes spreadsheets.

Exporters only yield rows; this module turns them into an .xlsx. Every cell
that comes from a user is written as text, so a value such as "=HYPERLINK(...)"
stays a string and never becomes a formula.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise a string a spreadsheet would read as a formula."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_value(value):
    """Turn a Python value into what openpyxl should store (never a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return safe_text(str(value))


def write_cell(ws: Worksheet, row: int, column: int, value) -> Cell:
    """Write one cell; strings are forced to the string type so openpyxl
    does not guess a formula from a leading '='."""
    cell = ws.cell(row=row, column=column)
    converted = cell_value(value)
    cell.value = converted
    if isinstance(converted, str):
        cell.data_type = "s"
    return cell


def append_row(ws: Worksheet, values: Sequence) -> None:
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        write_cell(ws, row, column, value)


def write_only_rows(ws, rows: Iterable[Sequence]) -> None:
    """Stream rows into a write-only worksheet (large exports)."""
    from openpyxl.cell import WriteOnlyCell

    for values in rows:
        cells = []
        for value in values:
            converted = cell_value(value)
            cell = WriteOnlyCell(ws, value=converted)
            if isinstance(converted, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)


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
    from urllib.parse import quote

    return quote(filename)
