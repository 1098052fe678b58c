"""Cost of the content languages on the handbook's own pages, in-process (Django test client,
a throw-away SQLite test database with the demo catalogue and handbook/data/translations).

For the category page and results for three worries, in ja, en and easy, prints the median time
per request and the queries of (a) a cold request (content snapshot and its language built, page
rendered), (b) a warm request (rendered page from the cache: what residents get), and the time to
build the snapshot and to localise it into one language. Not a load test (see
handbook_throughput.py for that). Run:
    env -u DJANGO_ENV DJANGO_SETTINGS_MODULE=kitakyushu_pf.test_settings \
        .venv/bin/python bench/handbook_languages.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.test_settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0)
    try:
        from handbook import selectors
        from handbook.demo import seed_demo
        from handbook.models import Worry

        seed_demo()
        ids = [Worry.objects.get(key=k).pk for k in ("no-money", "rent", "debt")]
        pages = {
            "category": "/handbook/c/money/",
            "results": "/handbook/results/?" + "&".join(f"w={i}" for i in ids),
        }
        t0 = time.perf_counter()
        snap = selectors.snapshot_build(None)
        build = time.perf_counter() - t0
        print(f"snapshot build: {build * 1000:.1f} ms")
        for language in ("en", "easy"):
            t0 = time.perf_counter()
            snap.localised(language)
            took = (time.perf_counter() - t0) * 1000
            print(f"localise {language}: {took:.1f} ms (once per content version)")
        print(f"{'page':<10}{'lang':<6}{'cold q':>7}{'cold ms':>9}{'warm q':>7}{'warm ms':>9}")
        for name, url in pages.items():
            for language in ("ja", "en", "easy"):
                full = f"{url}{'&' if '?' in url else '?'}lang={language}"
                cache.clear()
                selectors._snapshots.clear()
                selectors.content_version_forget()
                client = Client()
                with CaptureQueriesContext(connection) as cold_q:
                    t0 = time.perf_counter()
                    client.get(full)
                    cold = time.perf_counter() - t0
                times = []
                with CaptureQueriesContext(connection) as warm_q:
                    for _ in range(args.rounds):
                        t0 = time.perf_counter()
                        client.get(full)
                        times.append(time.perf_counter() - t0)
                warm_queries = len(warm_q.captured_queries) / args.rounds
                print(
                    f"{name:<10}{language:<6}{len(cold_q.captured_queries):>7}{cold * 1000:>9.1f}"
                    f"{warm_queries:>7.1f}{statistics.median(times) * 1000:>9.2f}"
                )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
