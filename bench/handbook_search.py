"""Speed and memory of the handbook search with the Japanese dictionary loaded.

1. Search latency, in process: every query of the evaluation set (tests/handbook/evaluation.tsv)
   through ``selectors.worries_search`` on the shipped catalogue, first with a cold query cache
   (each query analysed for the first time) and then warm; p50/p95 against the baseline of the
   same queries through ``kitakyushu_pf.japanese.tokens`` alone (the analyser's own cost).
2. Worker start-up and memory: a fresh process that imports the WSGI application (which loads
   the dictionary and thesaurus, kitakyushu_pf/wsgi.py) against a fresh process that only runs
   ``django.setup()``; wall time to ready and resident set size (RSS) of each.

    .venv/bin/python bench/handbook_search.py [--rounds 3]

Runs on a throw-away SQLite database; nothing to start first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CHILD = r"""
import os, sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.test_settings"
if {wsgi}:
    from kitakyushu_pf.wsgi import application  # loads the dictionary and thesaurus
else:
    import django
    django.setup()
ready = time.perf_counter() - t0
import psutil
print(json.dumps({{"ready": ready, "rss": psutil.Process().memory_info().rss}}))
"""


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _child(wsgi: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=str(ROOT), wsgi=wsgi)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.test_settings"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="start-up measurements per kind")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.test_settings")
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    from handbook import search, selectors
    from handbook.demo import seed_demo
    from kitakyushu_pf import japanese
    from tests.handbook import evaluation

    seed_demo()
    snap = selectors.snapshot_build(None)
    queries = [c.query for c in evaluation.load()]
    # What a worker does at start-up (kitakyushu_pf/wsgi.py): the dictionary, the thesaurus, the
    # crisis lexicon and the translations are loaded before the first search is timed.
    search.warm_up()

    base = []
    for q in queries:
        t = time.perf_counter()
        japanese.tokens(q)
        base.append((time.perf_counter() - t) * 1000)

    search.analyse.cache_clear()
    from handbook import crisis

    crisis.assess.cache_clear()
    cold, warm = [], []
    for q in queries:
        t = time.perf_counter()
        selectors.worries_search(snapshot=snap, text=q)
        cold.append((time.perf_counter() - t) * 1000)
    for q in queries:
        t = time.perf_counter()
        selectors.worries_search(snapshot=snap, text=q)
        warm.append((time.perf_counter() - t) * 1000)

    print(f"search latency over {len(queries)} queries (ms)")
    print(f"{'':<28} {'p50':>7} {'p95':>7} {'mean':>7}")
    for name, values in (
        ("baseline: tokens() only", base),
        ("search, first time", cold),
        ("search, repeated query", warm),
    ):
        p50, p95 = _percentile(values, 50), _percentile(values, 95)
        print(f"{name:<28} {p50:>7.2f} {p95:>7.2f} {statistics.mean(values):>7.2f}")
    ratio = _percentile(cold, 95) / max(_percentile(base, 95), 1e-6)
    print(f"p95 first-time search / p95 tokens(): {ratio:.1f}x")

    plain = [_child(False) for _ in range(args.rounds)]
    loaded = [_child(True) for _ in range(args.rounds)]

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"\nworker start-up (median of {args.rounds})")
    print(f"{'':<36} {'ready s':>8} {'RSS MB':>8}")
    print(
        f"{'baseline: django.setup() only':<36} {med(plain, 'ready'):>8.2f} "
        f"{med(plain, 'rss') / 2**20:>8.0f}"
    )
    print(
        f"{'WSGI app + dictionary + thesaurus':<36} {med(loaded, 'ready'):>8.2f} "
        f"{med(loaded, 'rss') / 2**20:>8.0f}"
    )
    print(
        f"extra start-up {med(loaded, 'ready') - med(plain, 'ready'):.2f} s, extra RSS "
        f"{(med(loaded, 'rss') - med(plain, 'rss')) / 2**20:.0f} MB"
    )


if __name__ == "__main__":
    main()
