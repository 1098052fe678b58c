"""The suppression rule of the previous release (exact-recovery check only, smallest non-zero
complement), kept as the control of the protection-interval tests and the baseline of
bench/disclosure_small.py. Not used by the portal."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from surveys.disclosure import MAX_ROUNDS, Key, _system, disclosed


def legacy_suppression_pattern(table: pd.DataFrame, *, threshold: int) -> tuple[set[Key], dict]:
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
