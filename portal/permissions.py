"""Who may do what: the one place for role checks.

Views call these predicates (directly or through the decorators below);
templates receive their results, they never decide. Object-level access to
another enterprise's rows is decided in selectors (they answer 404).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal.models import Role


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def is_enterprise_user(user) -> bool:
    return _role(user) == Role.ENTERPRISE


def is_hk_user(user) -> bool:
    """A Hong Kong user of an institution that is still active in the directory."""
    return _role(user) == Role.HK and user.partner_id is not None and user.partner.is_active


def is_staff_member(user) -> bool:
    """Exchange-centre staff and administrators."""
    return _role(user) in (Role.STAFF, Role.ADMIN)


def is_reviewer(user) -> bool:
    return _role(user) == Role.REVIEWER


def is_admin(user) -> bool:
    return _role(user) == Role.ADMIN


# --- capabilities -------------------------------------------------------------


def can_edit_own_enterprise(user) -> bool:
    return is_enterprise_user(user)


def can_manage_calls(user) -> bool:
    return is_staff_member(user)


def can_screen_needs(user) -> bool:
    """Change a need's screening status, shortlist, broker contacts."""
    return is_staff_member(user)


def can_view_back_office(user) -> bool:
    """See every need with the enterprise's private fields (staff and reviewers)."""
    return is_staff_member(user) or is_reviewer(user)


def can_score_needs(user) -> bool:
    """Give rubric scores for the event shortlist."""
    return is_reviewer(user) or is_staff_member(user)


def can_manage_directory(user) -> bool:
    return is_staff_member(user)


def can_review_matches(user) -> bool:
    return is_staff_member(user)


def can_release_contacts(user) -> bool:
    return is_staff_member(user)


def can_export(user) -> bool:
    return is_staff_member(user)


def can_import(user) -> bool:
    return is_staff_member(user)


def can_view_audit_log(user) -> bool:
    return is_staff_member(user)


def can_browse_published_needs(user) -> bool:
    """Hong Kong institutions browse published needs (never private fields)."""
    return is_hk_user(user)


def can_express_interest(user) -> bool:
    return is_hk_user(user)


def can_invite_users(user) -> bool:
    return is_admin(user)


# --- decorators ----------------------------------------------------------------


def require(predicate: Callable[[object], bool]):
    """Decorate a view: anonymous visitors go to the login page, others without
    the capability get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
