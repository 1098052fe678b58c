"""Disclosure control of published distributions: primary and complementary cell suppression.

The published report of one indicator is a linked system: the total distribution T(a), for each
breakdown b the cells x(b, g, a), the group bases B(b, g) and the number of respondents N, with

    Σ_a x(b, g, a) = B(b, g)      Σ_g x(b, g, a) = T(a)      Σ_a T(a) = N      Σ_g B(b, g) = N

A group base is shared by every indicator, and the bases of a breakdown that is itself an
indicator (has_confidant) are that indicator's totals. Cells with a count below the threshold
are suppressed (primary); then, for every suppressed quantity, a linear programme computes the
smallest and largest value an attacker could deduce from everything published (non-negative,
all equations above). Where the two coincide the value would be disclosed, so another quantity
in one of its equations is suppressed (the smallest non-zero one) until no suppressed quantity is
determined. The constraint matrix of a table with margins is totally unimodular, so an LP range
wider than zero means at least two integer values are feasible.

A quantity that stays determined even with everything but N hidden is revealed by the layout
(a group with nobody is left out of the tables), so it is not chased; if no pattern is found
within MAX_ROUNDS rounds, every quantity but N is hidden.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

Key = tuple[Hashable, ...]

# Rounds of complementary suppression before falling back to hiding every quantity.
MAX_ROUNDS = 60


def _system(
    table: pd.DataFrame,
) -> tuple[dict[Key, int], list[list[Key]], dict[Key, list[int]], Key]:
    """Quantities (key → value), equations (lists of keys whose sum is a published-or-not key)."""
    values: dict[Key, int] = {}
    rows_of: dict[Key, list[int]] = defaultdict(list)
    indicators = set(table["indicator"])
    n_total = None
    for i, row in enumerate(table.itertuples(index=False)):
        if row.breakdown == "total":
            key: Key = ("T", row.indicator, row.answer)
            n_total = int(row.city_base)
        else:
            key = ("x", row.indicator, row.breakdown, row.group, row.answer)
        values[key] = int(row.city_n)
        rows_of[key].append(i)
    n_key: Key = ("N",)
    values[n_key] = int(n_total if n_total is not None else table["city_base"].max())

    def base_key(breakdown: Hashable, group: Hashable) -> Key:
        if breakdown in indicators:
            return ("T", breakdown, group)
        return ("B", breakdown, group)

    # An equation is [lhs keys…, rhs key]: Σ lhs = rhs.
    equations: list[list[Key]] = []
    by_row: dict[Key, list[Key]] = defaultdict(list)
    by_col: dict[Key, list[Key]] = defaultdict(list)
    totals: dict[Hashable, list[Key]] = defaultdict(list)
    bases: dict[Hashable, set[Key]] = defaultdict(set)
    for key in list(values):
        if key[0] == "x":
            _, ind, b, g, a = key
            bkey = base_key(b, g)
            by_row[(ind, b, g)].append(key)
            by_col[(ind, b, a)].append(key)
            bases[b].add(bkey)
            if bkey[0] == "B":
                values.setdefault(bkey, 0)
        elif key[0] == "T":
            totals[key[1]].append(key)
    for (_ind, b, g), keys in by_row.items():
        bkey = base_key(b, g)
        equations.append([*keys, bkey])
        if bkey[0] == "B":
            values[bkey] = sum(values[k] for k in keys)
    for (ind, _b, a), keys in by_col.items():
        equations.append([*keys, ("T", ind, a)])
    for keys in totals.values():
        equations.append([*keys, n_key])
    for base_keys in bases.values():
        equations.append([*sorted(base_keys, key=str), n_key])
    return values, equations, rows_of, n_key


def _components(hidden: set[Key], equations: list[list[Key]]) -> list[tuple[list[Key], list]]:
    parent: dict[Key, Key] = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    relevant = []
    for eq in equations:
        hid = [k for k in eq if k in hidden]
        if hid:
            relevant.append((eq, hid))
            for k in hid[1:]:
                parent[find(k)] = find(hid[0])
    comps: dict[Key, list[Key]] = defaultdict(list)
    for k in sorted(hidden, key=str):
        comps[find(k)].append(k)
    eqs_of: dict[Key, list] = defaultdict(list)
    for eq, hid in relevant:
        eqs_of[find(hid[0])].append(eq)
    return [(members, eqs_of[root]) for root, members in comps.items()]


def _matrix(
    members: list[Key], eqs: list[list[Key]], values: dict[Key, int]
) -> tuple[np.ndarray, np.ndarray]:
    index = {k: i for i, k in enumerate(members)}
    a_rows, b_vals = [], []
    for eq in eqs:
        coeffs = np.zeros(len(members))
        rhs = 0.0
        for k in eq[:-1]:
            if k in index:
                coeffs[index[k]] += 1
            else:
                rhs -= values[k]
        if eq[-1] in index:
            coeffs[index[eq[-1]]] -= 1
        else:
            rhs += values[eq[-1]]
        a_rows.append(coeffs)
        b_vals.append(rhs)
    return np.array(a_rows).reshape(len(a_rows), len(members)), np.array(b_vals)


def disclosed(
    hidden: set[Key],
    values: dict[Key, int],
    equations: list[list[Key]],
    *,
    cache: dict[frozenset[Key], list[Key]] | None = None,
) -> list[Key]:
    """Hidden quantities whose value follows from what is published.

    In {x ≥ 0 : A x = b} a coordinate is fixed iff it is zero at every feasible point (found by
    one LP on the homogenised system) or, after dropping those, it has no component in the null
    space of A (so it is fixed by the equations alone).

    The answer for a connected component depends only on its members (the published values
    around it never change), so `cache` may carry answers from one call to the next.
    """
    out: list[Key] = []
    for members, eqs in _components(hidden, equations):
        key = frozenset(members)
        if cache is not None and key in cache:
            out.extend(cache[key])
            continue
        found = _component_disclosed(members, eqs, values)
        if cache is not None:
            cache[key] = found
        out.extend(found)
    return sorted(out, key=str)


def _component_disclosed(
    members: list[Key], eqs: list[list[Key]], values: dict[Key, int]
) -> list[Key]:
    a, b = _matrix(members, eqs, values)
    m = len(members)
    # Variables x (m), y (m), s (1): max Σy  s.t. A x − b s = 0, x − y ≥ 0, 0≤y≤1, s≥1.
    c = np.concatenate([np.zeros(m), -np.ones(m), [0.0]])
    a_eq = np.hstack([a, np.zeros((len(a), m)), -b.reshape(-1, 1)])
    a_ub = np.hstack([-np.eye(m), np.eye(m), np.zeros((m, 1))])
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(m),
        A_eq=a_eq,
        b_eq=np.zeros(len(a)),
        bounds=[(0, None)] * m + [(0, 1)] * m + [(1, None)],
        method="highs",
    )
    if res.status != 0:
        return list(members)  # inconsistent data: treat everything as exposed
    always_zero = res.x[m : 2 * m] < 1e-7
    free = [i for i in range(m) if not always_zero[i]]
    out = [members[i] for i in range(m) if always_zero[i]]
    if free:
        slack = _null_space_share(a[:, free])
        out.extend(members[free[j]] for j in range(len(free)) if slack[j] < 1e-9)
    return out


def _null_space_share(a: np.ndarray) -> np.ndarray:
    """For each column i of A, the squared length of e_i's projection onto the null space of A.

    Zero exactly when e_i lies in the row space of A, i.e. when the equations alone fix x_i.
    An economic QR of Aᵀ (columns × equations) gives an orthonormal basis Q of the row space,
    and the share is 1 − ‖Q_i‖²; this is far cheaper than a full SVD of a wide matrix.
    """
    from scipy.linalg import qr

    n_cols = a.shape[1]
    if a.shape[0] == 0 or not a.any():
        return np.ones(n_cols)
    q, r, _ = qr(a.T, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int((diag > diag[0] * max(a.shape) * np.finfo(float).eps * 10).sum())
    leverage = (q[:, :rank] ** 2).sum(axis=1)
    return np.clip(1.0 - leverage, 0.0, None)


def ranges(
    hidden: set[Key], values: dict[Key, int], equations: list[list[Key]]
) -> dict[Key, tuple[float, float]]:
    """Smallest and largest feasible value of each hidden quantity (two LPs each)."""
    out: dict[Key, tuple[float, float]] = {}
    for members, eqs in _components(hidden, equations):
        a, b = _matrix(members, eqs, values)
        for i, k in enumerate(members):
            c = np.zeros(len(members))
            c[i] = 1
            lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            out[k] = (lo.fun if lo.status == 0 else np.nan, -hi.fun if hi.status == 0 else np.inf)
    return out


NO_ANSWER = "無回答"
# Relative cost of hiding a quantity, per unit it has to move (smallest cells cheapest):
# 無回答 cells are the cheapest complements; totals, group bases and each breakdown's headline
# answer are only chosen when no other pattern protects.
COST_NO_ANSWER = 0.25
COST_KEEP = 1000.0
# Share of quantities below the threshold above which everything but N is hidden at once.
MOSTLY_SMALL = 0.6


def _cost(key: Key, value: int, protect: Mapping[Any, Any]) -> float:
    base = float(np.log(2.0 + value))
    if key[0] in ("T", "B"):
        return base * COST_KEEP
    _, ind, _b, g, a = key
    if protect.get(ind) == a:
        return base * COST_KEEP
    if a == NO_ANSWER or g == NO_ANSWER:
        return base * COST_NO_ANSWER
    return base


class _System:
    """The published equations as a sparse matrix over every quantity but N."""

    def __init__(self, values: dict[Key, int], equations: list[list[Key]], n_key: Key) -> None:
        from scipy.sparse import csr_matrix

        self.keys = [k for k in values if k != n_key]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.values = np.array([values[k] for k in self.keys], dtype=float)
        rows, cols, data = [], [], []
        rhs = np.zeros(len(equations))
        for r, eq in enumerate(equations):
            for k in eq[:-1]:
                if k in self.index:
                    rows.append(r)
                    cols.append(self.index[k])
                    data.append(1.0)
                else:
                    rhs[r] -= values[k]
            if eq[-1] in self.index:
                rows.append(r)
                cols.append(self.index[eq[-1]])
                data.append(-1.0)
            else:
                rhs[r] += values[eq[-1]]
        self.a = csr_matrix((data, (rows, cols)), shape=(len(equations), len(self.keys)))
        self.a_csc = self.a.tocsc()
        self.rhs = rhs
        self.all_columns = np.arange(len(self.keys))
        self._cache: dict[bytes, Any] = {}

    def _sub(self, columns: np.ndarray) -> Any:
        key = columns.tobytes()
        cached = self._cache.get(key)
        if cached is None:
            from scipy.sparse import hstack

            sub = self.a_csc[:, columns]
            used = np.flatnonzero(np.asarray(abs(sub).sum(axis=1)).ravel() > 0)
            sub = sub[used, :]
            cached = (hstack([sub, -sub]).tocsr(), len(used))
            self._cache[key] = cached
        return cached

    def move(
        self, target: int, delta: float, costs: np.ndarray, columns: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The cheapest change of the published table that moves `target` by `delta` and keeps
        every equation and non-negativity: (quantities that change, their change), or None.

        Variables y = a + p − q over `columns` (the others stay as published)."""
        from scipy.optimize import linprog

        cols = self.all_columns if columns is None else columns
        pos = int(np.flatnonzero(cols == target)[0])
        a_eq, n_rows = self._sub(cols)
        m = len(cols)
        c = np.concatenate([costs[cols], costs[cols]])
        c[pos] = c[m + pos] = 0.0
        upper = np.concatenate([np.full(m, np.inf), self.values[cols]])
        lower = np.zeros(2 * m)
        if delta > 0:
            lower[pos] = upper[pos] = delta
            upper[m + pos] = 0.0
        else:
            lower[m + pos] = upper[m + pos] = -delta
            upper[pos] = 0.0
        res = linprog(
            c,
            A_eq=a_eq,
            b_eq=np.zeros(n_rows),
            bounds=np.column_stack([lower, upper]),
            method="highs",
        )
        if res.status != 0:
            return None
        change = res.x[:m] - res.x[m:]
        moved = np.abs(change) > 1e-7
        return cols[moved], change[moved]

    def interval(self, target: int, free: np.ndarray, columns: np.ndarray) -> tuple[float, float]:
        """The attacker's interval for `target` from the equations among `columns`, where only
        the `free` (suppressed) ones may differ from the published values (a sub-system, so
        the interval is never wider than the attacker's real one)."""
        from scipy.optimize import linprog

        pos = int(np.flatnonzero(columns == target)[0])
        sub = self.a_csc[:, columns]
        used = np.flatnonzero(np.asarray(abs(sub).sum(axis=1)).ravel() > 0)
        sub = sub[used, :].tocsr()
        rhs = sub @ self.values[columns]
        vals = self.values[columns]
        bounds = np.column_stack([np.where(free[columns], 0, vals),
                                  np.where(free[columns], np.inf, vals)])  # fmt: skip
        c = np.zeros(len(columns))
        c[pos] = 1.0
        lo = linprog(c, A_eq=sub, b_eq=rhs, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=sub, b_eq=rhs, bounds=bounds, method="highs")
        low = float(lo.x[pos]) if lo.status == 0 else float(self.values[target])
        high = (
            float("inf")
            if hi.status == 3
            else (float(hi.x[pos]) if hi.status == 0 else float(self.values[target]))
        )
        return low, high

    def reach(self, target: int, direction: int) -> float:
        """How far `target` can move in `direction` (±1) with every quantity but N hidden."""
        from scipy.optimize import linprog

        c = np.zeros(len(self.keys))
        c[target] = -direction
        res = linprog(c, A_eq=self.a, b_eq=self.rhs, bounds=(0, None), method="highs")
        if res.status == 3:
            return float("inf")
        if res.status != 0:
            return 0.0
        return float(abs(res.x[target] - self.values[target]))


