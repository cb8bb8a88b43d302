"""A real Celery worker for tests: a separate process on Redis and the test database.

Used through the `celery_worker` fixture (root conftest) or `worker_running()`
for a test that needs workers of its own (e.g. to kill one). Such tests need
REDIS_URL (tasks are then queued, not run in-process) and a database another
process can open, i.e. PostgreSQL through DATABASE_URL; they are marked
`worker` and `.ci/run` runs them in a stage of their own:

    REDIS_URL=redis://127.0.0.1:6379/15 DATABASE_URL=postgresql:///portal pytest -m worker

Rows a task should see must be committed first, so these tests use
`transactional_db`. The worker's output goes to test-artifacts/worker-*.log
and its tail is shown when a wait times out.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
NAME_PREFIX = "portal-test-"
# Tasks that exist only for the harness's own tests; every test worker loads them.
TEST_TASK_MODULES = ("portal.tests.worker_tasks",)


def worker_unavailable_reason() -> str | None:
    """Why a real worker cannot run in this test process, or None when it can."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "REDIS_URL is not set, so tasks run in-process (set it to run worker tests)"
    if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
        connection.settings_dict["NAME"]
    ):
        return "the test database is in memory; a worker needs PostgreSQL (set DATABASE_URL)"
    return None


def foreign_workers() -> list[str]:
    """Workers on this broker that the harness did not start: they would take our jobs."""
    replies = celery_app.control.ping(timeout=0.5) or []
    names = [name for reply in replies for name in reply]
    return [name for name in names if not name.startswith(NAME_PREFIX)]


class Worker:
    """One `celery worker` process (prefork pool, one child) and its log."""

    def __init__(
        self, *, queues: tuple[str, ...], env: dict[str, str], include: tuple[str, ...] = ()
    ) -> None:
        self.name = f"{NAME_PREFIX}{uuid.uuid4().hex[:8]}@localhost"
        self.queues = queues
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"worker-{self.name.split('@')[0]}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={self.name}",
            f"--queues={','.join(queues)}",
            f"--include={','.join(TEST_TASK_MODULES + include)}",
        ]
        child_env = {
            **os.environ,
            # The test process's settings, pointed at its test database.
            "DJANGO_SETTINGS_MODULE": "portal.tests.worker_settings",
            "PORTAL_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            **env,
        }
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=child_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches the pool child too
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def pool_pids(self) -> list[int]:
        """The pool's child processes (one with --concurrency=1), e.g. to kill one."""
        return [
            int(pid)
            for task in Path(f"/proc/{self.pid}/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log_tail()}")

    def stop(self, *, kill: bool = False, timeout: float = 15) -> None:
        """Warm shutdown (SIGTERM), or SIGKILL to the whole group with `kill`."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._log.close()

    def wait_until(self, predicate: Callable[[], object], *, timeout: float = 30, what: str = "") -> object:
        """Poll `predicate` (it may query the database) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what or predicate!r}; worker log:\n"
                    + self.log_tail()
                )
            time.sleep(0.1)


def queues_purge(queues: tuple[str, ...] = ("celery",)) -> None:
    """Drop jobs an earlier, aborted run left waiting or unacknowledged in the
    test Redis database, so a new worker does not run them."""
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in queues:
            channel.queue_purge(queue)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


@contextmanager
def worker_running(
    *,
    queues: tuple[str, ...] = ("celery",),
    env: dict[str, str] | None = None,
    include: tuple[str, ...] = (),
) -> Iterator[Worker]:
    """Start a worker, wait until it answers a ping, stop it on the way out.

    `env` reaches only the worker (e.g. JOB_VISIBILITY_TIMEOUT); `include` names
    modules it imports at start, such as one that installs a test seam. Tasks
    are queued for it even where a test suite makes them run in-process."""
    reason = worker_unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    others = foreign_workers()
    if others:
        raise RuntimeError(
            f"other workers listen on this Redis ({', '.join(others)}); give the tests a database "
            "number of their own, e.g. REDIS_URL=redis://127.0.0.1:6379/15"
        )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = Worker(queues=queues, env=env or {}, include=include)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = eager
