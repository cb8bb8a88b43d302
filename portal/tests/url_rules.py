from datetime import timedelta

from django.utils import timezone

from portal.models import Invitation
from portal.selectors import invitation_token_hash
from portal.tests.url_access import FOUND, OK, SIGNED_IN, STAFF, Rule

INVITATION_TOKEN = "url-rule-invitation-token"


def build_world(world):
    Invitation.objects.create(
        email=world.users["new_enterprise"].email,
        enterprise=world.enterprise,
        invited_by=world.users["enterprise"],
        token_hash=invitation_token_hash(INVITATION_TOKEN),
        expires_at=timezone.now() + timedelta(days=7),
    )


RULES = {
    "home": Rule(public=True),
    "healthz": Rule(public=True),
    "dashboard": Rule(allow=SIGNED_IN, ok_status=FOUND),
    "register": Rule(public=True, override={p: FOUND for p in SIGNED_IN}),
    "login": Rule(public=True, override={p: FOUND for p in SIGNED_IN}),
    # Logout is POST-only since Django 5; a GET answers 405 for everyone.
    "logout": Rule(public=True, ok_status=405),
    "invite": Rule(allow={"admin"}),
    # A pending invitation of new_enterprise: the page explains to everyone
    # what they may do (log in, confirm, or why not); the flow is in test_invitations.py.
    "invitation_accept": Rule(public=True, kwargs=lambda w: {"token": INVITATION_TOKEN}),
    "audit_log": Rule(allow=STAFF),
    "password_change": Rule(allow=SIGNED_IN),
    "password_change_done": Rule(allow=SIGNED_IN),
    "password_reset": Rule(public=True),
    "password_reset_done": Rule(public=True),
    "password_reset_confirm": Rule(public=True, kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": Rule(public=True),
    "set_language": Rule(public=True, ok_status=FOUND),
    "javascript-catalog": Rule(public=True, ok_status=OK),
}
