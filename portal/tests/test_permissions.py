"""The role predicates and the `require` decorator: who may do what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from portal import permissions
from portal.models import Role

pytestmark = pytest.mark.django_db

PERSONAS = ("enterprise_user", "new_enterprise_user", "staff_user", "reviewer_user", "hk_user", "admin_user")

# capability → the personas that have it (anonymous has none)
EXPECTED = {
    "is_enterprise_user": {"enterprise_user", "new_enterprise_user"},
    "is_hk_user": {"hk_user"},
    "is_staff_member": {"staff_user", "admin_user"},
    "is_reviewer": {"reviewer_user"},
    "is_admin": {"admin_user"},
    "can_edit_own_enterprise": {"enterprise_user", "new_enterprise_user"},
    "can_manage_calls": {"staff_user", "admin_user"},
    "can_screen_needs": {"staff_user", "admin_user"},
    "can_view_back_office": {"staff_user", "admin_user", "reviewer_user"},
    "can_score_needs": {"staff_user", "admin_user", "reviewer_user"},
    "can_manage_directory": {"staff_user", "admin_user"},
    "can_review_matches": {"staff_user", "admin_user"},
    "can_release_contacts": {"staff_user", "admin_user"},
    "can_export": {"staff_user", "admin_user"},
    "can_import": {"staff_user", "admin_user"},
    "can_view_audit_log": {"staff_user", "admin_user"},
    "can_browse_published_needs": {"hk_user"},
    "can_express_interest": {"hk_user"},
    "can_invite_users": {"admin_user"},
}


@pytest.mark.parametrize("capability", sorted(EXPECTED))
def test_each_capability_belongs_to_exactly_its_roles(request, capability):
    predicate = getattr(permissions, capability)
    granted = {persona for persona in PERSONAS if predicate(request.getfixturevalue(persona))}

    assert granted == EXPECTED[capability]
    assert predicate(AnonymousUser()) is False


def test_an_inactive_user_has_no_capability(staff_user):
    staff_user.is_active = False

    assert not permissions.is_staff_member(staff_user)
    assert not permissions.can_export(staff_user)


def test_a_superuser_counts_as_administrator_whatever_the_role_field_says(admin_user):
    admin_user.role = Role.ENTERPRISE

    assert permissions.is_admin(admin_user)
    assert not permissions.is_enterprise_user(admin_user)


def test_a_hong_kong_user_without_an_active_institution_is_not_a_hong_kong_user(hk_user):
    hk_user.partner.is_active = False
    assert not permissions.can_browse_published_needs(hk_user)

    hk_user.partner = None
    assert not permissions.is_hk_user(hk_user)


def _view(request):
    return HttpResponse("inside")


def test_require_sends_anonymous_visitors_to_the_login_page_and_back():
    request = RequestFactory().get("/staff/needs/?status=submitted")
    request.user = AnonymousUser()

    response = permissions.require(permissions.is_staff_member)(_view)(request)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/needs/%3Fstatus%3Dsubmitted"


def test_require_refuses_a_signed_in_user_without_the_capability(enterprise_user):
    request = RequestFactory().get("/staff/")
    request.user = enterprise_user

    with pytest.raises(PermissionDenied):
        permissions.require(permissions.is_staff_member)(_view)(request)


def test_require_lets_the_capable_user_in(staff_user):
    request = RequestFactory().get("/staff/")
    request.user = staff_user

    response = permissions.require(permissions.is_staff_member)(_view)(request)

    assert response.content == b"inside"


def test_a_forbidden_page_shows_the_portals_403(client_as, enterprise_user):
    response = client_as(enterprise_user).get("/staff/")

    assert response.status_code == 403
    assert "您的账号没有访问此页面的权限" in response.content.decode()
