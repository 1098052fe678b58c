"""Fault-injection helpers: a throwaway Redis, a Celery worker and a gunicorn of our own.

Everything here is started by the tests and stopped by its pid; the shared PostgreSQL and Redis
are never stopped. PostgreSQL faults are simulated on the test database only
(``pg_terminate_backend`` and ``ALLOW_CONNECTIONS false``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port(start: int = 6391) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class OwnRedis:
    """A redis-server on a free port, without persistence, stopped and restarted by its pid."""

    def __init__(self, workdir: Path) -> None:
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 10, f"redis on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def pg_test_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("fault tests need PostgreSQL: run `make test-faults PG_URL=...`")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def admin_connection() -> Any:
    """A connection to the `postgres` database, outside Django, for fault injection."""
    from django.db import connection

    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432, password=db["PASSWORD"] or None,
    )  # fmt: skip
    conn.autocommit = True
    return conn


def terminate_backends(*, exclude_pids: set[int]) -> int:
    """Kill every connection to the test database except ours: what a PostgreSQL restart does."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with contextlib.closing(admin_connection()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> ALL(%s)",
            [name, list(exclude_pids)],
        )
        return len(cur.fetchall())


@contextlib.contextmanager
def database_refusing_connections() -> Iterator[None]:
    """The test database is down for new connections (existing ones are killed by the caller)."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with contextlib.closing(admin_connection()) as conn, conn.cursor() as cur:
        cur.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            yield
        finally:
            cur.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def point_celery_at(broker_url: str) -> Callable[[], None]:
    """Make this process's Celery app publish to `broker_url`; returns a function that undoes it."""
    from kitakyushu_pf.celery import app

    old_env = os.environ.get("CELERY_BROKER_URL")
    old = (app.conf.broker_url, app.conf.task_always_eager)

    def reset_pools() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None

    os.environ["CELERY_BROKER_URL"] = broker_url  # Celery prefers the variable to its config
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    reset_pools()

    def undo() -> None:
        if old_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = old_env
        app.conf.broker_url, app.conf.task_always_eager = old
        reset_pools()

    return undo


class Worker:
    """`celery worker` on our own Redis and the test database, with the fault probes on."""

    def __init__(self, *, broker_url: str, cache_url: str, workdir: Path) -> None:
        self.maildir = workdir / "mail"
        self.jobdir = workdir / "jobs"
        self.maildir.mkdir(parents=True, exist_ok=True)
        self.jobdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": pg_test_url(),
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": cache_url,
            "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
            "PORTAL_FAULT_PROBES": "true",
            "DJANGO_EMAIL_BACKEND": "kitakyushu_pf.test_hooks.SlowFileEmailBackend",
            "PORTAL_TEST_MAILDIR": str(self.maildir),
            "PORTAL_JOB_TMP_DIR": str(self.jobdir),
            "CELERY_VISIBILITY_TIMEOUT": "30",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from kitakyushu_pf.celery import app

        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kitakyushu_pf", "worker", "--loglevel=INFO",
             "--concurrency=2", "--pool=prefork", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"faults-{os.getpid()}@%h"],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

        def answers() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited early, see {self.log_path}")
            return bool(app.control.ping(timeout=1.0))

        wait_for(answers, 60, "the celery worker to answer a ping")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)

    def set_mail_delay(self, seconds: float) -> None:
        (self.maildir / "delay").write_text(str(seconds))

    def sent_messages(self) -> list[Path]:
        return sorted(self.maildir.glob("sent-*.eml"))

    def sending_pids(self) -> list[int]:
        return [int(p.read_text()) for p in sorted(self.maildir.glob("sending-*.pid"))]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class PortalServer:
    """gunicorn serving the portal on the test database (DEBUG off, fault probes on)."""

    def __init__(self, *, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port(18500)
        self.workdir = workdir
        self.log_path = workdir / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "CACHE_URL"}}
        self.env = {
            **env,
            "DATABASE_URL": pg_test_url(),
            "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "fault-tests-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "PORTAL_FAULT_PROBES": "true",
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import requests

        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR, env=self.env, check=True, timeout=300,
        )  # fmt: skip
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "kitakyushu_pf.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4", "--timeout", "60"],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

        def answers() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early, see {self.log_path}")
            try:
                return requests.get(self.base + "/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, 60, "gunicorn to answer")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
