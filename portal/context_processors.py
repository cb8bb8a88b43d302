"""Template context shared by every page."""

from django.http import HttpRequest

from portal import permissions


def portal(request: HttpRequest) -> dict:
    user = request.user
    return {
        "nav": {
            "enterprise": permissions.is_enterprise_user(user),
            "staff": permissions.is_staff_member(user),
            "reviewer": permissions.is_reviewer(user),
            "hk": permissions.is_hk_user(user),
            "back_office": permissions.can_view_back_office(user),
            "admin": permissions.is_admin(user),
        }
    }
