"""Burst of simultaneous registrations for one lecture, against a running `make serve`.

    DATABASE_URL=postgres://... CACHE_URL=redis://... make serve PORT=8112   # in one shell
    DATABASE_URL=postgres://... .venv/bin/python bench/registration_burst.py --url http://127.0.0.1:8112

The script prepares an empty session (management command `trainings_burst_session`, on the
DATABASE_URL of this shell, which must be the server's), lets N clients load the form, releases
them at once and reports confirmed / waitlisted / errors and p50/p95 latency. As a baseline it
measures N simultaneous GETs of the programme page in the same run, and prints the ratio. It then
checks the database: exactly `capacity` confirmed, the rest waitlisted with contiguous positions in
the order the server accepted them.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def burst(count: int, prepare, send) -> tuple[list[int], list[float]]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    statuses: list[int] = [0] * count
    seconds: list[float] = [0.0] * count

    def worker(i: int) -> None:
        state = prepare(i)
        barrier.wait(timeout=300)
        start = time.perf_counter()
        try:
            statuses[i] = send(i, state)
        except requests.RequestException:
            statuses[i] = 0
        seconds[i] = time.perf_counter() - start

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, seconds


def summary(name: str, statuses: list[int], seconds: list[float]) -> tuple[float, float]:
    errors = sum(1 for s in statuses if s == 0 or s >= 500)
    p50, p95 = percentile(seconds, 0.5), percentile(seconds, 0.95)
    print(f"{name:<22} n={len(statuses)} errors(5xx/conn)={errors} p50={p50 * 1000:.0f} ms "
          f"p95={p95 * 1000:.0f} ms max={max(seconds) * 1000:.0f} ms")  # fmt: skip
    return p50, p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8112")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=75)
    args = parser.parse_args()

    out = subprocess.run(
        [sys.executable, "manage.py", "trainings_burst_session", str(args.capacity)],
        cwd=BASE_DIR, check=True, capture_output=True, text=True,
    )  # fmt: skip
    slug, session_id = out.stdout.split()
    programme_url = f"{args.url}/trainings/{slug}/"
    form_url = f"{programme_url}register/"
    print(f"target {form_url} session={session_id} capacity={args.capacity} clients={args.count}")

    # Baseline: the same number of simultaneous GETs of the programme page.
    base_status, base_seconds = burst(
        args.count,
        lambda i: requests.Session(),
        lambda i, s: s.get(programme_url, timeout=120).status_code,
    )

    def prepare(i: int) -> tuple[requests.Session, str]:
        client = requests.Session()
        html = client.get(form_url, timeout=120).text
        return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def send(i: int, state: tuple[requests.Session, str]) -> int:
        client, token = state
        r = client.post(
            form_url,
            data={
                "csrfmiddlewaretoken": token,
                "sessions": [session_id],
                "name": f"負荷 試験{i:03d}",
                "kana": "ふか しけん",
                "email": f"burst{i:03d}@example.jp",
            },
            headers={"Referer": form_url},
            allow_redirects=False,
            timeout=120,
        )
        return r.status_code

    reg_status, reg_seconds = burst(args.count, prepare, send)
    print()
    b50, b95 = summary("baseline GET", base_status, base_seconds)
    r50, r95 = summary("registration POST", reg_status, reg_seconds)
    print(f"ratio registration/baseline: p50 x{r50 / b50:.2f}, p95 x{r95 / b95:.2f}")
    codes = {code: reg_status.count(code) for code in sorted(set(reg_status))}
    print(f"status codes: {codes}")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from trainings.models import Registration, Session

    rows = list(
        Registration.objects.filter(session_id=session_id).values_list(
            "state", "position", "created_at"
        )
    )
    confirmed = [r for r in rows if r[0] == "confirmed"]
    waiting = sorted((r for r in rows if r[0] == "waitlisted"), key=lambda r: r[2])
    contiguous = sorted(r[1] for r in waiting) == list(range(1, len(waiting) + 1))
    in_order = [r[1] for r in waiting] == sorted(r[1] for r in waiting)
    counter = Session.objects.get(pk=session_id).confirmed_count
    print(f"confirmed={len(confirmed)} waitlisted={len(waiting)} counter={counter} "
          f"positions contiguous={contiguous} in arrival order={in_order}")  # fmt: skip
    ok = (
        len(confirmed) == args.capacity
        and len(waiting) == args.count - args.capacity
        and contiguous
        and in_order
        and not any(s == 0 or s >= 500 for s in reg_status)
    )
    print("RESULT", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
