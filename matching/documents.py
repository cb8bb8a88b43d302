"""ORM rows → scorer documents (:class:`NeedDoc`, :class:`PartnerDoc`).

Only the columns the scorer reads are loaded (``values()``), so neither the
enterprise's private fields nor the partner's contacts ever enter a worker's
memory, and a full directory loads in a handful of queries.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from matching.scoring import NeedDoc, PartnerDoc
from needs import workflow
from needs.models import Call, Need, TechField
from partners.models import Partner

_KEYWORD_SPLIT = re.compile(r"[,，;；、\n]+")

NEED_COLUMNS = (
    "id",
    "call_id",
    "title",
    "description",
    "basis",
    "partner_requirements",
    "partner_role",
    "field_l1_id",
    "field_l2_id",
    "field_l3_id",
    "cooperation_modes",
    "has_intended_partner",
    "intended_partner_name",
)
PARTNER_COLUMNS = (
    "id",
    "name_zh_hant",
    "name_en",
    "name_zh_hans",
    "acronym",
    "keywords",
    "cooperation_modes",
)
# The directory keeps an English description beside the Traditional Chinese one
# (added with the directory work); the scorer reads both.
_PARTNER_TEXT_COLUMNS = tuple(
    name for name in ("description", "description_en") if any(f.name == name for f in Partner._meta.fields)
)


def scorable_needs() -> QuerySet[Need]:
    return Need.objects.filter(status__in=workflow.MATCHABLE)


def _field_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(TechField.objects.filter(code__in=set(codes)).values_list("code", "name_zh"))


def _focus_codes(call_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    through = Call.focus_fields.through
    out: dict[int, list[str]] = defaultdict(list)
    for call_id, code in (
        through.objects.filter(call_id__in=set(call_ids))
        .order_by("techfield_id")
        .values_list("call_id", "techfield_id")
    ):
        out[call_id].append(code)
    return {k: tuple(v) for k, v in out.items()}


def _need_doc(row: dict, names: dict[str, str], focus: dict[int, tuple[str, ...]]) -> NeedDoc:
    codes = tuple(c for c in (row["field_l1_id"], row["field_l2_id"], row["field_l3_id"]) if c)
    named = row["intended_partner_name"] if row["has_intended_partner"] is not False else ""
    return NeedDoc(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        basis=row["basis"],
        partner_requirements=row["partner_requirements"],
        partner_role=row["partner_role"],
        field_codes=codes,
        field_names=tuple(names.get(c, "") for c in codes if names.get(c)),
        cooperation_modes=tuple(row["cooperation_modes"] or ()),
        named_partner=(named or "").strip(),
        focus_field_codes=focus.get(row["call_id"], ()),
    )


def need_docs(needs: QuerySet[Need]) -> list[NeedDoc]:
    """Scorer documents of the given needs, in id order."""
    rows = list(needs.order_by("id").values(*NEED_COLUMNS))
    codes = {r[k] for r in rows for k in ("field_l1_id", "field_l2_id", "field_l3_id") if r[k]}
    names = _field_names(codes)
    focus = _focus_codes(r["call_id"] for r in rows)
    return [_need_doc(r, names, focus) for r in rows]


def need_to_doc(need: Need) -> NeedDoc:
    """The scorer document of one need."""
    docs = need_docs(Need.objects.filter(pk=need.pk))
    return docs[0]


def _partner_doc(row: dict, codes: tuple[str, ...]) -> PartnerDoc:
    names = tuple(
        n.strip()
        for n in (row["name_zh_hant"], row["name_en"], row["name_zh_hans"], row["acronym"])
        if n.strip()
    )
    keywords = tuple(k.strip() for k in _KEYWORD_SPLIT.split(row["keywords"] or "") if k.strip())
    return PartnerDoc(
        id=row["id"],
        names=names,
        description="\n".join(row[c] for c in _PARTNER_TEXT_COLUMNS if row[c]),
        keywords=keywords,
        field_codes=codes,
        cooperation_modes=tuple(row["cooperation_modes"] or ()),
    )


def partner_docs(partners: QuerySet[Partner]) -> list[PartnerDoc]:
    """Scorer documents of the given partners, in id order, in two queries."""
    rows = list(partners.order_by("id").values(*PARTNER_COLUMNS, *_PARTNER_TEXT_COLUMNS))
    through = Partner.fields.through
    codes: dict[int, list[str]] = defaultdict(list)
    for partner_id, code in (
        through.objects.filter(partner__in=partners.values("id"))
        .order_by("techfield_id")
        .values_list("partner_id", "techfield_id")
    ):
        codes[partner_id].append(code)
    return [_partner_doc(r, tuple(codes.get(r["id"], ()))) for r in rows]


def active_partner_docs() -> list[PartnerDoc]:
    """Every active partner of the directory."""
    return partner_docs(Partner.objects.filter(is_active=True))


def partner_to_doc(partner: Partner) -> PartnerDoc:
    """The scorer document of one partner."""
    return partner_docs(Partner.objects.filter(pk=partner.pk))[0]
