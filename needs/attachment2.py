"""Attachment 2 (江苏企业与香港技术合作需求信息表) as a spreadsheet.

`attachment2_write_sheet` lays one need out like the official form: four
columns (label, value, label, value), the three sections, ticked boxes shown as
☑/☐. `attachment2_read_sheet` reads the same layout back by its labels, so a
sheet filled in by hand (or exported and edited) can be imported.
All user text goes through portal.exports, so it is never a formula.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from needs.models import (
    CooperationMode,
    Division,
    EnterpriseType,
    HiTechZone,
    Industry,
    Need,
    NeedCategory,
    TechField,
)
from portal.exports import FORMULA_PREFIXES, write_cell

TITLE = "江苏企业与香港技术合作需求信息表"
TICKED, UNTICKED = "☑", "☐"
YES_NO = ((True, "是"), (False, "否"))
LEVEL_LABELS = ("一级分类", "二级分类", "三级分类")

SECTION_1 = "1、企业基本信息"
SECTION_2 = "2、企业技术需求信息"
SECTION_3 = "3、香港意向合作机构要求"
SECTION_CONSENT = "授权与同意"


def _boxes(options: Iterable[tuple[Any, str]], chosen) -> str:
    chosen = chosen if isinstance(chosen, (list, tuple, set)) else [chosen]
    return "  ".join(f"{TICKED if value in chosen else UNTICKED}{label}" for value, label in options)


def _choices(text_choices) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in text_choices.choices]


def _field(f: TechField | None, level: int) -> str:
    return f"{LEVEL_LABELS[level]}：{f.code} {f.name_zh}" if f else f"{LEVEL_LABELS[level]}："


def _division(d: Division | None) -> str:
    if d is None:
        return ""
    return f"{d.name_zh}（{d.parent.name_zh}）" if d.parent_id else d.name_zh


def _zone(e) -> str:
    if e.hitech_zone_id:
        return e.hitech_zone.name_zh
    return e.hitech_zone_other


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# Each row: a section title (str) or a list of (label, value-of-need) pairs.
Row = str | list[tuple[str, Callable[[Need], Any]]]

LAYOUT: list[Row] = [
    [("需求编号", lambda n: n.reference or ""), ("征集批次", lambda n: n.call.title)],
    SECTION_1,
    [("企业名称", lambda n: n.enterprise.name)],
    [
        ("社会统一信用代码", lambda n: n.enterprise.credit_code),
        ("成立时间", lambda n: n.enterprise.founded_on),
    ],
    [
        ("企业类型", lambda n: _boxes(_choices(EnterpriseType), n.enterprise.enterprise_type)),
        ("所属行业", lambda n: str(n.enterprise.industry) if n.enterprise.industry_id else ""),
    ],
    [
        ("主营业务和专业领域", lambda n: n.enterprise.main_business),
        ("主要产品和服务", lambda n: n.enterprise.main_products),
    ],
    [
        ("是否高新技术企业", lambda n: _boxes(YES_NO, n.enterprise.is_high_tech)),
        ("上一年度营业总收入（万元）", lambda n: n.enterprise.revenue_last_year),
    ],
    [
        ("是否在高新区内", lambda n: _boxes(YES_NO, n.enterprise.in_hitech_zone)),
        ("高新区名称", lambda n: _zone(n.enterprise)),
    ],
    [("员工总数", lambda n: n.enterprise.employees), ("研发人员数", lambda n: n.enterprise.rnd_staff)],
    [
        ("企业地址", lambda n: n.enterprise.address),
        ("所在县(市、区)", lambda n: _division(n.enterprise.division)),
    ],
    [("联系人", lambda n: n.enterprise.contact_name), ("联系电话", lambda n: n.enterprise.contact_phone)],
    [("电子邮件", lambda n: n.enterprise.contact_email), ("企业网址", lambda n: n.enterprise.website)],
    [("企业基本情况简介", lambda n: n.enterprise.introduction)],
    SECTION_2,
    [("技术需求名称", lambda n: n.title)],
    "FIELD",
    [
        ("意向投入金额（万元）", lambda n: n.intended_investment),
        ("项目拟投入总金额（万元）", lambda n: n.total_investment),
    ],
    [("需求类别", lambda n: _boxes(_choices(NeedCategory), n.categories))],
    [("需求内容描述", lambda n: n.description)],
    [("现有基础", lambda n: n.basis)],
    SECTION_3,
    [("港方机构应具备的条件", lambda n: n.partner_requirements)],
    [("港方机构在项目合作中承担的工作", lambda n: n.partner_role)],
    [
        ("是否已有港方意向合作单位", lambda n: _boxes(YES_NO, n.has_intended_partner)),
        ("港方意向合作单位全称", lambda n: n.intended_partner_name),
    ],
    [("合作方式", lambda n: _boxes(_choices(CooperationMode), n.cooperation_modes))],
    SECTION_CONSENT,
    [("同意向香港机构公开需求", lambda n: _boxes(YES_NO, n.consent_share_hk))],
    [("同意交流中心向其推荐的香港机构提供联系方式", lambda n: _boxes(YES_NO, n.consent_contact_release))],
    [("同意条款版本", lambda n: n.consent_version), ("同意时间", lambda n: _local(n.consent_at))],
]

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
    row = 2
    for spec in LAYOUT:
        row += 1
        if spec == "FIELD":
            _label(ws, row, 1, "所属技术领域")
            for level, f in enumerate((need.field_l1, need.field_l2, need.field_l3)):
                _value(ws, row, 2 + level, _field(f, level))
        elif isinstance(spec, str):
            write_cell(ws, row, 1, spec).font = Font(bold=True, size=12)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        else:
            for index, (label, getter) in enumerate(spec):
                _label(ws, row, 1 + 2 * index, label)
                _value(ws, row, 2 + 2 * index, getter(need))
            if len(spec) == 1:
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

ENTERPRISE_LABELS = {
    "企业名称": "name",
    "社会统一信用代码": "credit_code",
    "统一社会信用代码": "credit_code",
    "成立时间": "founded_on",
    "企业类型": "enterprise_type",
    "所属行业": "industry",
    "主营业务和专业领域": "main_business",
    "主要产品和服务": "main_products",
    "是否高新技术企业": "is_high_tech",
    "上一年度营业总收入": "revenue_last_year",
    "是否在高新区内": "in_hitech_zone",
    "高新区名称": "hitech_zone",
    "员工总数": "employees",
    "研发人员数": "rnd_staff",
    "企业地址": "address",
    "所在县(市、区)": "division",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "电子邮件": "contact_email",
    "企业网址": "website",
    "企业基本情况简介": "introduction",
}
NEED_LABELS = {
    "技术需求名称": "title",
    "意向投入金额": "intended_investment",
    "项目拟投入总金额": "total_investment",
    "需求类别": "categories",
    "需求内容描述": "description",
    "现有基础": "basis",
    "港方机构应具备的条件": "partner_requirements",
    "港方机构在项目合作中承担的工作": "partner_role",
    "是否已有港方意向合作单位": "has_intended_partner",
    "港方意向合作单位全称": "intended_partner_name",
    "合作方式": "cooperation_modes",
    "同意向香港机构公开需求": "consent_share_hk",
    "同意交流中心向其推荐的香港机构提供联系方式": "consent_contact_release",
}
OTHER_LABELS = {"需求编号": "reference", "征集批次": "call", "所属技术领域": "field"}


def _norm(text: str) -> str:
    text = re.sub(r"\s", "", str(text)).replace("（", "(").replace("）", ")").rstrip(":：")
    return re.sub(r"\(万元\)$", "", text)


LABEL_KEYS = {
    _norm(label): (group, key)
    for group, labels in (("enterprise", ENTERPRISE_LABELS), ("need", NEED_LABELS), ("", OTHER_LABELS))
    for label, key in labels.items()
}


def cell_text(value) -> str:
    """A cell read back as the text it holds (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo the apostrophe portal.exports puts before formula-like text.
    if text.startswith("'") and text[1:2] and text[1] in "".join(FORMULA_PREFIXES):
        text = text[1:]
    return text


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


def _convert_enterprise(raw: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        text = cell_text(value)
        if key in ("is_high_tech", "in_hitech_zone"):
            out[key] = _yes_no(text)
        elif key == "enterprise_type":
            codes = _ticked_codes(text, EnterpriseType)
            out[key] = codes[0] if codes else ""
        elif key == "revenue_last_year":
            out[key] = _decimal(value)
        elif key in ("employees", "rnd_staff"):
            out[key] = _int(value)
        elif key == "founded_on":
            out[key] = _date(value)
        elif key == "industry":
            code = _leading_code(text)
            out[key] = code if code and Industry.objects.filter(code=code).exists() else None
            if text and out[key] is None:
                errors.append(f"所属行业：{text}")
        elif key == "division":
            out[key] = _division_code(text)
            if text and out[key] is None:
                errors.append(f"所在县(市、区)：{text}")
        elif key == "hitech_zone":
            zone = HiTechZone.objects.filter(name_zh=text).first() if text else None
            out["hitech_zone"] = zone.pk if zone else None
            out["hitech_zone_other"] = "" if zone else text
        else:
            out[key] = text.upper() if key == "credit_code" else text
    return out


def _convert_need(raw: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        text = cell_text(value)
        if key in ("has_intended_partner", "consent_share_hk", "consent_contact_release"):
            out[key] = _yes_no(text)
        elif key == "categories":
            out[key] = _ticked_codes(text, NeedCategory)
        elif key == "cooperation_modes":
            out[key] = _ticked_codes(text, CooperationMode)
        elif key in ("intended_investment", "total_investment"):
            out[key] = _decimal(value)
        else:
            out[key] = text
    return out


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
    need = _convert_need(raw["need"], errors)
    for level, value in enumerate(raw[""].get("field") or []):
        code = _leading_code(cell_text(value))
        need[f"field_l{level + 1}"] = code if code and TechField.objects.filter(code=code).exists() else None
    return {
        "reference": cell_text(raw[""].get("reference")),
        "call": cell_text(raw[""].get("call")),
        "enterprise": _convert_enterprise(raw["enterprise"], errors),
        "need": need,
        "errors": errors,
    }
