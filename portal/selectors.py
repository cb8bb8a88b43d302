"""Site-wide reads."""

import hashlib
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import AuditEntry, Invitation, Role, User


def audit_entries(*, filters: dict) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by the filter form's cleaned data."""
    qs = AuditEntry.objects.select_related("actor")
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor=filters["actor"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lte=datetime.combine(filters["date_to"], time.max, tzinfo=tz))
    return qs.order_by("-created_at", "-id")


def invitation_token_hash(token: str) -> str:
    """What is stored of an invitation's token (SHA-256; the token is random)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("enterprise")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why a link can no longer be used, or None while it can."""
    if invitation is None:
        return _("此邀请链接无效。请核对邮件中的链接是否完整。")
    if invitation.accepted_at is not None:
        return _("此邀请已被接受，不能再次使用。请直接登录。")
    if invitation.expires_at <= timezone.now():
        return _("此邀请已过期。请联系邀请您的同事重新发送邀请。")
    return None


def invitation_join_refusal(*, invitation: Invitation, user: User) -> str | None:
    """Why an existing account may not join the inviting enterprise, or None.

    Only an enterprise account that belongs to no enterprise yet may join;
    nobody is moved between enterprises or roles by an invitation.
    """
    if user.email.lower() != invitation.email:
        return _("此邀请发给 %(email)s。请退出当前账号，再以该邮箱登录或注册。") % {"email": invitation.email}
    if user.role != Role.ENTERPRISE:
        return _("您的账号不是企业用户账号，不能加入企业。如有疑问，请联系省对外科技交流中心。")
    if user.enterprise_id == invitation.enterprise_id:
        return _("您已是该企业的成员。")
    if user.enterprise_id is not None:
        return _("您的账号已属于另一个企业，不能加入。如需调整，请联系省对外科技交流中心。")
    return None


def invitation_state(*, invitation: Invitation, user) -> str:
    """What the invitation page offers the visitor: `signup` (set a password
    for a new account), `login` (an account exists: log in first), `confirm`
    (logged in as the invitee, who may join) or `refused`."""
    if not user.is_authenticated:
        exists = User.objects.filter(email__iexact=invitation.email).exists()
        return "login" if exists else "signup"
    return "refused" if invitation_join_refusal(invitation=invitation, user=user) else "confirm"
