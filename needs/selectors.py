"""Reads over calls, enterprises and needs."""

from collections import defaultdict
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from needs import workflow
from needs.models import (
    Call,
    Division,
    HiTechZone,
    Industry,
    Need,
    TechField,
)
from needs.workflow import is_past_deadline, need_is_editable, need_is_withdrawable
from portal.models import User

NEED_RELATED = ("enterprise", "call", "field_l1", "field_l2", "field_l3")


def needs_published() -> QuerySet[Need]:
    """Needs published to Hong Kong institutions: accepted, with the enterprise's consent."""
    return Need.objects.filter(status__in=workflow.PUBLISHED, consent_share_hk=True).select_related(
        *NEED_RELATED
    )


def needs_for_enterprise(*, enterprise_id: int) -> QuerySet[Need]:
    return (
        Need.objects.filter(enterprise_id=enterprise_id)
        .select_related(*NEED_RELATED)
        .order_by("-call__opens_at", "-updated_at")
    )


def need_for_enterprise_user(*, user: User, pk: int) -> Need:
    """One need of the user's own enterprise; anything else is 404 (never 403),
    so another enterprise's need numbers are not revealed."""
    if not user.enterprise_id:
        raise Http404
    need = (
        Need.objects.select_related(
            "enterprise__industry",
            "enterprise__division__parent",
            "enterprise__hitech_zone",
            "call",
            "field_l1",
            "field_l2",
            "field_l3",
        )
        .filter(pk=pk, enterprise_id=user.enterprise_id)
        .first()
    )
    if need is None:
        raise Http404
    return need


def need_states(need: Need, now: datetime | None = None) -> dict[str, bool]:
    """What the enterprise may do with a need right now."""
    now = now or timezone.now()
    return {
        "editable": need_is_editable(need, now),
        "withdrawable": need_is_withdrawable(need, now),
        "draft_allowed": need.status in workflow.DRAFT_ALLOWED,
    }


def enterprise_need_rows(*, enterprise_id: int) -> list[dict]:
    """The enterprise dashboard: each need with what may be done with it now."""
    now = timezone.now()
    return [
        {
            "need": need,
            "seconds_left": max(0, int((need.call.deadline - now).total_seconds())),
            **need_states(need, now),
        }
        for need in needs_for_enterprise(enterprise_id=enterprise_id)
    ]


def need_locked_message(need: Need) -> str:
    if is_past_deadline(need, timezone.now()):
        return gettext("本批次已于 %(deadline)s 截止，需求已锁定，不能再修改。") % {
            "deadline": timezone.localtime(need.call.deadline).strftime("%Y-%m-%d %H:%M")
        }
    return gettext("该需求当前状态为“%(status)s”，不能修改。") % {"status": need.get_status_display()}


def calls_all() -> QuerySet[Call]:
    return Call.objects.prefetch_related("focus_fields").order_by("-opens_at")


def call_open_current(now: datetime | None = None) -> Call | None:
    """The current call if it accepts new needs now."""
    call = Call.objects.filter(is_current=True).first()
    if call is None or not call.is_open(now or timezone.now()):
        return None
    return call


def tech_field_tree() -> dict[str, list[list[str]]]:
    """{parent code or "": [[code, label], ...]} for the dependent selects."""
    tree: dict[str, list[list[str]]] = defaultdict(list)
    for code, name, parent in TechField.objects.order_by("code").values_list("code", "name_zh", "parent_id"):
        tree[parent or ""].append([code, f"{code} {name}"])
    return dict(tree)


def division_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """County-level divisions and statistical zones, grouped by city."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    cities = {}
    for division in Division.objects.filter(
        level__in=[Division.Level.COUNTY, Division.Level.STAT_ZONE]
    ).select_related("parent"):
        cities[division.parent_id] = division.parent.name_zh
        groups[division.parent_id].append((division.code, division.name_zh))
    return [(cities[code], groups[code]) for code in sorted(groups)]


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """GB/T 4754 divisions grouped by section."""
    sections = {i.code: i for i in Industry.objects.filter(parent__isnull=True)}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for industry in Industry.objects.filter(parent__isnull=False).order_by("code"):
        groups[industry.parent_id].append((industry.code, f"{industry.code} {industry.name_zh}"))
    return [(f"{code} {sections[code].name_zh}", groups[code]) for code in sorted(groups) if code in sections]


def hitech_zone_choices() -> list[tuple[str, str]]:
    return [(str(z.pk), z.name_zh) for z in HiTechZone.objects.select_related("city")]


def call_current() -> Call | None:
    """The call the portal is running now (at most one is marked current)."""
    return Call.objects.filter(is_current=True).prefetch_related("focus_fields").first()


def call_seconds_left(call: Call | None) -> int | None:
    if call is None:
        return None
    return max(0, int((call.deadline - timezone.now()).total_seconds()))
