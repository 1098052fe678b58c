"""CPU cost of one web-answer submission, in-process: the Django test client on SQLite in memory.

    .venv/bin/python bench/answer_submit_profile.py [--count 200] [--profile 30]

N fresh codes of one fielding have every page saved beforehand (untimed); then each code's
final POST (`nav=submit`) goes through the whole stack (middleware, throttle, view, validation,
the one conditional UPDATE, the after-commit count). Reported: CPU ms per submission
(process time over the N timed submits, no profiler attached), database queries per submission,
the same for the bare form POST of /answer/bench-baseline/ (the ratio is steadier than either
number on a shared machine), and with --profile the top functions by cumulative time over a
second set of submits.
No server, no PostgreSQL, no Redis: the numbers compare code versions on one machine, not
deployments (bench/answer_burst.py does that).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="timed submissions")
    parser.add_argument("--profile", type=int, default=0, help="profiled submissions (extra)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (e.g. tottime)")
    parser.add_argument("--only", default="", help="restrict the listing to paths matching this")
    args = parser.parse_args()

    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "DJANGO_ENV"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.test_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings.SURVEYS_ANSWER_RATE_IP = "100000/h"
    settings.SURVEYS_ANSWER_RATE_ALL = "100000/h"
    settings.SURVEYS_BENCH_BASELINE = True
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from surveys import services, web
    from surveys.models import Instrument, WebAnswer

    today = timezone.localdate()
    dataset = services.dataset_create(
        instrument=Instrument.objects.get(slug="tsunagari-r3"),
        title="answer submit profile",
        sample_size=args.count + args.profile,
    )
    web.fielding_open(dataset=dataset, opens_on=today, closes_on=today)
    warm = 5
    codes = web.codes_issue(dataset=dataset, count=warm + args.count + args.profile)
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
    client = Client()
    fielding = str(dataset.pk)

    def submit(code: str) -> None:
        response = client.post(f"/answer/{code}/", {"nav": "submit", "fielding": fielding})
        assert response.status_code == 302, response.status_code

    for code in codes[:warm]:  # imports, template loading, first queries
        submit(code)
    queries: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # request_started resets connection.queries
        submit(codes[warm])
    timed = codes[warm + 1 : warm + args.count]
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    for code in timed:
        submit(code)
    cpu = (time.process_time() - start_cpu) / len(timed)
    wall = (time.perf_counter() - start_wall) / len(timed)
    print(
        f"{len(timed) + 1} submissions: {cpu * 1000:.2f} ms CPU each "
        f"({wall * 1000:.2f} ms wall), {len(queries)} queries each"
    )
    for sql in queries:
        print("   ", sql[:150])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for code in codes[warm + args.count :]:
            submit(code)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(
            *([args.only] if args.only else []), args.top
        )
        print(out.getvalue())
    # The same stack's bare form POST (CSRF, validation, redirect; no database), same client.
    for _ in range(warm):
        client.post("/answer/bench-baseline/", {"choice": "1"})
    start_cpu = time.process_time()
    for _ in timed:
        assert client.post("/answer/bench-baseline/", {"choice": "1"}).status_code == 302
    bare = (time.process_time() - start_cpu) / len(timed)
    print(f"bare form POST: {bare * 1000:.2f} ms CPU each; submission ÷ bare = {cpu / bare:.1f}")
    kept = WebAnswer.objects.filter(dataset=dataset, submitted_on__isnull=False).count()
    print(f"kept {kept} of {len(codes)} codes")
    return 0 if kept == len(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
