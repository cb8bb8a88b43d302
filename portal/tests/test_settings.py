"""The environment-driven settings, checked in fresh processes (settings load once)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-enough-for-django-check-deploy-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
    # Never connected to by these checks: settings only parse them.
    "DATABASE_URL": "postgresql://portal@db.invalid/portal",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "DJANGO_ALLOW_EMBEDDED": "",
    "SECURE_PROXY_SSL_HEADER": "",
    "HEALTHZ_TOKEN": "",
}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # A clean process: without this run's service URLs, and without the async
    # escape hatch the browser fixture sets for the live server.
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(*names: str, **env: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = _run(["-c", f"import django; django.setup(); {code}"], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_needs_no_environment_at_all():
    values = _settings("DEBUG", "DATABASES", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND", "CACHES")

    assert values["DEBUG"] is True
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set when DJANGO_DEBUG=false"),
        ("REDIS_URL", "REDIS_URL must be set when DJANGO_DEBUG=false"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    result = _run(["manage.py", "check"], **{**PRODUCTION, missing: ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_refuses_sqlite_and_in_process_tasks_unless_told_so():
    embedded = {**PRODUCTION, "DATABASE_URL": "", "REDIS_URL": ""}

    refused = _run(["manage.py", "check"], **embedded)
    values = _settings(
        "DATABASES", "CELERY_TASK_ALWAYS_EAGER", **{**embedded, "DJANGO_ALLOW_EMBEDDED": "true"}
    )

    assert "DATABASE_URL and REDIS_URL must be set" in refused.stderr
    assert "DJANGO_ALLOW_EMBEDDED=true" in refused.stderr
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DJANGO_SECRET_KEY",
            "dev-insecure-key-not-for-production-8f2b1c7e9d4a6053",
            "at least 50 characters",
        ),
        ("DJANGO_SECRET_KEY", "short-secret", "at least 50 characters"),
        ("ALLOWED_HOSTS", "*", "not '*'"),
    ],
)
def test_production_refuses_weak_secrets_and_any_host(name, value, message):
    result = _run(["manage.py", "check"], **{**PRODUCTION, name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_security_settings():
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    values = _settings(*names, "SECURE_PROXY_SSL_HEADER", "DATABASES", **PRODUCTION)

    assert [values[name] for name in names] == [True, True, True, 31536000]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_proxy_ssl_header_comes_from_the_environment_and_can_be_turned_off():
    other = _settings(
        "SECURE_PROXY_SSL_HEADER", **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Scheme"}
    )
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    off = _run(["-c", code], **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "none"})

    assert other["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert off.stdout.strip().splitlines()[-1] == "None"


def test_database_redis_and_smtp_come_from_the_environment():
    values = _settings(
        "DATABASES",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "CACHES",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        DATABASE_URL="postgresql://portal:secret@db.internal:5433/portal",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_HOST="smtp.example.org",
    )

    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "portal",
    )
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert values["EMAIL_BACKEND"].endswith("smtp.EmailBackend")


def test_production_settings_pass_djangos_deployment_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_static_files_collect_with_hashed_names(tmp_path):
    # The manifest storage fails on any url() in a stylesheet that points nowhere.
    result = _run(["manage.py", "collectstatic", "--noinput", "-v0"], **PRODUCTION, STATIC_ROOT=str(tmp_path))

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    ):
        assert path in manifest
        assert (tmp_path / manifest[path]).exists()


def test_a_broker_that_is_down_fails_fast_instead_of_hanging_a_request():
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    code = (
        "import time, django; django.setup(); from portal import health; "
        "t = time.monotonic(); r = health.check_broker(); w = health.check_workers(); "
        "print(r['ok'], w['ok'], round(time.monotonic() - t, 1))"
    )
    result = _run(["-c", code], REDIS_URL="redis://127.0.0.1:9/0")

    assert result.returncode == 0, result.stderr
    broker_ok, workers_ok, seconds = result.stdout.split()[-3:]
    assert (broker_ok, workers_ok) == ("False", "False")
    assert float(seconds) < 15
