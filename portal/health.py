"""Reachability checks behind /healthz.

Anyone may ask whether the portal is up; only staff, or a monitor that sends
`Authorization: Bearer <HEALTHZ_TOKEN>`, learn which part is down and what it
runs on. The checks run side by side and the answer comes within
CHECK_DEADLINE_SECONDS even when the database or Redis hangs.
"""

import hmac
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpRequest

from portal import permissions
from portal.celery import app as celery_app

CHECK_DEADLINE_SECONDS = 0.9


def may_see_details(request: HttpRequest) -> bool:
    if permissions.is_staff_member(request.user):
        return True
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def run_checks() -> dict[str, dict]:
    """Every check's answer; one still running at the deadline counts as down."""
    checks: dict[str, Callable[[], dict]] = {
        "database": check_database,
        "cache": check_cache,
        "broker": check_broker,
        "workers": check_workers,
    }
    results: dict[str, dict] = {}

    def run(name: str, check: Callable[[], dict]) -> None:
        try:
            results[name] = check()
        finally:
            # A thread of its own opened its own connection: give it back.
            connections.close_all()

    # Daemon threads: one stuck in a hung socket never holds the request (or
    # the process's exit); the timeouts below end it soon after.
    threads = [threading.Thread(target=run, args=item, daemon=True) for item in checks.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + CHECK_DEADLINE_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, {"ok": False, "error": "Timeout"}) for name in checks}


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> dict:
    try:
        cache.set("healthz", "1", 10)
        ok = cache.get("healthz") == "1"
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": ok, "backend": "redis" if settings.REDIS_URL else "locmem"}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_DEADLINE_SECONDS)
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "mode": "redis"}


def check_workers() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process", "workers": 0}
    try:
        replies = celery_app.control.ping(timeout=CHECK_DEADLINE_SECONDS / 2) or []
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": error.__class__.__name__, "workers": 0}
    return {"ok": bool(replies), "workers": len(replies)}
