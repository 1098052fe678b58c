"""An independent brute-force attacker: from the published cells of one indicator with one
breakdown, enumerate every integer table consistent with them."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any


def feasible_values(rows: list[dict[str, Any]]) -> dict[tuple, set[int]]:
    """For every blank (suppressed) quantity, the set of values some consistent table gives."""
    total = [r for r in rows if r["breakdown"] == "total"]
    cells = [r for r in rows if r["breakdown"] != "total"]
    n = int(total[0]["city_base"])
    answers = [r["answer"] for r in total]
    t_pub = {r["answer"]: r["city_n"] for r in total}
    groups = list(dict.fromkeys(r["group"] for r in cells))
    base_pub = {g: next(r["city_base"] for r in cells if r["group"] == g) for g in groups}
    x_pub = {(r["group"], r["answer"]): r["city_n"] for r in cells}
    hidden = [k for k, v in x_pub.items() if v in (None, "")]
    known_sum = sum(int(v) for v in x_pub.values() if v not in (None, ""))
    remaining = n - known_sum
    seen: dict[tuple, set[int]] = defaultdict(set)
    for combo in _compositions(remaining, len(hidden)):
        x = {k: int(v) for k, v in x_pub.items() if v not in (None, "")}
        x.update(dict(zip(hidden, combo, strict=True)))
        ok = True
        for g in groups:
            row_sum = sum(x[(g, a)] for a in answers)
            if base_pub[g] not in (None, "") and row_sum != int(base_pub[g]):
                ok = False
                break
        if not ok:
            continue
        for a in answers:
            col = sum(x[(g, a)] for g in groups)
            if t_pub[a] not in (None, "") and col != int(t_pub[a]):
                ok = False
                break
        if not ok:
            continue
        for k in hidden:
            seen[("x", *k)].add(x[k])
        for a in answers:
            if t_pub[a] in (None, ""):
                seen[("T", a)].add(sum(x[(g, a)] for g in groups))
        for g in groups:
            if base_pub[g] in (None, ""):
                seen[("B", g)].add(sum(x[(g, a)] for a in answers))
    return seen


def _compositions(total: int, parts: int):  # type: ignore[no-untyped-def]
    if parts == 0:
        if total == 0:
            yield ()
        return
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        prev = -1
        out = []
        for c in (*cuts, total + parts - 1):
            out.append(c - prev - 1)
            prev = c
        yield tuple(out)
