"""Attachment 2 (江苏企业与香港技术合作需求信息表): its fields, written once.

`FIELDS` lists the form's fields in the form's order with their section,
whether they are required (enterprise profile) or required to submit (need),
the batch export's cell (`Item.get`) and the batch import's reading of it
(`Item.read`). Labels are the model fields' verbose names. The forms, the
Attachment 2 sheet, the batch export and import and the `attachment2` template
tag iterate it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from needs.models import CooperationMode, Enterprise, EnterpriseType, HiTechZone, Need, NeedCategory
from portal.exports import FORMULA_PREFIXES

SECTIONS = {
    1: _("1、企业基本信息"),
    2: _("2、企业技术需求信息"),
    3: _("3、香港意向合作机构要求"),
    0: _("授权与同意"),
}
FIELD_PATH_LABEL = _("所属技术领域")  # field_l1/2/3 shown as one path
LIST_SEPARATOR = "；"


def zh(text) -> str:
    """The exact Chinese text of a label, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(text)


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


@lru_cache(maxsize=512)
def _label(choices_class, code: str, language: str | None) -> str:
    # Lazy labels cost a gettext call per cell; 10,000 rows make that count.
    return str(dict(choices_class.choices).get(code, code))


def choice_label(choices_class, code: str) -> str:
    return _label(choices_class, code, get_language()) if code else ""


def _code_name(obj) -> str:
    return f"{obj.pk} {obj.name_zh}" if obj is not None else ""


def _zone(e: Enterprise) -> str:
    return e.hitech_zone.name_zh if e.hitech_zone_id else e.hitech_zone_other


def _zone_cell(value) -> dict[str, Any]:
    text = cell_text(value)
    zone = HiTechZone.objects.filter(name_zh=text).first() if text else None
    return {"hitech_zone": zone.pk if zone else None, "hitech_zone_other": "" if zone else text}


def _cell_yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"是": True, "否": False}.get(cell_text(value))


def _cell_codes(value, choices) -> list[str]:
    by_label = {str(label): code for code, label in choices}
    parts = [p.strip() for p in re.split(r"[；;\n]", cell_text(value)) if p.strip()]
    return [by_label.get(p, p) for p in parts]


@dataclass(frozen=True)
class Item:
    model: type[models.Model]
    name: str
    section: int
    required: bool = False
    wide: bool = False  # alone on its row of the Attachment 2 sheet
    choices: Any = None  # the TextChoices of a closed list
    getter: Callable[[Any], Any] | None = None  # of the enterprise or need, for the export
    parser: Callable[[Any], dict[str, Any]] | None = None  # of the export's cell

    @property
    def group(self) -> str:
        return "enterprise" if self.model is Enterprise else "need"

    @property
    def key(self) -> str:
        return f"{self.group}.{self.name}"

    @property
    def field(self) -> models.Field:
        return self.model._meta.get_field(self.name)

    @property
    def verbose_name(self):
        return self.field.verbose_name

    @cached_property
    def label(self) -> str:
        """The exact Chinese label the exports write (the batch import matches it)."""
        return zh(self.verbose_name)

    def value(self, need: Need) -> Any:
        return getattr(need.enterprise if self.model is Enterprise else need, self.name)

    def get(self, need: Need) -> Any:
        """The batch export's cell."""
        owner = need.enterprise if self.model is Enterprise else need
        if self.getter:
            return self.getter(owner)
        value = self.value(need)
        if self.choices and isinstance(self.field, models.JSONField):
            return LIST_SEPARATOR.join(choice_label(self.choices, code) for code in value or [])
        if self.choices:
            return choice_label(self.choices, value)
        if isinstance(self.field, models.ForeignKey):
            return _code_name(value)
        return value

    def read(self, value) -> dict[str, Any]:
        """The batch import's model values from the export's cell."""
        field = self.field
        if self.parser:
            return self.parser(value)
        if isinstance(field, models.BooleanField):
            parsed = _cell_yes_no(value)
        elif self.choices and isinstance(field, models.JSONField):
            parsed = _cell_codes(value, self.choices.choices)
        elif self.choices:
            types = {str(label): code for code, label in self.choices.choices}
            parsed = types.get(cell_text(value), cell_text(value))
        elif isinstance(field, models.ForeignKey):
            parsed = cell_text(value).split(" ", 1)[0] or None
        elif isinstance(field, (models.DecimalField, models.IntegerField, models.DateField)):
            parsed = value
        else:
            parsed = cell_text(value)
        return {self.name: parsed}


E, N = Enterprise, Need
FIELDS: tuple[Item, ...] = (
    Item(E, "name", 1, required=True, wide=True),
    Item(E, "credit_code", 1, required=True),
    Item(E, "founded_on", 1, required=True),
    Item(E, "enterprise_type", 1, required=True, choices=EnterpriseType),
    Item(E, "industry", 1, required=True),
    Item(E, "main_business", 1, required=True),
    Item(E, "main_products", 1, required=True),
    Item(E, "is_high_tech", 1, required=True),
    Item(E, "revenue_last_year", 1, required=True),
    Item(E, "in_hitech_zone", 1, required=True),
    Item(E, "hitech_zone", 1, getter=_zone, parser=_zone_cell),
    Item(E, "employees", 1, required=True),
    Item(E, "rnd_staff", 1, required=True),
    Item(E, "address", 1, required=True),
    Item(E, "division", 1, required=True),
    Item(E, "contact_name", 1, required=True),
    Item(E, "contact_phone", 1, required=True),
    Item(E, "contact_email", 1, required=True),
    Item(E, "website", 1),
    Item(E, "introduction", 1, required=True, wide=True),
    Item(N, "title", 2, required=True, wide=True),
    Item(N, "field_l1", 2, required=True),
    Item(N, "field_l2", 2, required=True),
    Item(N, "field_l3", 2),  # required when the second level has children
    Item(N, "intended_investment", 2, required=True),
    Item(N, "total_investment", 2, required=True),
    Item(N, "categories", 2, required=True, wide=True, choices=NeedCategory),
    Item(N, "description", 2, required=True, wide=True),
    Item(N, "basis", 2, required=True, wide=True),
    Item(N, "partner_requirements", 3, required=True, wide=True),
    Item(N, "partner_role", 3, required=True, wide=True),
    Item(N, "has_intended_partner", 3, required=True),
    Item(N, "intended_partner_name", 3),  # required when there is one
    Item(N, "cooperation_modes", 3, required=True, wide=True, choices=CooperationMode),
    Item(N, "consent_share_hk", 0, wide=True),
    Item(N, "consent_contact_release", 0, wide=True),
)
ENTERPRISE_FIELDS = tuple(i for i in FIELDS if i.model is Enterprise)
BY_KEY = {i.key: i for i in FIELDS}
# Need fields an enterprise fills in (sections 2 and 3), in the form's order.
NEED_FIELDS = tuple(i.name for i in FIELDS if i.section in (2, 3))
SUBMIT_REQUIRED = tuple(i.name for i in FIELDS if i.section in (2, 3) and i.required)
