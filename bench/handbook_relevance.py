"""The handbook search against its evaluation set (tests/handbook/evaluation.tsv).

Prints top-1 and top-3 hit rates per section, crisis recall, false flags (on the look-alikes and
on every no-crisis query), empty answers, and with ``--misses`` every query whose top 3 holds no
acceptable worry. The acceptable worries may be given by text or by catalogue key. Runs on a
throw-away SQLite database loaded with the shipped catalogue:

    .venv/bin/python bench/handbook_relevance.py [--misses] [--old] [--holdout | --file PATH]

``--old`` also scores the older 76-query set (tests/handbook/relevance.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the queries that miss")
    parser.add_argument("--old", action="store_true", help="also score the 76-query set")
    parser.add_argument(
        "--holdout", action="store_true", help="score tests/handbook/evaluation_holdout.tsv"
    )
    parser.add_argument(
        "--file",
        type=Path,
        help="score another set in the same format (e.g. tests/handbook/evaluation_holdout2.tsv)",
    )
    args = parser.parse_args()
    if args.holdout and args.file:
        parser.error("--holdout and --file are alternatives")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.test_settings")
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    from handbook import selectors
    from handbook.demo import seed_demo
    from tests.handbook import evaluation

    seed_demo()
    snap = selectors.snapshot_build(None)
    path = args.file or (evaluation.HOLDOUT_PATH if args.holdout else evaluation.PATH)
    cases = evaluation.with_texts(evaluation.load(path), evaluation.snapshot_keys(snap))
    report = evaluation.evaluate(evaluation.snapshot_search(snap), cases)
    print(f"{path.name}: {len(cases)} queries, {len(snap.worries)} worries")
    print("\n".join(report.lines()))
    if args.misses:
        print("\nmisses (query → top 3):")
        for query, top in report.misses:
            print(f"  {query} → {' / '.join(top) or '(nothing)'}")
        print("\ncrisis not flagged:", *report.missed_crisis, sep="\n  ")
        print("\nflagged but should not be:", *report.false_flags, sep="\n  ")
    if args.old:
        from tests.handbook.relevance import QUERIES

        search = evaluation.snapshot_search(snap)
        hit = sum(bool(set(search(q)[0][:3]) & expected) for q, expected in QUERIES)
        print(f"\nold relevance set: hit@3 {hit}/{len(QUERIES)} = {hit / len(QUERIES):.3f}")


if __name__ == "__main__":
    main()
