"""Disclosure control: the publication report's cell suppression (protection intervals,
cost-weighted complements) against the previous rule (exact recovery only, smallest non-zero
complement; kept in tests/surveys/disclosure_legacy.py), on the same tables in the same run.

    .venv/bin/python bench/disclosure_small.py                # 30 60 120 400 2179
    .venv/bin/python bench/disclosure_small.py --n 2179 --no-baseline

For each size: quantities (cells, totals, bases), seconds, quantities hidden, the total count
of people in hidden quantities, and "weak": hidden quantities an LP attacker narrows to an
interval under the threshold (10) or proves to be under it. Tables are built exactly as the
report service builds them (every indicator by every breakdown of tsunagari-r3, from the
seeded demo generator; n=2179 with the default seed is the demo file).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from surveys import aggregation as agg  # noqa: E402
from surveys import disclosure, synthetic  # noqa: E402
from surveys.disclosure import Key  # noqa: E402


def report_table(spec: dict, n: int, seed: int | None) -> pd.DataFrame:
    def labels(name: str) -> dict[int, str]:
        for var in [*spec["variables"], *spec.get("derived", [])]:
            if var["name"] == name:
                return agg.labels_of(var.get("codes", {}))
        raise KeyError(name)

    raw = synthetic.tsunagari(n) if seed is None else synthetic.tsunagari(n, seed=seed)
    frame = agg.derive(raw.drop(columns="resp_id").replace("", "-1").astype(int), spec["derived"])
    tables = []
    for ind in spec["report"]["indicators"]:
        answers = labels(ind)
        tables.append(agg.distribution(frame, indicator=ind, answer_labels=answers))
        for b in spec["report"]["breakdowns"]:
            if b != ind:
                tables.append(
                    agg.distribution(frame, indicator=ind, answer_labels=answers, breakdown=b,
                                     group_labels=labels(b))
                )  # fmt: skip
    return agg.add_wilson(pd.concat(tables, ignore_index=True))


def _protection(hidden: set[Key], values: dict, equations: list, threshold: int) -> int:
    """Suppressed quantities an LP attacker narrows below the threshold (or proves small)."""
    found = disclosure.ranges(hidden, values, equations)
    return sum(
        1
        for k, (lo, hi) in found.items()
        if hi - lo < threshold - 1e-6 or (values[k] < threshold and hi < threshold - 1e-6)
    )


def measure(pattern, table: pd.DataFrame, **kwargs) -> tuple[float, int, int, int]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    hidden, system = pattern(table, threshold=10, **kwargs)
    elapsed = time.perf_counter() - start
    values = system["values"]
    weak = _protection(hidden, values, system["equations"], 10)
    return elapsed, len(hidden), sum(values[k] for k in hidden), weak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[30, 60, 120, 400, 2179])
    parser.add_argument(
        "--seed", type=int, default=None, help="synthetic seed (default: the demo file's)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous algorithm")
    args = parser.parse_args()
    spec = yaml.safe_load(
        (BASE_DIR / "surveys/instruments/tsunagari-r3.yaml").read_text(encoding="utf-8")
    )
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.test_settings")
    import django

    django.setup()
    from surveys.services.calculations import headline_answers
    from tests.surveys.disclosure_legacy import legacy_suppression_pattern

    protect = headline_answers(spec)
    head = ("n", "qty", "new s", "hidden", "count", "weak", "old s", "hidden", "count", "weak")
    widths = (6, 5, 7, 7, 7, 5, 7, 7, 7, 5)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for n in args.n:
        table = report_table(spec, n, args.seed)
        dist = table
        new = measure(disclosure.suppression_pattern, dist, protect_answers=protect)
        n_qty = len(disclosure._system(dist)[0]) - 1
        line = f"{n:>6} {n_qty:>5} {new[0]:>7.2f} {new[1]:>7} {new[2]:>7} {new[3]:>5}"
        if not args.no_baseline:
            old = measure(legacy_suppression_pattern, dist)
            line += f" {old[0]:>7.2f} {old[1]:>7} {old[2]:>7} {old[3]:>5}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
