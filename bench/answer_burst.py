"""500 residents sending their web answers at once (after a QR campaign), against `make serve`.

    export DATABASE_URL=postgres://… CACHE_URL=redis://… CELERY_BROKER_URL=redis://…
    make serve PORT=8714                                                  # one shell
    .venv/bin/python bench/answer_burst.py --url http://127.0.0.1:8714   # another, same env

Run the script with the server's DJANGO_SECRET_KEY (or SURVEYS_CODE_KEY): it issues the codes.
It opens a fielding and issues N codes through this shell's DATABASE_URL (the server's), fills
every page but the last for each code, lets N clients load and send their last page (untimed),
then releases them at once to submit. Reported: submit p50/p95, answers/s, 5xx, and the database
afterwards (every 302 is one kept answer: nothing lost, nothing twice).

The baseline is outside the portal: `bench/answer_baseline_wsgi.py`, a separate bare Django app
(Security, Common and CSRF middleware, a form validated and a redirect; no database, sessions or
cache). The script starts it itself under the same gunicorn flags as `make serve`
(`-c kitakyushu_pf/gunicorn_conf.py --workers $GUNICORN_WORKERS (4) --timeout 60`) on the
portal's port + 1 and stops it afterwards (or give `--baseline-url` of one already running). The
same N clients load its form (untimed) and POST it at once, just before the submissions, in the
same run; ratio = baseline latency ÷ submit latency, and answers/s ÷ baseline posts/s (goal ≥ 0.5).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def burst(count: int, prepare: Any, send: Any) -> tuple[list[int], list[float], float]:
    barrier = threading.Barrier(count)
    statuses, seconds = [0] * count, [0.0] * count
    marks: list[float] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            state = prepare(i)
        except requests.RequestException:
            state = None
        barrier.wait(timeout=600)
        start = time.perf_counter()
        with lock:
            marks.append(start)
        try:
            statuses[i] = send(i, state) if state is not None else 0
        except requests.RequestException:
            statuses[i] = 0
        end = time.perf_counter()
        seconds[i] = end - start
        with lock:
            marks.append(end)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, seconds, max(marks) - min(marks)


def report(name: str, statuses: list[int], seconds: list[float], wall: float) -> dict[str, float]:
    errors = sum(1 for s in statuses if s == 0 or s >= 500)
    p50, p95 = percentile(seconds, 0.5), percentile(seconds, 0.95)
    rate = len(statuses) / wall
    print(
        f"{name:<18} n={len(statuses)} 5xx/conn={errors} p50={p50 * 1000:.0f} ms "
        f"p95={p95 * 1000:.0f} ms throughput={rate:.1f}/s"
    )
    return {"p50": p50, "p95": p95, "rate": rate, "errors": errors}


def baseline_start(url: str) -> subprocess.Popen[bytes]:
    """The bare form app under the same gunicorn flags as `make serve`, on the portal's port + 1."""
    port = int(url.rsplit(":", 1)[1].strip("/")) + 1
    command = [
        str(BASE_DIR / ".venv/bin/gunicorn"), "bench.answer_baseline_wsgi:application",
        "-c", "kitakyushu_pf/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}",
        "--workers", os.environ.get("GUNICORN_WORKERS", "4"), "--timeout", "60",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/answer/", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the baseline app on port {port} did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8714")
    parser.add_argument(
        "--baseline-url", default="", help="a running bench/answer_baseline_wsgi.py (else started)"
    )
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    server = None if args.baseline_url else baseline_start(args.url)
    try:
        return run(args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def run(args: argparse.Namespace) -> int:
    base_url = args.baseline_url.rstrip("/") or "http://127.0.0.1:{}".format(
        int(args.url.rsplit(":", 1)[1].strip("/")) + 1
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    import django

    django.setup()
    from django.utils import timezone

    from surveys import services, web
    from surveys.models import Instrument, WebAnswer

    services.instrument_load(slug="tsunagari-r3")
    today = timezone.localdate()
    dataset = services.dataset_create(
        instrument=Instrument.objects.get(slug="tsunagari-r3"),
        title=f"bench answer_burst {timezone.now():%Y-%m-%d %H:%M:%S}",
        sample_size=args.count,
    )
    web.fielding_open(dataset=dataset, opens_on=today, closes_on=today)
    codes = web.codes_issue(dataset=dataset, count=args.count)
    q = web.questionnaire(dataset.instrument)
    # Every question answered with its first option (a tick-box question: its first box).
    answers = {
        item.name: [item.options[0][0]] if item.kind == "multiple" else item.options[0][0]
        for page in q.pages
        for item in page.items
    }
    for code in codes:
        access = web.code_find(code)
        assert access is not None
        for page in q.pages[:-1]:
            web.page_save(
                access=access, page=page, answers={i.name: answers[i.name] for i in page.items}
            )
    last = q.pages[-1]
    last_answers = {i.name: answers[i.name] for i in last.items}
    print(f"{args.url}: {args.count} codes, fielding {dataset.pk}")

    print(f"baseline: {base_url}/answer/ (bench/answer_baseline_wsgi.py)")

    # Baseline: a bare Django form POST, a separate app under the same gunicorn flags.
    def base_prepare(i: int) -> Any:
        s = requests.Session()
        page = s.get(f"{base_url}/answer/", timeout=120)
        page.raise_for_status()
        return s, TOKEN.search(page.text).group(1)  # type: ignore[union-attr]

    def base_send(i: int, state: Any) -> int:
        s, token = state
        r = s.post(
            f"{base_url}/answer/",
            data={"csrfmiddlewaretoken": token, "choice": "1"},
            headers={"Referer": f"{base_url}/answer/"},
            allow_redirects=False,
            timeout=300,
        )
        return r.status_code

    base = report("baseline form POST", *burst(args.count, base_prepare, base_send))

    def prepare(i: int) -> Any:
        """Load the last page and send it (not timed); the timed request is the submission."""
        s = requests.Session()
        url = f"{args.url}/answer/{codes[i]}/"
        page = s.get(f"{url}?p={last.index}", timeout=120)
        page.raise_for_status()
        token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
        r = s.post(
            url,
            data={"csrfmiddlewaretoken": token, "fielding": str(dataset.pk),
                  "page": last.index, "nav": "next", **last_answers},
            headers={"Referer": url}, allow_redirects=False, timeout=300,
        )  # fmt: skip
        r.raise_for_status()
        return s, token

    def send(i: int, state: Any) -> int:
        s, token = state
        url = f"{args.url}/answer/{codes[i]}/"
        r = s.post(
            url,
            data={"csrfmiddlewaretoken": token, "fielding": str(dataset.pk), "nav": "submit"},
            headers={"Referer": url}, allow_redirects=False, timeout=300,
        )  # fmt: skip
        return r.status_code

    statuses, seconds, wall = burst(args.count, prepare, send)
    sub = report("web submit", statuses, seconds, wall)
    kept = WebAnswer.objects.filter(dataset=dataset, submitted_on__isnull=False).count()
    accepted = sum(1 for s in statuses if s == 302)
    frame = services.microdata_frame(dataset)
    dataset.refresh_from_db()
    lost = accepted - kept
    print(
        f"accepted (302) {accepted}, kept in the dataset {kept} (microdata rows {len(frame)}, "
        f"n_respondents {dataset.n_respondents}), lost {lost}"
    )
    print(
        f"ratio latency p50 {base['p50'] / sub['p50']:.2f} p95 {base['p95'] / sub['p95']:.2f}; "
        f"ratio throughput {sub['rate'] / base['rate']:.2f} (goal ≥ 0.5)"
    )
    ok = lost == 0 and sub["errors"] == 0 and kept == args.count == len(frame)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
