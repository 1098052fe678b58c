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
from collections.abc import Hashable

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


def suppression_pattern(table: pd.DataFrame, *, threshold: int) -> tuple[set[Key], dict]:
    """The set of suppressed quantities (cells, totals, bases) for a tidy distribution table."""
    values, equations, rows_of, n_key = _system(table)
    hidden = {k for k, v in values.items() if k != n_key and v < threshold}
    eqs_of: dict[Key, list[list[Key]]] = defaultdict(list)
    for eq in equations:
        for k in eq:
            eqs_of[k].append(eq)
    cache: dict[frozenset[Key], list[Key]] = {}
    # Quantities determined even when everything but N is hidden (e.g. a zero count whose
    # group is left out of every breakdown): no suppression pattern can protect them, so they
    # are not chased round after round (that only hid everything else, one cell at a time).
    unprotectable: set[Key] | None = None
    settled = False
    for round_no in range(MAX_ROUNDS):
        open_keys = disclosed(hidden, values, equations, cache=cache)
        if open_keys and round_no >= 1:
            if unprotectable is None:
                everything = {k for k in values if k != n_key}
                unprotectable = set(disclosed(everything, values, equations))
            open_keys = [k for k in open_keys if k not in unprotectable]
        if not open_keys:
            settled = True
            break
        # One complement per determined quantity and round: the smallest non-zero published
        # quantity sharing an equation with it (new rounds fix what is still determined).
        added: set[Key] = set()
        for target in open_keys:
            if len(open_keys) < 20 and any(k in added for eq in eqs_of[target] for k in eq):
                continue  # few left: fix them one equation at a time to avoid over-suppression
            rectangle = _rectangle(target, hidden, values) if round_no >= 3 else set()
            candidates = rectangle or {
                k for eq in eqs_of[target] for k in eq if k not in hidden and k != n_key
            }
            if candidates and round_no >= 10:
                added |= candidates  # slow convergence (tiny samples): hide the whole equation
            elif candidates:
                added.add(min(candidates, key=lambda k: (values[k] == 0, values[k], str(k))))
        if not added:
            # Widen: anything published in an equation touching a hidden quantity.
            candidates = {
                k
                for eq in equations
                if any(h in eq for h in hidden)
                for k in eq
                if k not in hidden and k != n_key
            }
            if not candidates:
                break
            added.add(min(candidates, key=lambda k: (values[k] == 0, values[k], str(k))))
        hidden |= added
    if not settled:
        # No pattern found in time: hide every quantity but N (never leaks more than the layout).
        hidden = {k for k in values if k != n_key}
    return hidden, {"values": values, "equations": equations, "rows_of": rows_of}


def _rectangle(target: Key, hidden: set[Key], values: dict[Key, int]) -> set[Key]:
    """For a cell pinned at zero: the published cells that would close a cycle through it.

    A zero cell x(g, a) can only take another value if mass can move around a rectangle
    (g, a) → (g, a') → (g', a') → (g', a) of hidden cells with positive counts at (g, a') and
    (g', a); this returns the missing corners (g', a').
    """
    if target[0] != "x":
        return set()
    _, ind, b, g, a = target
    same_row = [k for k in hidden if k[0] == "x" and k[1:4] == (ind, b, g) and values[k] > 0]
    same_col = [
        k for k in hidden if k[0] == "x" and k[1:3] == (ind, b) and k[4] == a and values[k] > 0
    ]
    out: set[Key] = set()
    for r in same_row:
        for c in same_col:
            corner = ("x", ind, b, c[3], r[4])
            if corner in values and corner not in hidden:
                out.add(corner)
    return out


def apply_suppression(table: pd.DataFrame, *, threshold: int) -> pd.DataFrame:
    """Blank suppressed counts and every figure derived from them; add `suppressed`."""
    out = table.reset_index(drop=True).copy()
    out["suppressed"] = False
    dist = out[out["indicator"].isin(set(out.loc[out["breakdown"] == "total", "indicator"]))]
    hidden, system = suppression_pattern(dist, threshold=threshold)
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
    derived = ["city_pct", "city_ci_low", "city_ci_high", "diff_pt", "p_value"]
    out.loc[mask, "suppressed"] = True
    out["city_n"] = out["city_n"].astype("Int64")
    out["city_base"] = out["city_base"].astype("Int64")
    out.loc[mask, "city_n"] = pd.NA
    out.loc[base_hidden, "city_base"] = pd.NA
    for col in derived:
        if col in out.columns:
            out.loc[mask | base_hidden, col] = np.nan
    return out


def published_system(table: pd.DataFrame) -> tuple[dict[Key, int | None], list[list[Key]]]:
    """What an outsider sees: quantities (None where blank) and the equations linking them."""
    full = table.copy()
    full["city_n"] = full["city_n"].fillna(-1)
    full["city_base"] = full["city_base"].fillna(-1)
    values, equations, _, _ = _system(full)
    seen: dict[Key, int | None] = {}
    for k, v in values.items():
        seen[k] = None if v < 0 else v
    return seen, equations
