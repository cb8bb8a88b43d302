"""/healthz: what a monitor reads."""

import pytest

from portal import health

pytestmark = pytest.mark.django_db


def test_healthz_in_development_reports_every_part(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["cache"] == {"ok": True, "backend": "locmem"}
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["workers"] == {"ok": True, "mode": "in-process", "workers": 0}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: {"ok": False, "error": "OperationalError"})

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["ok"] is False


def test_healthz_stays_up_but_says_so_when_only_the_workers_are_missing(client, monkeypatch):
    monkeypatch.setattr(health, "check_workers", lambda: {"ok": False, "workers": 0})

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["ok"] is False


def test_healthz_shows_no_secrets(client, settings):
    body = client.get("/healthz").content.decode()

    assert settings.SECRET_KEY not in body
    assert str(settings.DATABASES["default"]["NAME"]) not in body


def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405
