"""Exporters of the partner app: they only yield rows; portal.exports writes them."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from partners.models import Partner
from partners.selectors import hk_need_present
from partners.services import IMPORT_COLUMNS
from portal.exports import table_workbook


def partner_rows(partners: Iterable[Partner]) -> Iterator[list]:
    """Rows in the import layout (docs/partners-import.md), so an export can be
    edited and imported back."""
    for p in partners:
        yield [
            p.pk,
            p.name_zh_hant,
            p.name_en,
            p.acronym,
            p.kind,
            p.parent.name_en if p.parent_id else "",
            ";".join(f.code for f in p.fields.all()),
            p.description,
            p.description_en,
            p.keywords,
            ";".join(p.cooperation_modes),
            p.website,
            p.contact_name,
            p.contact_email,
            p.contact_phone,
            "是" if p.is_active else "否",
        ]


def partners_workbook(partners: Iterable[Partner]):
    return table_workbook([(_("香港机构"), list(IMPORT_COLUMNS), partner_rows(partners))])


def hk_need_rows(rows: Iterable[dict], *, script: str = "") -> Iterator[list]:
    """Rows of the Hong Kong need export, from the projection only."""
    for row in rows:
        need = hk_need_present(row, script=script)
        yield [
            need["reference"],
            need["title"],
            need["field_path"],
            "；".join(need["category_labels"]),
            need["description"],
            need["basis"],
            need["partner_requirements"],
            need["partner_role"],
            "；".join(need["mode_labels"]),
            need["investment_band_label"],
            need["city_name"],
            need["released_name"],
            need["released_contact_name"],
            need["released_contact_phone"],
            need["released_contact_email"],
        ]


def hk_needs_workbook(rows: Iterable[dict], *, script: str = ""):
    headers = [
        _("需求编号"),
        _("技术需求名称"),
        _("技术领域"),
        _("需求类别"),
        _("需求内容描述"),
        _("现有基础"),
        _("港方机构应具备的条件"),
        _("港方机构在项目合作中承担的工作"),
        _("合作方式"),
        _("意向投入金额区间"),
        _("城市"),
        _("企业名称（已交换）"),
        _("联系人（已交换）"),
        _("联系电话（已交换）"),
        _("电子邮件（已交换）"),
    ]
    return table_workbook([(_("江苏企业需求"), headers, hk_need_rows(rows, script=script))])
