# ruff: noqa: E501
"""Burst of simultaneous registrations for one lecture, against a bare Django baseline.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpf_bench
    export CACHE_URL=redis://127.0.0.1:6379/14 CELERY_BROKER_URL=redis://127.0.0.1:6379/13
    make worker &                       # renders and sends the e-mails after commit
    .venv/bin/python bench/registration_burst.py --port 8112 [--count 330 --capacity 75]

The script starts two gunicorn servers with the same flags (``--workers 4 --access-logfile -
--timeout 60``), on the DATABASE_URL of this shell:

- the portal (``kitakyushu_pf.wsgi``, DEBUG off, its whole middleware stack) on ``--port``;
- the baseline (``bench/burst_baseline.py``): a bare Django app without middleware whose views
  lock the session row, count, insert the registration, update the counter and redirect — one
  with Django's ORM (``/register-orm/``, the "bare Django lock + insert view" the goal is set
  against) and one with raw SQL (``/register/``, the strictest floor) — on ``--port + 1``.

It prepares one empty session for each (management command ``trainings_burst_session``), then, in
the same run, sends ``--count`` simultaneous POSTs to each: every client has its own e-mail
address and its own source IP (127.1.x.y, all loopback), as a rush of real people would. It
reports POST/s (count ÷ time from release to the last answer), p50/p95 latency, the ratios portal
÷ each baseline, and checks the database: exactly ``capacity`` confirmed, the rest waitlisted with
contiguous positions, one outbox row per registration, 0 5xx, and that double submits of one
person make one place.
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN_FLAGS = ["--access-logfile", "-", "--timeout", "60"]


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a given loopback address, so that each client has its own IP."""

    def __init__(self, source_ip: str) -> None:
        self.source_ip = source_ip
        super().__init__(pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


def client_for(i: int) -> requests.Session:
    session = requests.Session()
    adapter = SourceAddressAdapter(f"127.1.{i // 250}.{i % 250 + 1}")
    session.mount("http://", adapter)
    return session


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def burst(
    count: int, prepare: Callable[[int], Any], send: Callable[[int, Any], int]
) -> tuple[list[int], list[float], float]:
    """Prepare every client, release them at once; (statuses, latencies, wall seconds)."""
    barrier = threading.Barrier(count + 1)
    statuses: list[int] = [0] * count
    seconds: list[float] = [0.0] * count
    finished: list[float] = [0.0] * count

    def worker(i: int) -> None:
        state = prepare(i)
        barrier.wait(timeout=600)
        start = time.perf_counter()
        try:
            statuses[i] = send(i, state)
        except requests.RequestException:
            statuses[i] = 0
        finished[i] = time.perf_counter()
        seconds[i] = finished[i] - start

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    barrier.wait(timeout=600)
    released = time.perf_counter()
    for t in threads:
        t.join()
    return statuses, seconds, max(finished) - released


def report(name: str, statuses: list[int], seconds: list[float], wall: float) -> float:
    errors = sum(1 for s in statuses if s == 0 or s >= 500)
    rate = len(statuses) / wall
    codes = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(f"{name:<20} n={len(statuses)} {rate:6.1f} POST/s  wall={wall:.2f} s  "
          f"p50={percentile(seconds, 0.5) * 1000:.0f} ms  p95={percentile(seconds, 0.95) * 1000:.0f} ms  "
          f"5xx/conn errors={errors}  codes={codes}")  # fmt: skip
    return rate


def prepare_session(capacity: int, number: int) -> tuple[str, int]:
    out = subprocess.run(
        [sys.executable, "manage.py", "trainings_burst_session", str(capacity), "--number", str(number)],
        cwd=BASE_DIR, check=True, capture_output=True, text=True,
    )  # fmt: skip
    slug, session_id = out.stdout.split()
    return slug, int(session_id)


def start(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(BASE_DIR / ".venv/bin/gunicorn"), app, "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), *GUNICORN_FLAGS,
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8112, help="portal; the baseline uses +1")
    parser.add_argument("--count", type=int, default=330)
    parser.add_argument("--capacity", type=int, default=75)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="the median ratio is printed")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (see the docstring)")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    portal_url = f"http://127.0.0.1:{args.port}"
    baseline_url = f"http://127.0.0.1:{args.port + 1}"
    servers = [
        start("kitakyushu_pf.wsgi:application", args.port, args.workers, env),
        start("bench.burst_baseline:application", args.port + 1, args.workers, env),
    ]
    ok = True
    try:
        wait_up(portal_url + "/healthz")
        wait_up(baseline_url + "/register/")
        ratios: list[tuple[float, float]] = []
        for round_no in range(1, args.rounds + 1):
            ok &= run_round(round_no, args, portal_url, baseline_url, ratios)
        if len(ratios) > 1:
            orm = sorted(r[0] for r in ratios)[len(ratios) // 2]
            raw = sorted(r[1] for r in ratios)[len(ratios) // 2]
            print(
                f"median over {len(ratios)} rounds: portal / ORM {orm:.2f}x, portal / raw SQL {raw:.2f}x"
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    print("RESULT", "OK" if ok else "FAILED")
    return 0 if ok else 1


def run_round(
    round_no: int,
    args: argparse.Namespace,
    portal_url: str,
    baseline_url: str,
    ratios: list[tuple[float, float]],
) -> bool:
    run = secrets.token_hex(3)  # fresh addresses each run: the per-address limits are per day
    slug, session_id = prepare_session(args.capacity, 1)
    _slug, baseline_session = prepare_session(args.capacity, 2)
    _slug, orm_session = prepare_session(args.capacity, 3)
    form_url = f"{portal_url}/trainings/{slug}/register/"
    # Warm both up (imports, connections) without touching the sessions.
    for _ in range(args.workers * 3):
        requests.get(form_url, timeout=60)
        requests.get(baseline_url + "/register/", timeout=60)
        requests.get(baseline_url + "/register-orm/", timeout=60)

    def baseline_send(i: int, client: requests.Session) -> int:
        return client.post(
            baseline_url + "/register/",
            data={"session": baseline_session, "name": f"基準 {i:03d}", "email": f"base-{run}-{i:03d}@example.jp"},
            allow_redirects=False, timeout=300,
        ).status_code  # fmt: skip

    def orm_send(i: int, client: requests.Session) -> int:
        return client.post(
            baseline_url + "/register-orm/",
            data={"session": orm_session, "name": f"基準 {i:03d}", "email": f"orm-{run}-{i:03d}@example.jp"},
            allow_redirects=False, timeout=300,
        ).status_code  # fmt: skip

    def portal_prepare(i: int) -> tuple[requests.Session, str]:
        client = client_for(i)
        html = client.get(form_url, timeout=300).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, "no CSRF token on the form"
        return client, token.group(1)

    def portal_send(i: int, state: tuple[requests.Session, str], email: str = "") -> int:
        client, token = state
        return client.post(
            form_url,
            data={
                "csrfmiddlewaretoken": token, "sessions": [str(session_id)],
                "name": f"負荷 試験{i:03d}", "kana": "ふか しけん", "email": email or f"burst-{run}-{i:03d}@example.jp",
            },
            headers={"Referer": form_url}, allow_redirects=False, timeout=300,
        ).status_code  # fmt: skip

    print(f"round {round_no}: {args.count} clients, capacity {args.capacity}, "
          f"gunicorn --workers {args.workers} {' '.join(GUNICORN_FLAGS)}")  # fmt: skip
    b_status, b_seconds, b_wall = burst(args.count, client_for, baseline_send)
    o_status, o_seconds, o_wall = burst(args.count, client_for, orm_send)
    p_status, p_seconds, p_wall = burst(args.count, portal_prepare, portal_send)
    b_rate = report("baseline raw SQL", b_status, b_seconds, b_wall)
    o_rate = report("baseline ORM", o_status, o_seconds, o_wall)
    p_rate = report("portal registration", p_status, p_seconds, p_wall)
    print(
        f"ratio portal / bare Django ORM lock + insert: {p_rate / o_rate:.2f}x POST/s (goal >= 0.6)"
    )
    print(f"ratio portal / bare raw-SQL lock + insert:    {p_rate / b_rate:.2f}x POST/s")
    ratios.append((p_rate / o_rate, p_rate / b_rate))

    # Double submits: one new person presses "register" 10 times at once (from 10 tabs).
    double = f"double-{run}@example.jp"
    double_status, _s, _w = burst(
        10, lambda i: portal_prepare(args.count + i), lambda i, st: portal_send(i, st, double)
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from kitakyushu_pf.models import OutboxEmail
    from trainings.models import Registration, Session

    rows = list(
        Registration.objects.filter(session_id=session_id).values_list("pk", "state", "position")
    )
    confirmed = [r for r in rows if r[1] == "confirmed"]
    waiting = sorted(r[2] for r in rows if r[1] == "waitlisted")
    contiguous = waiting == list(range(1, len(waiting) + 1))
    counter = Session.objects.get(pk=session_id).confirmed_count
    keys = {f"trainings:{state}:{pk}" for pk, state, _p in rows}
    outbox = OutboxEmail.objects.filter(key__in=keys).count()
    doubles = Registration.objects.filter(session_id=session_id, email=double)
    print(f"portal: confirmed={len(confirmed)} waitlisted={len(waiting)} counter={counter} "
          f"positions contiguous={contiguous} outbox rows={outbox}/{len(rows)} "
          f"double-submit statuses={sorted(set(double_status))} places for one person={doubles.count()}")  # fmt: skip
    return (
        len(confirmed) == args.capacity
        and counter == args.capacity
        and len(waiting) == args.count - args.capacity + 1
        and contiguous
        and outbox == len(rows)
        and doubles.count() == 1
        and not any(s == 0 or s >= 500 for s in p_status + double_status)
        and all(s == 302 for s in p_status)
    )


if __name__ == "__main__":
    sys.exit(main())
