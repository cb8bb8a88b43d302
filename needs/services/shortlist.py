from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from needs import workflow
from needs.errors import NeedError
from needs.models import (
    Call,
    Need,
    Shortlist,
    ShortlistEntry,
)
from portal import permissions
from portal.models import User
from portal.services import audit_log

# ---------------------------------------------------------------------------
# The event shortlist
# ---------------------------------------------------------------------------


def _shortlist_open(*, call: Call) -> Shortlist:
    """The call's editable version: the open one, or a new version that starts
    as a copy of the latest frozen one. The call row is locked first, so two
    staff acting right after a freeze share one new version."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    open_version = Shortlist.objects.select_for_update().filter(call=call, frozen_at__isnull=True).first()
    if open_version is not None:
        return open_version
    latest = Shortlist.objects.filter(call=call).order_by("-version").first()
    version = (Shortlist.objects.filter(call=call).aggregate(v=Max("version"))["v"] or 0) + 1
    open_version = Shortlist.objects.create(call=call, version=version)
    if latest is not None:
        ShortlistEntry.objects.bulk_create(
            ShortlistEntry(
                shortlist=open_version,
                need_id=entry.need_id,
                justification=entry.justification,
                added_by_id=entry.added_by_id,
                added_at=entry.added_at,
            )
            for entry in latest.entries.all()
        )
    return open_version


def shortlist_add(*, actor: User, need_id: int, justification: str) -> ShortlistEntry:
    """Put an accepted need on its call's event shortlist with a written reason."""
    if not permissions.can_screen_needs(actor):
        raise NeedError(_("您没有管理入选名单的权限。"), code="forbidden")
    justification = (justification or "").strip()
    if not justification:
        raise NeedError(_("请填写入选理由。"), code="justification_required")
    with transaction.atomic():
        need = Need.objects.select_related("call").filter(pk=need_id).first()
        if need is None:
            raise NeedError(_("需求不存在。"), code="not_found")
        if need.status not in workflow.PUBLISHED:
            raise NeedError(_("只有已发布的需求可以列入入选名单。"), code="not_accepted")
        shortlist = _shortlist_open(call=need.call)
        entry, _created = ShortlistEntry.objects.update_or_create(
            shortlist=shortlist,
            need=need,
            defaults={"justification": justification, "added_by": actor, "added_at": timezone.now()},
        )
        audit_log(
            actor=actor,
            action="shortlist.add",
            obj=need,
            data={"version": shortlist.version, "justification": justification},
        )
    return entry


def shortlist_remove(*, actor: User, need_id: int) -> Shortlist:
    """Take a need off the call's editable shortlist version."""
    if not permissions.can_screen_needs(actor):
        raise NeedError(_("您没有管理入选名单的权限。"), code="forbidden")
    with transaction.atomic():
        need = Need.objects.select_related("call").get(pk=need_id)
        shortlist = _shortlist_open(call=need.call)
        deleted, _rows = ShortlistEntry.objects.filter(shortlist=shortlist, need=need).delete()
        if deleted:
            audit_log(actor=actor, action="shortlist.remove", obj=need, data={"version": shortlist.version})
    return shortlist


def shortlist_freeze(*, actor: User, call_id: int) -> Shortlist:
    """Freeze the call's open shortlist version; it never changes again."""
    if not permissions.can_screen_needs(actor):
        raise NeedError(_("您没有管理入选名单的权限。"), code="forbidden")
    with transaction.atomic():
        shortlist = (
            Shortlist.objects.select_for_update().filter(call_id=call_id, frozen_at__isnull=True).first()
        )
        if shortlist is None:
            raise NeedError(_("没有可冻结的名单（名单未修改）。"), code="nothing_to_freeze")
        if not shortlist.entries.exists():
            raise NeedError(_("名单为空，不能冻结。"), code="empty")
        shortlist.frozen_at = timezone.now()
        shortlist.frozen_by = actor
        shortlist.save(update_fields=["frozen_at", "frozen_by"])
        audit_log(
            actor=actor,
            action="shortlist.freeze",
            obj=shortlist,
            data={
                "version": shortlist.version,
                "needs": list(shortlist.entries.values_list("need_id", flat=True)),
            },
        )
    return shortlist
