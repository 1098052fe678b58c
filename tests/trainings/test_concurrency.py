"""Registration under concurrency: threads firing real HTTP requests at a running server.

On PostgreSQL the server is pytest-django's `live_server` (one connection per request thread).
On SQLite `live_server` would share one in-memory connection between all request threads, so the
test starts `manage.py runserver` on a temporary SQLite file instead (WAL, IMMEDIATE transactions).
"""

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
BUSY_TEXT = "混雑しています。しばらくしてからもう一度お試しください"


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class RaceServer:
    url: str
    vendor: str
    sqlite_path: Path | None = None

    def rows(self, session_id: int) -> list[tuple[str, int | None, str, str]]:
        """(state, position, created_at, email) for the session, in primary-key order."""
        sql = (
            "SELECT state, position, created_at, email FROM trainings_registration "
            "WHERE session_id = %s ORDER BY id"
        )
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path) as db:
                return [
                    (s, p, str(c), e)
                    for s, p, c, e in db.execute(sql.replace("%s", "?"), [session_id])
                ]
        with connection.cursor() as cursor:
            cursor.execute(sql, [session_id])
            return [(s, p, c.isoformat(), e) for s, p, c, e in cursor.fetchall()]

    def confirmed_count(self, session_id: int) -> int:
        sql = "SELECT confirmed_count FROM trainings_session WHERE id = %s"
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql.replace("%s", "?"), [session_id]).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql, [session_id])
            return cursor.fetchone()[0]

    def outbox_keys(self) -> list[str]:
        sql = "SELECT key FROM kitakyushu_pf_outboxemail ORDER BY key"
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path) as db:
                return [k for (k,) in db.execute(sql)]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [k for (k,) in cursor.fetchall()]


def _prepare_session_in_process(capacity: int, *options: str) -> tuple[str, int]:
    from django.core.management import call_command

    out = __import__("io").StringIO()
    call_command("trainings_burst_session", str(capacity), *options, stdout=out)
    slug, pk = out.getvalue().split()
    return slug, int(pk)


@pytest.fixture
def race_server(request: Any, tmp_path: Path) -> Iterator[RaceServer]:
    # Every racing client comes from 127.0.0.1: the abuse limits are not what these tests test.
    settings = request.getfixturevalue("settings")
    settings.PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY = 10_000
    settings.PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR = 10_000
    if _is_postgres():
        live_server = request.getfixturevalue("live_server")
        yield RaceServer(url=live_server.url, vendor="postgresql")
        return
    db_path = tmp_path / "race.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.test_settings",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "EMAIL_URL": "dummymail://",
        "DJANGO_LOG_LEVEL": "WARNING",
        "TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK": "0.02",
        "PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY": "10000",
        "PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR": "10000",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    server = RaceServer(url=url, vendor="sqlite", sqlite_path=db_path)
    server.env = env  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def prepare_session(server: RaceServer, capacity: int, *options: str) -> tuple[str, int]:
    if server.sqlite_path is None:
        return _prepare_session_in_process(capacity, *options)
    out = subprocess.run(
        [sys.executable, "manage.py", "trainings_burst_session", str(capacity), *options],
        cwd=BASE_DIR, env=server.env, check=True, capture_output=True, text=True,  # type: ignore[attr-defined]
    )  # fmt: skip
    slug, pk = out.stdout.split()
    return slug, int(pk)


@dataclass
class Reply:
    index: int
    status: int
    text: str
    seconds: float


def fire(
    server: RaceServer, slug: str, session_id: int, count: int, *, same_email: bool = False
) -> list[Reply]:
    """`count` threads each load the form, wait at a barrier, then POST at the same moment."""
    url = f"{server.url}/trainings/{slug}/register/"
    barrier = threading.Barrier(count)
    replies: list[Reply] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = requests.Session()
        form = client.get(url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        email = "storm@example.jp" if same_email else f"racer{i:03d}@example.jp"
        barrier.wait(timeout=60)
        start = time.monotonic()
        try:
            r = client.post(
                url,
                data={
                    "csrfmiddlewaretoken": token,
                    "sessions": [str(session_id)],
                    "name": f"見本 走者{i}",
                    "kana": f"みほん そうしゃ{i}",
                    "email": email,
                },
                headers={"Referer": url},
                allow_redirects=False,
                timeout=60,
            )
            reply = Reply(i, r.status_code, r.text, time.monotonic() - start)
        except requests.RequestException as exc:
            reply = Reply(i, 0, str(exc), time.monotonic() - start)
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(replies, key=lambda r: r.index)


def assert_capacity_and_order(
    server: RaceServer, session_id: int, capacity: int, total: int
) -> None:
    rows = server.rows(session_id)
    confirmed = [r for r in rows if r[0] == "confirmed"]
    waiting = [r for r in rows if r[0] == "waitlisted"]
    assert len(confirmed) == capacity
    assert len(waiting) == total - capacity
    assert server.confirmed_count(session_id) == capacity
    # Contiguous positions, given in the order the server accepted the requests.
    assert sorted(r[1] for r in waiting) == list(range(1, total - capacity + 1))
    by_time = [r[1] for r in sorted(waiting, key=lambda r: r[2])]
    assert by_time == sorted(by_time)
    assert max(r[2] for r in confirmed) <= min(r[2] for r in waiting)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(
    race_server: RaceServer, settings: Any
) -> None:
    settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = 0.02
    capacity, total = 5, 30
    slug, session_id = prepare_session(race_server, capacity)
    replies = fire(race_server, slug, session_id, total)
    assert [r.status for r in replies if r.status >= 500 or r.status == 0] == []
    assert all(r.status == 302 for r in replies), {r.status for r in replies}
    assert_capacity_and_order(race_server, session_id, capacity, total)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_holding_seats_never_exceed_capacity(
    race_server: RaceServer, settings: Any
) -> None:
    """With seats held pending e-mail confirmation, a held seat counts like a confirmed one."""
    settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = 0.02
    capacity, total = 5, 20
    slug, session_id = prepare_session(race_server, capacity, "--hold-hours", "24")
    replies = fire(race_server, slug, session_id, total)
    assert all(r.status == 302 for r in replies), {r.status for r in replies}
    states = [r[0] for r in race_server.rows(session_id)]
    assert states.count("pending") == capacity
    assert states.count("waitlisted") == total - capacity
    assert "confirmed" not in states
    assert race_server.confirmed_count(session_id) == capacity
    kinds = sorted(k.split(":")[1] for k in race_server.outbox_keys() if k.startswith("trainings:"))
    assert kinds == ["pending"] * capacity + ["waitlisted"] * (total - capacity)


pg_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql", "pgsql"),
    reason="needs PostgreSQL (make test-services): SQLite serialises writers anyway",
)


