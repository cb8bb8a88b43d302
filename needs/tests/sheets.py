"""Filling in a generated Attachment 2 sheet as a person would."""

from portal.exports import write_cell


def sheet_set(ws, label, value) -> None:
    """Write `value` into the cell right of the one labelled `label`."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                write_cell(ws, cell.row, cell.column + 1, value)
                return
    raise AssertionError(label)
