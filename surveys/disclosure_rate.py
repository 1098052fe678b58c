"""The directly standardised rate as more equations the attacker solves with the tables.

The published rate is R = Σ_s w_s · x_s / n_s over the strata s of the respondents with a known
stratum: w_s the national mix (normalised over the strata present), n_s the respondents and x_s
those giving the headline answer in stratum s. Beside it the report prints its 95 % interval
(Fay–Feuer), which gives away V = Σ_s w_s² · x_s / n_s², and its companions: the crude rate
K / n and the number of respondents left out, N − n (so K = Σ_s x_s and n = Σ_s n_s).

The x_s are cells of a cross-classification by the stratum variables; they add up to the
published (or suppressed) cells of each breakdown: with strata sex × age, Σ_s over age group a
plus the headline answers of age group a with a sex outside the strata is the cell
孤独感 × 年齢 a × headline. What is linear for an attacker who solves linear programmes:

- with one stratum variable (the national mix by age alone) the n_s are the published group
  bases, so R and V are linear equations in the cells with known coefficients (a suppressed
  base is taken as known: on the safe side), and K and n are too;
- with two (sex × age) the stratum sizes n_s are not published, so R and V are not linear in
  anything published; K and n are (K = Σ x_s, n = Σ n_s with the n_s adding up to the bases and
  x_s ≤ n_s), and they tell how many headline answers and respondents fall outside the strata.

``rate_protection`` adds these equations to the attacker's LP of the tables and, for every
suppressed quantity they can reach, checks that its interval still meets what the suppression
pattern guarantees without them (width at least the threshold, a primary cell's upper bound at
least the threshold — or as far as the layout allowed before). It answers what may be shown:
everything, the rate and its interval without the companions, or nothing of it.
Nothing here reads the database.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from .disclosure import Key, Pattern

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Stratum:
    groups: tuple[str, ...]  # the group label in each stratum variable, e.g. ("男性", "40〜49歳")
    weight: float  # the national share, normalised over the strata present
    n: int
    x: int


@dataclass(frozen=True)
class StandardisedRate:
    indicator: str
    answer: str
    breakdowns: tuple[str, ...]  # the stratum variables, as the tables' breakdowns
    strata: tuple[Stratum, ...]


class Shown(Enum):
    ALL = "all"  # the rate, its interval, the crude rate and the number left out
    RATE = "rate"  # the rate and its interval only
    NOTHING = "nothing"


class _Problem:
    """The attacker's LP: the suppressed quantities, then what the rate adds (strata cells)."""

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.columns: list[Key] = sorted(pattern.hidden, key=str)
        self.index = {k: i for i, k in enumerate(self.columns)}
        self.lower = {i: 0.0 for i in range(len(self.columns))}
        self.upper: dict[int, float] = {}
        self.rows: list[dict[int, float]] = []
        self.rhs: list[float] = []
        self.touched: set[int] = set()
        for eq in pattern.equations:
            terms = [(k, 1.0) for k in eq[:-1]] + [(eq[-1], -1.0)]
            if any(k in self.index for k, _ in terms):
                self._add(terms, 0.0)
        self.touched.clear()  # from here on: what the rate adds

    def _column(self, key: Key, upper: float | None = None) -> int:
        if key not in self.index:
            self.index[key] = len(self.columns)
            self.columns.append(key)
            self.lower[self.index[key]] = 0.0
        i = self.index[key]
        if upper is not None:
            self.upper[i] = upper
        self.touched.add(i)
        return i

    def _bound(self, key: Key, lower: float, upper: float | None) -> None:
        if key in self.index:
            i = self.index[key]
            self.lower[i] = max(self.lower[i], lower)
            if upper is not None:
                self.upper[i] = min(self.upper.get(i, upper), upper)
            self.touched.add(i)

    def _add(self, terms: Sequence[tuple[Key, float]], rhs: float) -> None:
        row: dict[int, float] = defaultdict(float)
        for key, coeff in terms:
            if key in self.index:
                row[self.index[key]] += coeff
            else:
                rhs -= coeff * float(self.pattern.values[key])
        row = {i: c for i, c in row.items() if c != 0.0}
        if row:
            scale = 1.0 / max(abs(c) for c in row.values())
            self.rows.append({i: c * scale for i, c in row.items()})
            self.rhs.append(rhs * scale)
            self.touched.update(row)

    def add_rate(self, rate: StandardisedRate, *, companions: bool) -> None:
        values = self.pattern.values
        ind, answer = rate.indicator, rate.answer
        groups: list[list[str]] = [
            sorted(
                {str(k[3]) for k in values if k[0] == "x" and k[1:3] == (ind, b) and k[4] == answer}
            )
            for b in rate.breakdowns
        ]
        if not all(groups):
            return  # a stratum variable the headline is not broken down by: nothing links it
        present = [s for s in rate.strata if all(g in groups[d] for d, g in enumerate(s.groups))]
        combos = list(itertools.product(*groups))
        one = len(rate.breakdowns) == 1
        if not one and not companions:
            return  # R and V are not linear in anything published: nothing to add
        # Headline answers per cell of the cross-classification, adding up to the table cells.
        sizes = {s.groups: float(s.n) for s in present} if one else {}
        for combo in combos:
            self._column(("headline", *combo), sizes.get(combo))
        self._margins("headline", rate, groups, answer_of=lambda b, g: ("x", ind, b, g, answer))
        if one:
            # The strata sizes are the group bases: R and V are linear; the bases are known.
            b = rate.breakdowns[0]
            for s in present:
                self._bound(self.pattern.base_key(b, s.groups[0]), float(s.n), float(s.n))
            for power in (1, 2):
                terms: list[tuple[Key, float]] = [
                    (("headline", *s.groups), (s.weight / s.n) ** power) for s in present
                ]
                self._add(terms, sum((s.weight / s.n) ** power * s.x for s in present))
        if not companions:
            return
        self._add([(("headline", *s.groups), 1.0) for s in present], sum(s.x for s in present))
        if one:
            return  # n is the sum of the (known) bases
        # Respondents per cell of the cross-classification: at least its headline answers,
        # adding up to the group bases; those in the strata number n.
        for combo in combos:
            self._column(("everyone", *combo))
            self._column(("others", *combo))
            self._add(
                [(("everyone", *combo), 1.0), (("headline", *combo), -1.0),
                 (("others", *combo), -1.0)],
                0.0,
            )  # fmt: skip
        self._margins("everyone", rate, groups, answer_of=self.pattern.base_key)
        self._add([(("everyone", *s.groups), 1.0) for s in present], sum(s.n for s in present))

    def _margins(
        self,
        kind: str,
        rate: StandardisedRate,
        groups: list[list[str]],
        answer_of: Callable[[str, str], Key],
    ) -> None:
        """Each stratum variable's cells of `kind` add up to the table's answer_of(b, g)."""
        for dim, b in enumerate(rate.breakdowns):
            for g in groups[dim]:
                cells = itertools.product(*[[g] if d == dim else gs for d, gs in enumerate(groups)])
                terms: list[tuple[Key, float]] = [((kind, *c), 1.0) for c in cells]
                terms.append((answer_of(b, g), -1.0))
                self._add(terms, 0.0)

    def components(self) -> list[set[int]]:
        parent = list(range(len(self.columns)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.rows:
            first, *rest = row
            for j in rest:
                parent[find(j)] = find(first)
        out: dict[int, set[int]] = defaultdict(set)
        for i in range(len(self.columns)):
            out[find(i)].add(i)
        return list(out.values())

    def interval(self, target: int, component: set[int]) -> tuple[float, float]:
        cols = sorted(component)
        pos = {c: j for j, c in enumerate(cols)}
        data: list[float] = []
        r_idx: list[int] = []
        c_idx: list[int] = []
        rhs: list[float] = []
        for row, b in zip(self.rows, self.rhs, strict=True):
            if next(iter(row)) not in component:
                continue
            for c, v in row.items():
                r_idx.append(len(rhs))
                c_idx.append(pos[c])
                data.append(v)
            rhs.append(b)
        a_eq = csr_matrix((data, (r_idx, c_idx)), shape=(len(rhs), len(cols)))
        bounds = [(self.lower[c], self.upper.get(c)) for c in cols]
        objective = np.zeros(len(cols))
        objective[pos[target]] = 1.0
        lo = linprog(objective, A_eq=a_eq, b_eq=rhs, bounds=bounds, method="highs")
        hi = linprog(-objective, A_eq=a_eq, b_eq=rhs, bounds=bounds, method="highs")
        if lo.status != 0:  # inconsistent numbers: treat the quantity as exposed
            return 0.0, 0.0
        return float(lo.fun), (float("inf") if hi.status == 3 else float(-hi.fun))


def _keeps_protection(
    pattern: Pattern, rate: StandardisedRate, *, companions: bool, threshold: int
) -> bool:
    problem = _Problem(pattern)
    problem.add_rate(rate, companions=companions)
    alone: _Problem | None = None
    alone_components: dict[int, set[int]] = {}
    columns = problem.columns
    for component in problem.components():
        if not component & problem.touched:
            continue  # nothing the rate adds reaches it
        targets = [i for i in component if columns[i] in pattern.hidden]
        # The headline's own cells first: where a disclosure would show at once.
        targets.sort(key=lambda i: (columns[i][1] != rate.indicator, str(columns[i])))
        for i in targets:
            key = columns[i]
            lo, hi = problem.interval(i, component)
            primary = pattern.values[key] < threshold
            if hi - lo >= threshold - TOLERANCE and (not primary or hi >= threshold - TOLERANCE):
                continue
            if alone is None:
                alone = _Problem(pattern)
                for part in alone.components():
                    for j in part:
                        alone_components[j] = part
            j = alone.index[key]
            base_lo, base_hi = alone.interval(j, alone_components[j])
            if hi - lo < min(threshold, base_hi - base_lo) - TOLERANCE:
                return False
            if primary and hi < min(threshold, base_hi) - TOLERANCE:
                return False
    return True


def rate_protection(pattern: Pattern, rate: StandardisedRate, *, threshold: int) -> Shown:
    """What of the rate may be shown beside the tables without narrowing a suppressed
    quantity: everything, the rate and its interval without the companions, or nothing."""
    if not pattern.hidden or not rate.strata:
        return Shown.ALL
    if _keeps_protection(pattern, rate, companions=True, threshold=threshold):
        return Shown.ALL
    if _keeps_protection(pattern, rate, companions=False, threshold=threshold):
        return Shown.RATE
    return Shown.NOTHING


def rate_terms(
    *,
    indicator: str,
    answer: str,
    breakdowns: tuple[str, ...],
    strata: list[tuple[tuple[int, ...], float, int, int]],
    labels: list[dict[int, str]],
) -> StandardisedRate:
    """The rate's strata from codes (as aggregation.standardisation_strata counts them) to the
    group labels the tables use."""
    return StandardisedRate(
        indicator=indicator,
        answer=answer,
        breakdowns=breakdowns,
        strata=tuple(
            Stratum(
                groups=tuple(labels[d][int(code)] for d, code in enumerate(codes)),
                weight=float(w),
                n=int(n),
                x=int(x),
            )
            for codes, w, n, x in strata
        ),
    )
