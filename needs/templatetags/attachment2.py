"""Attachment 2 for pages: its sections and fields from needs.spec, labels never restated."""

from django import template
from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.utils import formats
from django.utils.translation import gettext as _

from needs.attachment2 import boxes
from needs.models import Need
from needs.spec import FIELD_PATH_LABEL, FIELDS, SECTIONS, Item

register = template.Library()


def _display(item: Item, need: Need, boxed: bool):
    value, field = item.value(need), item.field
    if item.choices and not boxed:
        chosen = value if isinstance(value, list) else [value]
        return "、".join(str(label) for code, label in item.choices.choices if code in chosen)
    if isinstance(field, models.BooleanField):
        return boxes(((True, _("是")), (False, _("否"))), value)
    if item.choices:
        return boxes(item.choices.choices, value)
    if isinstance(field, models.TextField):
        return linebreaksbr(value)
    if isinstance(field, models.DateField):
        return formats.date_format(value, "Y-m-d") if value else ""
    if item.name == "division":
        return " ".join(d.name_zh for d in (value.parent, value) if d) if value else ""
    if isinstance(field, models.ForeignKey):
        return item.get(need) if item.getter else str(value or "")
    return "" if value is None else value


@register.simple_tag
def attachment2_sections(
    need: Need, names: str = "", boxed: bool = True
) -> list[tuple[str, list[tuple[str, object]]]]:
    """[(section title, [(label, value), …]), …] of sections 1–3 in the form's
    order; `names` (space-separated) keeps only those fields; closed lists show
    every box, ticked or not, unless `boxed` is False (then the chosen labels).
    The three technology-field levels make one row, the path."""
    wanted = names.split()
    sections: dict[int, list] = {}
    for item in FIELDS:
        if not item.section or (wanted and item.name not in wanted) or item.name in ("field_l2", "field_l3"):
            continue
        if item.name == "field_l1":
            row = (FIELD_PATH_LABEL, " / ".join(str(f) for f in need.field_path))
        else:
            row = (item.verbose_name, _display(item, need, boxed))
        sections.setdefault(item.section, []).append(row)
    return [(SECTIONS[number], rows) for number, rows in sections.items()]
