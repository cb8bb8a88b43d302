"""Reachability checks behind /healthz."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from portal.celery import app as celery_app


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
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "mode": "redis"}


def check_workers() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process", "workers": 0}
    try:
        replies = celery_app.control.ping(timeout=1.0) or []
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": error.__class__.__name__, "workers": 0}
    return {"ok": bool(replies), "workers": len(replies)}