def suppression_pattern(
    table: pd.DataFrame,
    *,
    threshold: int,
    protect_answers: Mapping[Any, Any] | None = None,
) -> tuple[set[Key], dict]:
    """The set of suppressed quantities (cells, totals, bases) for a tidy distribution table.

    Primary: every quantity below the threshold. Protection intervals: for every suppressed
    quantity, an attacker who solves the published equations as linear programmes must find a
    feasible interval at least `threshold` wide, and a primary quantity's upper bound must reach
    the threshold. For each suppressed quantity and direction a cost-weighted LP finds the
    cheapest change of the published table that moves it far enough; every quantity that change
    touches is suppressed too (the attacker's LP can then reach the same point, whatever else is
    suppressed later), and is protected in turn. Costs grow with the count; 無回答 cells are
    cheap, totals, bases and the headline answers (`protect_answers`: indicator → answer label)
    dear. A requirement the layout makes impossible (e.g. fewer respondents than the threshold)
    is met as far as it can be.
    """
    protect = dict(protect_answers or {})
    values, equations, rows_of, n_key = _system(table)
    system = _System(values, equations, n_key)
    keys = system.keys
    costs = np.array([_cost(k, values[k], protect) for k in keys])
    hidden = np.array([values[k] < threshold for k in keys], dtype=bool)
    primary = hidden.copy()
    if primary.mean() > MOSTLY_SMALL:
        # Most quantities are small (a pilot file): protecting each one in turn would hide
        # nearly everything anyway; hide everything but N at once (never leaks more).
        return set(keys), {"values": values, "equations": equations, "rows_of": rows_of}
    # The quantities of one table (indicator × breakdown) and its margins: the first place to
    # look for a change (everything else fixed); the whole system when that finds nothing.
    table_of: dict[Hashable, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k[0] == "x":
            table_of[(k[1], k[2])].append(i)
    local: dict[int, np.ndarray] = {}
    for t, members in table_of.items():
        ind, b = t[0], t[1]  # type: ignore[index]
        margins = [
            i
            for i, k in enumerate(keys)
            if (k[0] == "T" and k[1] in (ind, b)) or (k[0] == "B" and k[1] == b)
        ]
        cols = np.array(sorted(set(members) | set(margins)))
        for i in members:
            local[i] = cols
    queue: list[int] = []
    # How far each suppressed quantity is known to move up / down in a table consistent with
    # everything published (lower bounds of the attacker's interval; they only grow as more
    # is suppressed).
    reach_up = np.zeros(len(keys))
    reach_down = np.zeros(len(keys))

    def protect_move(target: int, delta: float) -> bool:
        live = np.where(hidden, 1e-6, costs)
        cols = local.get(target)
        found = system.move(target, delta, live, cols) if cols is not None else None
        if found is None:
            found = system.move(target, delta, live)
        if found is None:
            return False
        changed, change = found
        new = changed[~hidden[changed]]
        hidden[new] = True
        queue.extend(int(i) for i in new)
        np.maximum.at(reach_up, changed, np.where(change > 0, change, 0.0))
        np.maximum.at(reach_down, changed, np.where(change < 0, -change, 0.0))
        return True

    def achieve(target: int, direction: int, amount: float) -> None:
        """Move by `amount`, or as far as the layout allows."""
        if amount <= 1e-9:
            return
        if protect_move(target, direction * amount):
            return
        amount = min(amount, system.reach(target, direction))
        if amount > 1e-9:
            protect_move(target, direction * amount)

    queue.extend(sorted(np.flatnonzero(hidden), key=lambda i: (values[keys[i]], str(keys[i]))))
    done: set[int] = set()
    while queue:
        i = queue.pop(0)
        if i in done:
            continue
        done.add(i)
        v = float(system.values[i])
        if primary[i] and v + reach_up[i] < threshold:
            achieve(i, +1, threshold - v)
        if reach_up[i] + reach_down[i] < threshold:
            achieve(i, -1, min(v, threshold - reach_up[i]))
        if reach_up[i] + reach_down[i] < threshold:
            achieve(i, +1, threshold - reach_down[i])
    pattern = {keys[i] for i in np.flatnonzero(hidden)}
    return pattern, {"values": values, "equations": equations, "rows_of": rows_of}


def protection_report(
    hidden: set[Key], values: dict[Key, int], equations: list[list[Key]], *, threshold: int
) -> dict[str, int]:
    """The attacker's view (LP ranges): how many suppressed quantities have an interval
    narrower than the threshold, and how many primary ones an upper bound below it."""
    found = ranges(hidden, values, equations)
    narrow = sum(1 for lo, hi in found.values() if hi - lo < threshold - 1e-6)
    low_upper = sum(
        1 for k, (_lo, hi) in found.items() if values[k] < threshold and hi < threshold - 1e-6
    )
    return {"hidden": len(hidden), "narrow": narrow, "low_upper": low_upper}


@dataclass(frozen=True)
class Pattern:
    """What a publication hides (`hidden`), the true values of every quantity and the equations
    linking them: the attacker's system, for checks of what else is published beside it."""

    hidden: frozenset[Key]
    values: dict[Key, int]
    equations: list[list[Key]]
    indicators: frozenset[Hashable]

    def base_key(self, breakdown: Hashable, group: Hashable) -> Key:
        """The quantity holding the number of respondents in a group of a breakdown."""
        if breakdown in self.indicators:
            return ("T", breakdown, group)
        return ("B", breakdown, group)


def apply_suppression(
    table: pd.DataFrame,
    *,
    threshold: int,
    protect_answers: Mapping[Any, Any] | None = None,
) -> pd.DataFrame:
    """Blank suppressed counts and every figure derived from them; add `suppressed`."""
    return suppress(table, threshold=threshold, protect_answers=protect_answers)[0]


def suppress(
    table: pd.DataFrame,
    *,
    threshold: int,
    protect_answers: Mapping[Any, Any] | None = None,
) -> tuple[pd.DataFrame, Pattern]:
    """apply_suppression, and the pattern it applied."""
    out = table.reset_index(drop=True).copy()
    out["suppressed"] = False
    dist = out[out["indicator"].isin(set(out.loc[out["breakdown"] == "total", "indicator"]))]
    hidden, system = suppression_pattern(dist, threshold=threshold, protect_answers=protect_answers)
    rows_of = system["rows_of"]
    indicators = set(dist["indicator"])
    hidden_rows: set[int] = set()
    for key in hidden:
        for i in rows_of.get(key, []):
            hidden_rows.add(int(dist.index[i]))
    hidden_bases = {(k[1], k[2]) for k in hidden if k[0] == "B"}
    hidden_bases |= {(k[1], k[2]) for k in hidden if k[0] == "T" and k[1] in indicators}
    base_hidden = np.array(
        [(b, g) in hidden_bases for b, g in zip(out["breakdown"], out["group"], strict=True)]
    )
    mask = np.zeros(len(out), dtype=bool)
    mask[list(hidden_rows)] = True
    derived = [
        "city_pct", "city_ci_low", "city_ci_high", "diff_pt", "diff_ci_low", "diff_ci_high",
        "p_value", "p_adjusted", "weighted_pct", "weighted_ci_low", "weighted_ci_high", "deff",
        "w_n", "w_base", "w2_base", "w_count", "n_eff",
    ]  # fmt: skip
    out.loc[mask, "suppressed"] = True
    out["city_n"] = out["city_n"].astype("Int64")
    out["city_base"] = out["city_base"].astype("Int64")
    out.loc[mask, "city_n"] = pd.NA
    out.loc[base_hidden, "city_base"] = pd.NA
    for col in derived:
        if col in out.columns:
            out.loc[mask | base_hidden, col] = np.nan
    pattern = Pattern(
        hidden=frozenset(hidden),
        values=system["values"],
        equations=system["equations"],
        indicators=frozenset(indicators),
    )
    return out, pattern


def published_system(table: pd.DataFrame) -> tuple[dict[Key, int | None], list[list[Key]]]:
    """What an outsider sees: quantities (None where blank) and the equations linking them."""
    full = table.copy()
    full["city_n"] = full["city_n"].fillna(-1)
    full["city_base"] = full["city_base"].fillna(-1)
    values, equations, _, _ = _system(full)
    indicators = set(full["indicator"])
    base_seen: dict[Key, int | None] = {}
    for b, g, base in zip(full["breakdown"], full["group"], full["city_base"], strict=True):
        if b != "total" and b not in indicators:
            key: Key = ("B", b, g)
            base_seen[key] = None if base < 0 or base_seen.get(key, 0) is None else int(base)
    seen: dict[Key, int | None] = {}
    for k, v in values.items():
        seen[k] = base_seen.get(k) if k[0] == "B" else (None if v < 0 else v)
    return seen, equations