@pytest.mark.services
@pg_only
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_overbooking_is_observed(
    race_server: RaceServer, settings: Any
) -> None:
    """Proves the race test can fail: switch the lock off and the same burst overbooks."""
    settings.TRAININGS_TEST_DISABLE_LOCKING = True
    settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = 0.3
    capacity = 3
    slug, session_id = prepare_session(race_server, capacity)
    fire(race_server, slug, session_id, 15)
    confirmed = [r for r in race_server.rows(session_id) if r[0] == "confirmed"]
    assert len(confirmed) > capacity


@pytest.mark.services
@pg_only
@pytest.mark.django_db(transaction=True)
def test_double_submit_storm_leaves_one_registration_and_one_email(
    race_server: RaceServer, settings: Any
) -> None:
    settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = 0.02
    slug, session_id = prepare_session(race_server, 10)
    replies = fire(race_server, slug, session_id, 20, same_email=True)
    assert [r for r in replies if r.status >= 500 or r.status == 0] == []
    # Every submit gets the same answer (no enumeration); one place, one confirmation, and at
    # most one "someone registered your address again" notice a day.
    assert sorted(r.status for r in replies) == [302] * 20
    rows = race_server.rows(session_id)
    assert len(rows) == 1 and rows[0][0] == "confirmed"
    keys = [k for k in race_server.outbox_keys() if k.startswith("trainings:")]
    assert sorted(k.split(":")[1] for k in keys) == ["attempt", "confirmed"]


@pytest.mark.services
@pg_only
@pytest.mark.django_db(transaction=True)
def test_cancellations_racing_registrations_promote_in_order(
    race_server: RaceServer, settings: Any
) -> None:
    from trainings import links
    from trainings.models import Registration
    from trainings.services import Applicant, registrations_create

    settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = 0.02
    slug, session_id = prepare_session(race_server, 5)
    people = [
        registrations_create(
            session_ids=[session_id],
            applicant=Applicant(name=f"見本 {i}", email=f"early{i}@example.jp"),
        )[0]
        for i in range(10)
    ]
    cancelling = people[:3]
    waiting = people[5:]
    barrier = threading.Barrier(3 + 5)
    statuses: list[int] = []

    def cancel(registration: Registration) -> None:
        client = requests.Session()
        link = links.me_link_ensure(
            email=registration.email, programme=registration.session.programme
        )
        url = f"{race_server.url}/trainings/me/{links.link_token(link)}/"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).text)
        barrier.wait(timeout=60)
        r = client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "registration": registration.pk,
                "action": "cancel",
                "confirm": "1",
            },
            headers={"Referer": url},
            allow_redirects=False,
        )
        statuses.append(r.status_code)

    def register(i: int) -> None:
        url = f"{race_server.url}/trainings/{slug}/register/"
        client = requests.Session()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).text)
        barrier.wait(timeout=60)
        r = client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "sessions": [str(session_id)],
                "name": f"見本 後発{i}",
                "email": f"late{i}@example.jp",
            },
            headers={"Referer": url},
            allow_redirects=False,
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=cancel, args=(r,)) for r in cancelling]
    threads += [threading.Thread(target=register, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(statuses) == [302] * 8
    states = {r.pk: r.state for r in Registration.objects.filter(session_id=session_id)}
    # The first three on the waiting list were promoted, in order; the other two still wait.
    assert [states[r.pk] for r in waiting] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert all(states[r.pk] == "cancelled" for r in cancelling)
    late = Registration.objects.filter(session_id=session_id, email__startswith="late")
    assert sorted(late.values_list("position", flat=True)) == [6, 7, 8, 9, 10]
    assert set(late.values_list("state", flat=True)) == {"waitlisted"}
    assert race_server.confirmed_count(session_id) == 5
    keys = race_server.outbox_keys()
    for r in waiting[:3]:
        assert keys.count(f"trainings:promoted:{r.pk}") == 1
    assert not any(f"trainings:promoted:{r.pk}" in keys for r in waiting[3:])


@pytest.mark.services
@pg_only
@pytest.mark.django_db(transaction=True)
def test_lock_contention_fails_fast_with_a_busy_page(race_server: RaceServer) -> None:
    slug, session_id = prepare_session(race_server, 10)
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.autocommit = False
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM trainings_session WHERE id = %s FOR UPDATE", [session_id]
            )
        started = time.monotonic()
        replies = fire(race_server, slug, session_id, 1)
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert replies[0].status == 503
    assert BUSY_TEXT in replies[0].text
    assert elapsed < 6
    assert race_server.rows(session_id) == []
