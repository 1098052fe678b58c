"""CPU cost of one web-answer submission, in-process, against a bare Django form POST.

    .venv/bin/python bench/answer_submit_profile.py [--count 200] [--rounds 3] [--profile 30]
        [--cache-url redis://127.0.0.1:6379/14] [--reports]

Both sides are driven through their WSGI handler with real requests (CSRF cookie and token
checked, nothing bypassed, responses read and closed); CPU is ``time.process_time()``:

- the portal (``kitakyushu_pf.test_settings``: SQLite in memory unless --database-url (then
  PostgreSQL, in a ``test_`` database created and dropped by the script), DEBUG off, locmem cache
  unless --cache-url, e.g. Redis for the throttle's round trips; --reports: the dataset has its two
  reports, a rebuild queued, as in production once an analyst made them): N fresh codes have
  every page saved beforehand (untimed); each code's final POST (``nav=submit``) is timed —
  middleware, throttle, view, validation, the conditional UPDATE, the after-commit count;
- the baseline: ``bench/answer_baseline_wsgi.py`` (the separate bare app bench/answer_burst.py
  serves: Security + Common + CSRF middleware, a validated form, a redirect; no database),
  in a child process of this run (it configures its own settings), N POSTs.

Each round measures the baseline, then the portal; the medians over the rounds are printed
with the database queries of one submission; --profile N lists the top functions over N more
submits. No server, no PostgreSQL: the numbers compare code versions on one machine, not
deployments (bench/answer_burst.py does that).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE = re.compile(r"csrftoken=([^;]+)")

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call(
    app: App, method: str, path: str, data: dict[str, str] | None = None, cookie: str = ""
) -> tuple[int, dict[str, str], bytes]:
    """One request through the WSGI handler, the way gunicorn makes it."""
    body = urlencode(data or {}).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8714",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if method == "POST":
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    if cookie:
        environ["HTTP_COOKIE"] = f"csrftoken={cookie}"
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = headers

    result = app(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    headers: dict[str, str] = {}
    for name, value in seen["headers"]:
        headers[name.lower()] = headers.get(name.lower(), "") + value + ";"
    return seen["status"], headers, content


def csrf(app: App, path: str) -> tuple[str, str]:
    """The CSRF cookie and the form's token, from a GET of a page with a form."""
    status, headers, content = call(app, "GET", path)
    assert status == 200, (path, status)
    match = TOKEN.search(content)
    assert match is not None, path
    cookie = COOKIE.search(headers.get("set-cookie", ""))
    assert cookie is not None, path
    return cookie.group(1), match.group(1).decode()


def baseline_child(count: int, warm: int = 20) -> None:
    """In the child process: N POSTs of the bare app's form; prints CPU seconds per POST."""
    from bench.answer_baseline_wsgi import application

    cookie, token = csrf(application, "/answer/")
    data = {"csrfmiddlewaretoken": token, "choice": "1"}

    def post() -> None:
        status, _, _ = call(application, "POST", "/answer/", data, cookie)
        assert status == 302, status

    for _ in range(warm):
        post()
    start = time.process_time()
    for _ in range(count):
        post()
    print(json.dumps({"cpu": (time.process_time() - start) / count}))


def baseline(count: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--baseline-child", str(count)],
        cwd=BASE_DIR, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(json.loads(out.stdout.strip().splitlines()[-1])["cpu"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="timed requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="profiled submissions (extra)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (e.g. tottime)")
    parser.add_argument("--only", default="", help="restrict the listing to paths matching this")
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--database-url",
        default="",
        help="e.g. postgres://postgres@127.0.0.1:5432/kpf_bench (its test_ database is used)",
    )
    parser.add_argument(
        "--reports",
        action="store_true",
        help="the dataset has both reports with a rebuild queued (as once an analyst made them)",
    )
    parser.add_argument("--baseline-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child:
        baseline_child(args.baseline_child)
        return 0

    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "DJANGO_ENV"):
        os.environ.pop(name, None)
    if args.cache_url:
        os.environ["CACHE_URL"] = args.cache_url
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.test_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.utils import timezone

    settings.DEBUG = False
    settings.SURVEYS_ANSWER_RATE_IP = "100000/h"
    settings.SURVEYS_ANSWER_RATE_ALL = "100000/h"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    cache.clear()

    from surveys import services, web
    from surveys.models import Instrument, WebAnswer

    warm = 5
    total = warm + 1 + args.rounds * args.count + args.profile
    today = timezone.localdate()
    dataset = services.dataset_create(
        instrument=Instrument.objects.get(slug="tsunagari-r3"),
        title="answer submit profile",
        sample_size=total,
    )
    web.fielding_open(dataset=dataset, opens_on=today, closes_on=today)
    if args.reports:
        from surveys.models import ReportJob
        from surveys.services.reports import report_request

        for mode in ReportJob.Mode.values:
            report_request(dataset=dataset, mode=mode, dispatch=False)
    codes = web.codes_issue(dataset=dataset, count=total)
    q = web.questionnaire(dataset.instrument)
    answers = {}
    for page in q.pages:
        for item in page.items:
            first = item.options[0][0]
            answers[item.name] = [first] if item.kind == "multiple" else first
    for code in codes:
        access = web.code_find(code)
        assert access is not None
        for page in q.pages:
            web.page_save(
                access=access, page=page, answers={i.name: answers[i.name] for i in page.items}
            )
    application = get_wsgi_application()
    cookie, token = csrf(application, "/answer/")
    data = {"csrfmiddlewaretoken": token, "fielding": str(dataset.pk), "nav": "submit"}

    def submit(code: str) -> None:
        status, _, _ = call(application, "POST", f"/answer/{code}/", data, cookie)
        assert status == 302, status

    pending = iter(codes)
    for code in [next(pending) for _ in range(warm)]:  # imports, templates, first queries
        submit(code)
    queries: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        submit(next(pending))
    portal_cpu, bare_cpu = [], []
    for _ in range(args.rounds):
        bare_cpu.append(baseline(args.count))
        batch = [next(pending) for _ in range(args.count)]
        start = time.process_time()
        for code in batch:
            submit(code)
        portal_cpu.append((time.process_time() - start) / args.count)
    cpu, bare = statistics.median(portal_cpu), statistics.median(bare_cpu)
    rounds = ", ".join(
        f"{p * 1000:.2f}/{b * 1000:.2f}" for p, b in zip(portal_cpu, bare_cpu, strict=True)
    )
    print(
        f"cache: {settings.CACHES['default']['BACKEND']}; reports: {args.reports}; "
        f"rounds (submit/bare ms): {rounds}"
    )
    print(
        f"submission: {cpu * 1000:.2f} ms CPU each (median of {args.rounds} rounds of "
        f"{args.count}), {len(queries)} queries each"
    )
    for sql in queries:
        print("   ", sql[:150])
    print(
        f"bare form POST (bench/answer_baseline_wsgi.py): {bare * 1000:.2f} ms CPU each; "
        f"submission ÷ bare = {cpu / bare:.1f}"
    )
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
        profiler.enable()
        for code in pending:
            submit(code)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(
            *([args.only] if args.only else []), args.top
        )
        print(out.getvalue())
    kept = WebAnswer.objects.filter(dataset=dataset, submitted_on__isnull=False).count()
    print(f"kept {kept} of {len(codes)} codes")
    if args.database_url:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return 0 if kept == len(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
