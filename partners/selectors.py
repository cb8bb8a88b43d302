"""Reads over the partner directory, the needs Hong Kong users may see, and
expressions of interest.

`hk_need_projection` is the single source of everything a Hong Kong user can
reach about needs: it projects public columns with `.values()`, so no template,
export or JSON response can walk to `need.enterprise`. The enterprise's
contacts are added only as `released_*` columns, filled only where a
ContactRelease exists for that need and *this* partner and the enterprise
agreed to contact release. The credit code, address and business figures are
never projected, released or not.
"""

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from needs.models import CooperationMode, Division, Enterprise, NeedCategory
from needs.selectors import needs_published
from partners.models import (
    OPEN_INTEREST_STATUSES,
    ContactRelease,
    ExpressionOfInterest,
    Partner,
)
from partners.scripts import query_variants, to_hant_hk

# --- the Hong Kong projection of needs ---------------------------------------------

# (code, lower bound in 万元 inclusive, upper bound exclusive, label)
INVESTMENT_BANDS = (
    ("lt100", None, 100, _("100万元以下")),
    ("100_500", 100, 500, _("100–500万元")),
    ("500_1000", 500, 1000, _("500–1000万元")),
    ("1000_5000", 1000, 5000, _("1000–5000万元")),
    ("gte5000", 5000, None, _("5000万元及以上")),
)
INVESTMENT_BAND_LABELS = {code: label for code, _lo, _hi, label in INVESTMENT_BANDS}
UNKNOWN_BAND_LABEL = _("未填写")

# Public columns of a need; nothing here reaches the enterprise's private fields.
PUBLIC_NEED_COLUMNS = (
    "id",
    "reference",
    "title",
    "field_l1_id",
    "field_l2_id",
    "field_l1_name",
    "field_l2_name",
    "field_l3_name",
    "categories",
    "cooperation_modes",
    "description",
    "basis",
    "partner_requirements",
    "partner_role",
    "investment_band",
    "city_code",
    "city_name",
    "published_at",
    "contacts_released",
)
# What a release passes on: how to reach the enterprise, nothing more (never the
# credit code, the address, revenue or staff figures).
RELEASED_FIELDS = ("name", "contact_name", "contact_phone", "contact_email", "website")
RELEASED_COLUMNS = tuple(f"released_{name}" for name in RELEASED_FIELDS)
HK_NEED_COLUMNS = PUBLIC_NEED_COLUMNS + RELEASED_COLUMNS
SEARCHED_COLUMNS = ("title", "description", "basis", "partner_requirements", "partner_role")

SORTS = {
    "new": ("-published_at", "-id"),
    "old": ("published_at", "id"),
    "title": ("title", "id"),
    "investment": ("-band_order", "-id"),
}
TEXT_COLUMNS = ("title", "description", "basis", "partner_requirements", "partner_role")


def _band_case():
    whens = []
    for code, low, high, _label in INVESTMENT_BANDS:
        condition = Q()
        if low is not None:
            condition &= Q(intended_investment__gte=low)
        if high is not None:
            condition &= Q(intended_investment__lt=high)
        whens.append(When(condition & Q(intended_investment__isnull=False), then=Value(code)))
    return Case(*whens, default=Value(""), output_field=CharField())


def _band_order_case():
    whens = [
        When(investment_band=code, then=Value(index + 1))
        for index, (code, *_rest) in enumerate(INVESTMENT_BANDS)
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def hk_need_projection(*, partner: Partner) -> QuerySet:
    """Published needs as dicts of public columns, plus `released_*` columns
    holding the enterprise's contacts only where staff released them to
    `partner` and the enterprise agreed (empty strings otherwise)."""
    # Defence in depth: a release row alone is not enough, the need's consent
    # must still hold (a release made before a withdrawal shows nothing).
    released = ContactRelease.objects.filter(
        need=OuterRef("pk"), partner=partner, need__consent_contact_release=True
    )
    is_city = Q(enterprise__division__level=Division.Level.CITY)
    private = {
        f"released_{name}": Case(
            When(contacts_released=True, then=F(f"enterprise__{name}")),
            default=Value(""),
            output_field=CharField(),
        )
        for name in RELEASED_FIELDS
    }
    return (
        needs_published()
        .annotate(
            field_l1_name=F("field_l1__name_zh"),
            field_l2_name=F("field_l2__name_zh"),
            field_l3_name=F("field_l3__name_zh"),
            city_code=Case(
                When(is_city, then=F("enterprise__division_id")),
                default=F("enterprise__division__parent_id"),
                output_field=CharField(),
            ),
            city_name=Case(
                When(is_city, then=F("enterprise__division__name_zh")),
                default=F("enterprise__division__parent__name_zh"),
                output_field=CharField(),
            ),
            investment_band=_band_case(),
            published_at=F("submitted_at"),
            contacts_released=Exists(released),
        )
        .annotate(band_order=_band_order_case(), **private)
        .values(*HK_NEED_COLUMNS)
        .order_by(*SORTS["new"])
    )


def hk_need_search(
    *,
    partner: Partner,
    q: str = "",
    field: str = "",
    category: str = "",
    mode: str = "",
    city: str = "",
    sort: str = "new",
) -> QuerySet:
    """Filter and sort the projection. Every word of `q` must appear (in any of
    its Simplified/Traditional forms) in one of the public text columns."""
    qs = hk_need_projection(partner=partner)
    for term in q.split():
        match = Q()
        for variant in query_variants(term):
            for column in SEARCHED_COLUMNS:
                match |= Q(**{f"{column}__icontains": variant})
        qs = qs.filter(match)
    if field:
        qs = qs.filter(Q(field_l1_id=field) | Q(field_l2_id=field) | Q(field_l3_id=field))
    if category:
        qs = qs.alias(categories_text=Cast("categories", TextField())).filter(
            categories_text__contains=f'"{category}"'
        )
    if mode:
        qs = qs.alias(modes_text=Cast("cooperation_modes", TextField())).filter(
            modes_text__contains=f'"{mode}"'
        )
    if city:
        qs = qs.filter(city_code=city)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


def hk_need_get(*, partner: Partner, need_id: int) -> dict:
    row = hk_need_projection(partner=partner).filter(id=need_id).first()
    if row is None:
        raise Http404
    return row


def hk_need_present(row: dict, *, script: str = "") -> dict:
    """Add display labels to one projected row; with script="hant" the need's
    texts are shown converted to Hong Kong Traditional Chinese."""
    categories = dict(NeedCategory.choices)
    modes = dict(CooperationMode.choices)
    shown = dict(row)
    shown["category_labels"] = [str(categories[c]) for c in row["categories"] if c in categories]
    shown["mode_labels"] = [str(modes[c]) for c in row["cooperation_modes"] if c in modes]
    shown["investment_band_label"] = str(
        INVESTMENT_BAND_LABELS.get(row["investment_band"], UNKNOWN_BAND_LABEL)
    )
    shown["field_path"] = " / ".join(
        name for name in (row["field_l1_name"], row["field_l2_name"], row["field_l3_name"]) if name
    )
    if script == "hant":
        for column in (*TEXT_COLUMNS, "field_path", "city_name"):
            shown[column] = to_hant_hk(shown[column] or "")
    return shown


def hk_need_cities() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.CITY).order_by("code")


