"""Fixtures of the matching tests: a small directory, needs, and a real Celery worker."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from needs.models import CooperationMode, Need, NeedStatus, TechField
from partners.models import Partner, PartnerKind

BASE_DIR = Path(__file__).resolve().parents[2]

# Strings that exist only in the enterprise's private fields (see the root conftest).
PRIVATE_MARKERS = (
    "江苏甲企业有限公司",
    "913200001347585460",
    "ENTA-ADDRESS",
    "ENTA-CONTACT",
    "enta-mail@example.com",
)


def make_partner(name_hant: str, name_en: str, description: str, keywords: str, codes, modes) -> Partner:
    partner = Partner.objects.create(
        name_zh_hant=name_hant,
        name_en=name_en,
        kind=PartnerKind.UNIVERSITY_LAB,
        description=description,
        keywords=keywords,
        cooperation_modes=list(modes),
        contact_email=f"{uuid.uuid4().hex[:6]}@partner-private.example.hk",
    )
    partner.fields.set(TechField.objects.filter(code__in=codes))
    return partner


@pytest.fixture
def directory(reference_data, partner, other_partner) -> dict[str, Partner]:
    """Robotics, chips and batteries partners, plus the personas' HKU and CityU."""
    partner.description = "香港大學機械人研究中心，研究手術機械人、醫療機械人及內窺鏡機械人。"
    partner.keywords = "手術機械人, 醫療機械人"
    partner.cooperation_modes = [CooperationMode.JOINT_DEV, CooperationMode.COMMISSIONED]
    partner.save()
    partner.fields.set(TechField.objects.filter(code__in=["08.05", "02.05"]))
    other_partner.description = "香港城市大學晶片設計實驗室：集成電路、晶片封裝、半導體器件。"
    other_partner.keywords = "晶片設計；封裝"
    other_partner.cooperation_modes = [CooperationMode.TRANSFER]
    other_partner.save()
    other_partner.fields.set(TechField.objects.filter(code__in=["01.02"]))
    return {
        "robot": partner,
        "chip": other_partner,
        "battery": make_partner(
            "新能源電池研究所",
            "Battery Research Institute",
            "Lithium-ion battery, solid-state battery and energy storage.",
            "battery, energy storage",
            ["06.03"],
            [CooperationMode.JOINT_DEV],
        ),
        "rehab": make_partner(
            "復康科技中心",
            "Rehabilitation Technology Centre",
            "Rehabilitation robot and exoskeleton research for hospitals.",
            "rehabilitation robot, exoskeleton",
            ["02.05"],
            [CooperationMode.JOINT_DEV],
        ),
    }


def make_need(
    enterprise, call, title: str, description: str, codes=(), status=NeedStatus.SUBMITTED, **extra
) -> Need:
    fields = list(TechField.objects.filter(code__in=codes).order_by("level"))
    return Need.objects.create(
        enterprise=enterprise,
        call=call,
        title=title,
        description=description,
        status=status,
        field_l1=fields[0] if fields else None,
        field_l2=fields[1] if len(fields) > 1 else None,
        cooperation_modes=extra.pop("cooperation_modes", [CooperationMode.JOINT_DEV]),
        consent_share_hk=extra.pop("consent_share_hk", True),
        submitted_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def robot_need(enterprise, current_call, directory) -> Need:
    return make_need(
        enterprise,
        current_call,
        "手术机器人精准控制技术",
        "开发手术机器人和内镜机器人的精准运动控制，要求港方具备医疗机器人研究基础。",
        ["08", "08.05"],
        reference="JSHK-2026-0001",
        basis="MARKER-BASIS",
    )


@pytest.fixture
def chip_need(enterprise, current_call, directory) -> Need:
    return make_need(
        enterprise,
        current_call,
        "芯片先进封装工艺",
        "需要集成电路芯片封装和测试技术合作。",
        ["01", "01.02"],
        reference="JSHK-2026-0002",
        cooperation_modes=[CooperationMode.TRANSFER],
    )


# --- a real Celery worker ---------------------------------------------------------


def worker_available() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    if connection.vendor != "postgresql":
        return False, "worker tests need PostgreSQL (SQLite cannot be shared with a worker process)"
    return True, ""


class WorkerProcess:
    """`celery worker` subprocesses on the test database."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, **extra_env: str) -> subprocess.Popen:
        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "matching.tests.worker_app",
                "worker",
                "-P",
                "prefork",
                "-c",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children: nothing gets to acknowledge."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(proc)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-4000:] for p in sorted(self.log_dir.glob("worker-*.log"))
        )


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Start real workers (`.start()`) on the *test* database and REDIS_URL.

    The queue is emptied first (REDIS_URL names a Redis database of this test
    run, so nothing else is lost). Workers are stopped at teardown, before the
    test database is flushed."""
    ok, why = worker_available()
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(why)  # .ci/run provides Redis and PostgreSQL for the worker stage
        pytest.skip(why)
    from portal.celery import app

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONUNBUFFERED": "1",
    }
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _purge(app)
    worker = WorkerProcess(env, tmp_path)
    try:
        yield worker
    finally:
        worker.stop_all()
        app.conf.task_always_eager = saved
        _purge(app)


def _purge(app) -> None:
    """Drop waiting and unacknowledged messages left by earlier runs."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
        client = conn.default_channel.client
        client.delete("unacked", "unacked_index")


def wait_for(predicate, timeout: float, what: str, worker: WorkerProcess | None = None):
    """Poll the database until `predicate()` is truthy; fail with the workers' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    logs = worker.logs() if worker else ""
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture(autouse=True)
def _celery_eager():
    """Ordinary tests run tasks in-process even when REDIS_URL is set; the worker
    fixture switches this off for its own tests."""
    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
