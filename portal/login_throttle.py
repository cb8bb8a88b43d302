"""Failed-login throttling around django-axes: the client's address behind a
reverse proxy, a per-address limit across accounts, and lifting a lockout.

Axes counts failures per e-mail *and* address (see the settings). On its own
that lets one address try a few passwords on every account (password
spraying); the handler below also locks an address once its failures across
all accounts reach `AXES_IP_FAILURE_LIMIT`, a higher limit so that a company
behind one address is not shut out by a few typing mistakes.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The address axes counts failures against (`AXES_CLIENT_IP_CALLABLE`).

    Without a proxy (`TRUSTED_PROXY_COUNT=0`) it is the connection's address and
    X-Forwarded-For is ignored, since any client can send that header. Behind
    N trusted proxies, each of which appends the address it saw to
    X-Forwarded-For, the client is the N-th entry from the right: the entries
    to its left were written by the client and prove nothing.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not header:
        return remote
    addresses = [part.strip() for part in header.split(",") if part.strip()]
    if not addresses:
        return remote
    candidate = addresses[-min(count, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_failures(*, ip_address: str | None, since) -> int:
    """Failed logins from one address across all accounts since a moment."""
    if not ip_address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-address limit across accounts."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        since = request.axes_attempt_time - settings.AXES_COOLOFF_TIME
        from_address = address_failures(ip_address=request.axes_ip_address, since=since)
        if from_address >= settings.AXES_IP_FAILURE_LIMIT:
            # Shown by the lockout page: the address is locked, not one account.
            request.axes_address_locked = True
            return max(failures, from_address, get_failure_limit(request, credentials))
        return failures


def lockout_lift(*, email: str) -> int:
    """Forget an account's failed logins, e.g. once its password was reset by
    e-mail; returns how many records were removed."""
    return reset(username=email.strip().lower())