# --- the directory ---------------------------------------------------------------

# What anyone may see of a partner (no contact).
PUBLIC_PARTNER_COLUMNS = (
    "id",
    "name_zh_hant",
    "name_zh_hans",
    "name_en",
    "acronym",
    "kind",
    "parent_id",
    "parent__name_zh_hant",
    "parent__name_en",
    "description",
    "description_en",
    "keywords",
    "cooperation_modes",
    "website",
)


def partner_search(*, q: str = "", field: str = "", kind: str = "", active_only: bool = True) -> QuerySet:
    qs = Partner.objects.select_related("parent").prefetch_related("fields")
    if active_only:
        qs = qs.filter(is_active=True)
    for term in q.split():
        match = Q()
        for variant in query_variants(term):
            for column in (
                "name_zh_hant",
                "name_zh_hans",
                "name_en",
                "acronym",
                "keywords",
                "description",
                "description_en",
            ):
                match |= Q(**{f"{column}__icontains": variant})
        qs = qs.filter(match)
    if field:
        qs = qs.filter(fields__code=field)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct().order_by("kind", "name_en", "id")


def partner_directory(*, q: str = "", field: str = "", kind: str = "") -> QuerySet:
    """The public directory: active partners, public columns only."""
    return partner_search(q=q, field=field, kind=kind).values(*PUBLIC_PARTNER_COLUMNS)


def partner_public_get(*, partner_id: int) -> dict:
    row = Partner.objects.filter(is_active=True, pk=partner_id).values(*PUBLIC_PARTNER_COLUMNS).first()
    if row is None:
        raise Http404
    return row


def partner_field_names(partner_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    through = Partner.fields.through.objects.filter(partner_id__in=list(partner_ids))
    for partner_id, name in through.values_list("partner_id", "techfield__name_zh").order_by(
        "techfield__code"
    ):
        names.setdefault(partner_id, []).append(name)
    return names


# --- expressions of interest and releases ------------------------------------------


def interests_of_partner(*, partner: Partner) -> QuerySet[ExpressionOfInterest]:
    """An institution's own expressions (never another institution's); the need
    is reached only through its public title and reference."""
    return ExpressionOfInterest.objects.filter(partner=partner).order_by("-created_at")


def _published(column: str):
    """A need's column as it was published (the snapshot staff published), or
    the live column for a need published before snapshots were kept."""
    return Coalesce(
        NullIf(KeyTextTransform(column, "need__published_snapshot"), Value("")),
        F(f"need__{column}"),
        output_field=CharField(),
    )


def interest_rows_of_partner(*, partner: Partner, need_id: int | None = None) -> QuerySet:
    """The institution's expressions with the need's title and reference as
    published, never as the enterprise edited them afterwards."""
    qs = interests_of_partner(partner=partner)
    if need_id is not None:
        qs = qs.filter(need_id=need_id)
    return qs.annotate(need_title=_published("title"), need_reference=_published("reference")).values(
        "id",
        "need_id",
        "need_reference",
        "need_title",
        "source",
        "status",
        "proposal",
        "questions",
        "contact",
        "decline_reason",
        "created_at",
        "expires_at",
    )


def interest_queue(*, status: str = "") -> QuerySet[ExpressionOfInterest]:
    qs = ExpressionOfInterest.objects.select_related(
        "need", "need__enterprise", "partner", "created_by", "decided_by"
    )
    if status == "open":
        qs = qs.filter(status__in=OPEN_INTEREST_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("expires_at" if status == "open" else "-created_at")


def releases_of_enterprise(*, enterprise: Enterprise | None) -> QuerySet[ContactRelease]:
    """Contacts released for an enterprise's needs: the institution's contact."""
    if enterprise is None:
        return ContactRelease.objects.none()
    return (
        ContactRelease.objects.filter(need__enterprise=enterprise)
        .select_related("need", "partner")
        .order_by("-released_at")
    )
