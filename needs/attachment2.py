"""Attachment 2 (江苏企业与香港技术合作需求信息表) as a spreadsheet.

`attachment2_write_sheet` lays one need out like the official form: four
columns (label, value, label, value), the three sections, ticked boxes shown as
☑/☐. `attachment2_read_sheet` reads the same layout back by its labels, so a
sheet filled in by hand (or exported and edited) can be imported.
All user text goes through portal.exports, so it is never a formula.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from needs.models import Division, HiTechZone, Industry, Need, TechField
from needs.spec import FIELD_PATH_LABEL, FIELDS, SECTIONS, Item, cell_text, zh
from portal.exports import write_cell

TITLE = "江苏企业与香港技术合作需求信息表"
TICKED, UNTICKED = "☑", "☐"
YES_NO = ((True, "是"), (False, "否"))
LEVELS = [i for i in FIELDS if i.name.startswith("field_l")]


def boxes(options: Iterable[tuple[Any, str]], chosen) -> str:
    chosen = chosen if isinstance(chosen, (list, tuple, set)) else [chosen]
    return "  ".join(f"{TICKED if value in chosen else UNTICKED}{label}" for value, label in options)


def _choices(text_choices) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in text_choices.choices]


def _field(f: TechField | None, level: int) -> str:
    return f"{LEVELS[level].label}：{f.code} {f.name_zh}" if f else f"{LEVELS[level].label}："


def _division(d: Division | None) -> str:
    if d is None:
        return ""
    return f"{d.name_zh}（{d.parent.name_zh}）" if d.parent_id else d.name_zh


def _sheet_value(item: Item, need: Need) -> Any:
    if isinstance(item.field, models.BooleanField):
        return boxes(YES_NO, item.value(need))
    if item.choices:
        return boxes(_choices(item.choices), item.value(need))
    if item.name == "division":
        return _division(item.value(need))
    return item.get(need)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attachment2_rows(need: Need) -> Iterator[tuple[str, list]]:
    """The form's rows, each ("section", [title]), ("field", [label, l1, l2, l3])
    or ("pairs", [label, value, label, value] or [label, value])."""
    yield "pairs", ["需求编号", need.reference or "", "征集批次", need.call.title]
    section, pending = None, []
    for item in FIELDS:
        if item.section != section or item.wide or item in LEVELS:
            if pending:
                yield "pairs", pending
            pending = []
        if item.section != section:
            section = item.section
            yield "section", [zh(SECTIONS[section])]
        if item.name == "field_l1":
            levels = (need.field_l1, need.field_l2, need.field_l3)
            yield "field", [zh(FIELD_PATH_LABEL), *(_field(f, level) for level, f in enumerate(levels))]
        elif item not in LEVELS:
            pending += [item.label, _sheet_value(item, need)]
            if item.wide or len(pending) == 4:
                yield "pairs", pending
                pending = []
    if pending:
        yield "pairs", pending
    yield "pairs", ["同意条款版本", need.consent_version, "同意时间", _local(need.consent_at)]


THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="F0F0F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _label(ws: Worksheet, row: int, column: int, text: str) -> None:
    cell = write_cell(ws, row, column, text)
    cell.font = Font(bold=True)
    cell.fill = LABEL_FILL
    cell.alignment = WRAP
    cell.border = BORDER


def _value(ws: Worksheet, row: int, column: int, value) -> None:
    cell = write_cell(ws, row, column, value)
    cell.alignment = WRAP
    cell.border = BORDER
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def attachment2_write_sheet(ws: Worksheet, need: Need) -> None:
    """Lay one need (with its enterprise) out on an empty worksheet."""
    for column, width in zip("ABCD", (24, 42, 24, 42), strict=True):
        ws.column_dimensions[column].width = width
    write_cell(ws, 1, 1, TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for row, (kind, cells) in enumerate(attachment2_rows(need), start=3):
        if kind == "section":
            write_cell(ws, row, 1, cells[0]).font = Font(bold=True, size=12)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            continue
        _label(ws, row, 1, cells[0])
        for column, value in enumerate(cells[1:], start=2):
            (_label if kind == "pairs" and column == 3 else _value)(ws, row, column, value)
        if len(cells) == 2:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    ws.print_options.gridLines = False
    ws.page_setup.fitToWidth = 1


def attachment2_sheet_title(need: Need) -> str:
    return (need.reference or f"草稿{need.pk}")[:31]


def attachment2_workbook(needs: Need | Iterable[Need]) -> Workbook:
    """One sheet per need (pass one need or several)."""
    needs = [needs] if isinstance(needs, Need) else list(needs)
    wb = Workbook()
    wb.remove(wb.active)
    for need in needs:
        attachment2_write_sheet(wb.create_sheet(title=attachment2_sheet_title(need)), need)
    return wb


# ---------------------------------------------------------------------------
# Reading the layout back
# ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = re.sub(r"\s", "", str(text)).replace("（", "(").replace("）", ")").rstrip(":：")
    return re.sub(r"\(万元\)$", "", text)


LABEL_KEYS = {
    # The three levels are read from the 所属技术领域 row, not by their labels.
    **{_norm(i.label): (i.group, i.name) for i in FIELDS if i not in LEVELS},
    "统一社会信用代码": ("enterprise", "credit_code"),
    "需求编号": ("", "reference"),
    "征集批次": ("", "call"),
    _norm(zh(FIELD_PATH_LABEL)): ("", "field"),
}


def _ticked(text: str) -> list[str]:
    return [label.strip() for mark, label in re.findall(r"([☑☐■□✓√])\s*([^☑☐■□✓√]+)", text) if mark in "☑■✓√"]


def _ticked_codes(text: str, text_choices) -> list[str]:
    by_label = {_norm(label): value for value, label in _choices(text_choices)}
    return [by_label[_norm(label)] for label in _ticked(text) if _norm(label) in by_label]


def _yes_no(text: str) -> bool | None:
    ticked = _ticked(text)
    if ticked:
        return ticked[0].startswith("是")
    return {"是": True, "否": False}.get(text.strip())


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "").replace("万元", "").strip())
    except InvalidOperation:
        return None


def _int(value) -> int | None:
    number = _decimal(value)
    return int(number) if number is not None and number == number.to_integral_value() else None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", cell_text(value))
    return date(*map(int, match.groups())) if match else None


def _leading_code(text: str) -> str:
    match = re.match(r"^([0-9A-Z.]+)\s", text.split("：", 1)[-1].strip() + " ")
    return match.group(1) if match else ""


def _division_code(text: str) -> str | None:
    match = re.match(r"^(.+?)(?:[（(](.+?)[)）])?$", text)
    if not match or not text:
        return None
    name, city = match.groups()
    candidates = Division.objects.filter(name_zh=name.strip()).exclude(level__in=["province", "city"])
    if city:
        candidates = candidates.filter(parent__name_zh=city.strip())
    codes = list(candidates.values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else None


def _read(item: Item, value, errors: list[str]) -> dict[str, Any]:
    text, field = cell_text(value), item.field
    if isinstance(field, models.BooleanField):
        return {item.name: _yes_no(text)}
    if item.choices:
        codes = _ticked_codes(text, item.choices)
        return {item.name: codes if isinstance(field, models.JSONField) else (codes[0] if codes else "")}
    if isinstance(field, models.DecimalField):
        return {item.name: _decimal(value)}
    if isinstance(field, models.IntegerField):
        return {item.name: _int(value)}
    if isinstance(field, models.DateField):
        return {item.name: _date(value)}
    if item.name == "hitech_zone":
        zone = HiTechZone.objects.filter(name_zh=text).first() if text else None
        return {"hitech_zone": zone.pk if zone else None, "hitech_zone_other": "" if zone else text}
    if item.name in ("industry", "division"):
        code = _leading_code(text) if item.name == "industry" else _division_code(text)
        if code and item.name == "industry" and not Industry.objects.filter(code=code).exists():
            code = None
        if text and not code:
            errors.append(f"{item.label}：{text}")
        return {item.name: code or None}
    return {item.name: text.upper() if item.name == "credit_code" else text}


def attachment2_read_sheet(ws: Worksheet) -> dict[str, Any]:
    """Read an in-memory sheet laid out like Attachment 2 (see attachment2_read_rows)."""
    return attachment2_read_rows(ws.iter_rows(values_only=True))


def _at(values: Sequence, index: int) -> Any:
    return values[index] if index < len(values) else None


def attachment2_read_rows(rows: Iterable[Sequence]) -> dict[str, Any]:
    """Read rows of values laid out like Attachment 2, finding each value right of its label.

    Rows may be of any length (portal.uploads cuts them after their last value).
    Returns {"reference", "call", "enterprise": {model field: value},
    "need": {model field: value}, "errors": [text that could not be resolved]}.
    Codes are returned for closed lists (enterprise type, categories, modes,
    technology fields "field_l1/2/3", industry, division); booleans for 是/否;
    Decimal for 万元 amounts; nothing is written to the database.
    """
    raw: dict[str, dict[str, Any]] = {"enterprise": {}, "need": {}, "": {}}
    for values in rows:
        for column, value in enumerate(values):
            # Labels are short; long texts are values, not worth normalising.
            if not isinstance(value, str) or len(value) > 100:
                continue
            found = LABEL_KEYS.get(_norm(value))
            if found is None:
                continue
            group, key = found
            if key in raw[group]:
                continue
            if key == "field":
                raw[""]["field"] = [_at(values, column + i) for i in (1, 2, 3)]
            else:
                raw[group][key] = _at(values, column + 1)
    errors: list[str] = []
    read: dict[str, dict[str, Any]] = {"enterprise": {}, "need": {}}
    for item in FIELDS:
        if item.name in raw[item.group]:
            read[item.group].update(_read(item, raw[item.group][item.name], errors))
    need = read["need"]
    for level, value in enumerate(raw[""].get("field") or []):
        code = _leading_code(cell_text(value))
        need[f"field_l{level + 1}"] = code if code and TechField.objects.filter(code=code).exists() else None
    return {
        "reference": cell_text(raw[""].get("reference")),
        "call": cell_text(raw[""].get("call")),
        "enterprise": read["enterprise"],
        "need": need,
        "errors": errors,
    }
