"""/healthz: what a monitor reads."""

import time

import pytest

from portal import health

pytestmark = pytest.mark.django_db

TOKEN = "monitor-token-7c1e"


@pytest.fixture
def healthz_token(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def test_healthz_tells_anonymous_callers_only_up_or_down(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert "sqlite" not in response.content.decode()


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", f"Bearer {TOKEN}x", TOKEN])
def test_healthz_gives_no_details_for_a_wrong_token(client, healthz_token, header):
    response = client.get("/healthz", headers={"Authorization": header} if header else {})

    assert response.json() == {"ok": True}


def test_healthz_gives_no_details_to_users_who_are_not_staff(client, enterprise_user, hk_user):
    for user in (enterprise_user, hk_user):
        client.force_login(user)
        assert client.get("/healthz").json() == {"ok": True}


def test_healthz_shows_staff_every_part(client, staff_user):
    client.force_login(staff_user)

    body = client.get("/healthz").json()

    assert body["database"]["ok"] is True and body["database"]["vendor"] in ("sqlite", "postgresql")
    assert body["workers"] == {"ok": True, "mode": "in-process", "workers": 0}


def test_healthz_with_the_monitor_token_reports_every_part(client, healthz_token):
    response = client.get("/healthz", headers=healthz_token)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["cache"] == {"ok": True, "backend": "locmem"}
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["workers"] == {"ok": True, "mode": "in-process", "workers": 0}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch, healthz_token):
    monkeypatch.setattr(health, "check_database", lambda: {"ok": False, "error": "OperationalError"})

    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").json() == {"ok": False}
    assert client.get("/healthz", headers=healthz_token).json()["database"]["error"] == "OperationalError"


def test_healthz_stays_up_but_says_so_when_only_the_workers_are_missing(client, monkeypatch):
    monkeypatch.setattr(health, "check_workers", lambda: {"ok": False, "workers": 0})

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"ok": False}


def test_healthz_answers_within_a_second_when_a_check_hangs(client, monkeypatch, healthz_token):
    def hang() -> dict:
        time.sleep(5)
        return {"ok": True}

    monkeypatch.setattr(health, "check_cache", hang)
    started = time.monotonic()

    response = client.get("/healthz", headers=healthz_token)

    assert time.monotonic() - started < 1.5
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["cache"] == {"ok": False, "error": "Timeout"}


def test_healthz_shows_no_secrets(client, settings):
    body = client.get("/healthz").content.decode()

    assert settings.SECRET_KEY not in body
    assert str(settings.DATABASES["default"]["NAME"]) not in body


def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405
