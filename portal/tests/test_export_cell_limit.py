"""Text longer than Excel's 32,767-character cell limit is cut visibly; the
formula escaping stays."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from portal.exports import CELL_MAX_CHARS, CUT_MARK, table_workbook, workbook_bytes, write_cell

LONG = "甲" * (CELL_MAX_CHARS + 100)
FORMULA = '=HYPERLINK("http://evil.example.com")' + "x" * (CELL_MAX_CHARS + 10)


def _read(data: bytes) -> list[list]:
    ws = load_workbook(BytesIO(data)).active
    return [[cell.value for cell in row] for row in ws.iter_rows()]


@pytest.mark.parametrize("mode", ["write_only", "normal"])
def test_overlong_cells_are_cut_with_a_mark_and_stay_text(mode):
    if mode == "write_only":
        wb = table_workbook([("需求", ["标题", "说明", "短"], [["a", LONG, "=1+1"], ["b", FORMULA, "-2"]])])
    else:
        wb = Workbook()
        for row, values in enumerate([["标题", "说明", "短"], ["a", LONG, "=1+1"], ["b", FORMULA, "-2"]], 1):
            for column, value in enumerate(values, 1):
                write_cell(wb.active, row, column, value)
    rows = _read(workbook_bytes(wb))
    long_text, formula_text = rows[1][1], rows[2][1]
    assert len(long_text) == CELL_MAX_CHARS
    assert long_text.endswith(CUT_MARK)
    assert long_text.startswith("甲甲甲")
    assert len(formula_text) == CELL_MAX_CHARS and formula_text.endswith(CUT_MARK)
    assert formula_text.startswith("=HYPERLINK")  # text, not a formula
    assert rows[1][2] == "=1+1" and rows[2][2] == "-2"


def test_text_at_the_limit_is_kept_whole():
    exact = "乙" * CELL_MAX_CHARS
    rows = _read(workbook_bytes(table_workbook([("s", ["h"], [[exact]])])))
    assert rows[1][0] == exact
