"""Disclosure control on small datasets: the publication report's cell suppression for a range
of sample sizes, against the previous algorithm (full SVD per round, no reuse between rounds,
chasing quantities the layout itself reveals) measured in the same run on the same tables.

    .venv/bin/python bench/disclosure_small.py
    .venv/bin/python bench/disclosure_small.py --n 30 60 120 --no-baseline

Tables are built exactly as the report service builds them (every indicator by every
breakdown of the tsunagari-r3 instrument); only `apply_suppression` is timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from surveys import aggregation as agg  # noqa: E402
from surveys import disclosure, synthetic  # noqa: E402
from surveys.disclosure import Key  # noqa: E402


def report_table(spec: dict, n: int, seed: int) -> pd.DataFrame:
    def labels(name: str) -> dict[int, str]:
        for var in [*spec["variables"], *spec.get("derived", [])]:
            if var["name"] == name:
                return agg.labels_of(var.get("codes", {}))
        raise KeyError(name)

    raw = synthetic.tsunagari(n, seed=seed)
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


# --- The previous algorithm, kept here only as the baseline ----------------------------------


def _old_disclosed(hidden: set[Key], values: dict[Key, int], equations: list[list[Key]]) -> list:
    from scipy.linalg import null_space
    from scipy.optimize import linprog

    out: list[Key] = []
    for members, eqs in disclosure._components(hidden, equations):
        a, b = disclosure._matrix(members, eqs, values)
        m = len(members)
        c = np.concatenate([np.zeros(m), -np.ones(m), [0.0]])
        a_eq = np.hstack([a, np.zeros((len(a), m)), -b.reshape(-1, 1)])
        a_ub = np.hstack([-np.eye(m), np.eye(m), np.zeros((m, 1))])
        bounds = [(0, None)] * m + [(0, 1)] * m + [(1, None)]
        res = linprog(c, A_ub=a_ub, b_ub=np.zeros(m), A_eq=a_eq, b_eq=np.zeros(len(a)),
                      bounds=bounds, method="highs")  # fmt: skip
        if res.status != 0:
            out.extend(members)
            continue
        always_zero = res.x[m : 2 * m] < 1e-7
        free = [i for i in range(m) if not always_zero[i]]
        out.extend(members[i] for i in range(m) if always_zero[i])
        if free:
            basis = null_space(a[:, free]) if len(a) else np.eye(len(free))
            if basis.size == 0:
                out.extend(members[i] for i in free)
            else:
                norms = np.linalg.norm(basis, axis=1)
                out.extend(members[free[j]] for j in range(len(free)) if norms[j] < 1e-9)
    return sorted(out, key=str)


def _old_pattern(table: pd.DataFrame, *, threshold: int) -> tuple[set[Key], dict]:
    values, equations, rows_of, n_key = disclosure._system(table)
    hidden = {k for k, v in values.items() if k != n_key and v < threshold}
    eqs_of: dict[Key, list[list[Key]]] = defaultdict(list)
    for eq in equations:
        for k in eq:
            eqs_of[k].append(eq)

    def smallest(keys: set[Key]) -> Key:
        return min(keys, key=lambda k: (values[k] == 0, values[k], str(k)))

    for round_no in range(500):
        open_keys = _old_disclosed(hidden, values, equations)
        if not open_keys:
            break
        added: set[Key] = set()
        for target in open_keys:
            if len(open_keys) < 20 and any(k in added for eq in eqs_of[target] for k in eq):
                continue
            rectangle = disclosure._rectangle(target, hidden, values) if round_no >= 3 else set()
            candidates = rectangle or {
                k for eq in eqs_of[target] for k in eq if k not in hidden and k != n_key
            }
            if candidates and round_no >= 10:
                added |= candidates
            elif candidates:
                added.add(smallest(candidates))
        if not added:
            candidates = {
                k
                for eq in equations
                if any(h in eq for h in hidden)
                for k in eq
                if k not in hidden and k != n_key
            }
            if not candidates:
                break
            added.add(smallest(candidates))
        hidden |= added
    return hidden, {"values": values, "equations": equations, "rows_of": rows_of}


def timed_suppression(table: pd.DataFrame) -> tuple[float, int]:
    start = time.perf_counter()
    out = disclosure.apply_suppression(table, threshold=10)
    return time.perf_counter() - start, int(out["suppressed"].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[30, 60, 120, 400, 2179])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous algorithm")
    args = parser.parse_args()
    spec = yaml.safe_load(
        (BASE_DIR / "surveys/instruments/tsunagari-r3.yaml").read_text(encoding="utf-8")
    )
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")  # fmt: skip
    head = ("n", "rows", "now s", "hidden", "before s", "hidden", "ratio")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (6, 5, 8, 7, 9, 7, 7), strict=True)))
    current = disclosure.suppression_pattern
    disclosure.apply_suppression(report_table(spec, 200, args.seed), threshold=10)  # warm-up
    for n in args.n:
        table = report_table(spec, n, args.seed)
        now_s, now_hidden = timed_suppression(table)
        line = f"{n:>6} {len(table):>5} {now_s:>8.2f} {now_hidden:>7}"
        if not args.no_baseline:
            disclosure.suppression_pattern = _old_pattern  # type: ignore[assignment]
            try:
                old_s, old_hidden = timed_suppression(table)
            finally:
                disclosure.suppression_pattern = current  # type: ignore[assignment]
            line += f" {old_s:>9.2f} {old_hidden:>7} {old_s / now_s:>6.1f}×"
        print(line, flush=True)


if __name__ == "__main__":
    main()
