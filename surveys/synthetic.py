"""Synthetic respondents for demos, tests and benchmarks (seeded; clearly not real people)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TSUNAGARI_COLUMNS = [
    "resp_id", "mode", "sex", "age_group", "household", "marital", "employment", "income",
    "has_confidant", "lonely_direct", "ucla_1", "ucla_2", "ucla_3", "contact_freq",
    "participation",
]  # fmt: skip
# The items added with the extended questionnaire (optional columns of tsunagari-r3).
TSUNAGARI_EXTENDED_COLUMNS = [
    *TSUNAGARI_COLUMNS,
    "act_hobby", "act_neighbourhood", "act_volunteer", "act_alumni", "act_other", "act_none",
    "cohabitant", "health", "loneliness_duration",
    "trig_alone", "trig_bereavement", "trig_health", "trig_relationships", "trig_poverty",
    "trig_move", "trig_other", "trig_none", "support_received",
]  # fmt: skip
SEIKATSU_COLUMNS = [
    "resp_id", "sex", "age", "outing", "outing_duration_months", "outing_reason", "homemaker",
    "talked_non_family_6m",
]  # fmt: skip


def _pick(rng: np.random.Generator, n: int, probs: list[float]) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return rng.choice(np.arange(1, len(p) + 1), size=n, p=p / p.sum())


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(str).astype(object)
    out[rng.random(len(values)) < share] = ""
    return out


def _ticks(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    return (rng.random(len(probs)) < probs).astype(int)


def tsunagari(
    n: int = 2179,
    *,
    seed: int = 20211201,
    lonely_share: float = 0.042,
    web: int | None = None,
    extended: bool = True,
) -> pd.DataFrame:
    """Kitakyushu-like answers to tsunagari-r3, as text cells ("" = 無回答).

    Loneliness follows the pattern of the city's published findings (4.2 % 「しばしばある・常に
    ある」, more often among people living alone, without someone to consult, in poor health,
    without work, with household income under 2 million yen, and in their 40s and over 80).
    ``extended=False`` gives the older 15-column layout.
    """
    rng = np.random.default_rng(seed)
    age = _pick(rng, n, [2.5, 7, 10, 14, 16, 18, 20, 12.5])
    sex = _pick(rng, n, [46, 53, 1])
    household = _pick(rng, n, [22, 30, 35, 6, 7])
    marital = _pick(rng, n, [20, 60, 12, 8])
    employment = _pick(rng, n, [28, 3, 17, 9, 4, 11, 2, 26])
    income = _pick(rng, n, [6, 14, 17, 15, 12, 16, 13, 7])
    confidant = np.where(rng.random(n) < 0.9, 1, 2)
    health = np.clip(_pick(rng, n, [18, 27, 33, 15, 7]) + (rng.random(n) < 0.04 * age), 1, 5)
    # Loneliness propensity, as in the city's findings.
    age_effect = np.select([age == 4, age == 8, age == 1], [0.9, 1.0, 0.3], 0.0)
    score = (
        age_effect
        + 1.1 * (household == 1)
        + 1.6 * (confidant == 2)
        + 1.1 * (employment == 7)
        + 0.4 * (employment == 8)
        + 0.9 * np.isin(income, [1, 2])
        + 0.6 * (health == 4)
        + 1.3 * (health == 5)
        + rng.gumbel(size=n)
    )
    order = np.argsort(-score)
    k5 = int(round(lonely_share * n))
    lonely = np.empty(n, dtype=int)
    rest = order[k5:]
    lonely[order[:k5]] = 5
    lonely[rest] = _pick(rng, len(rest), [24, 41, 19, 16])
    ucla_base = np.clip(lonely - 1, 0, 3)
    ucla = [np.clip(ucla_base + rng.integers(-1, 2, size=n), 0, 3) + 1 for _ in range(3)]
    contact = _pick(rng, n, [16, 13, 14, 10, 15, 16, 10])
    participation = _pick(rng, n, [47, 53])
    n_web = int(round(n * 488 / 2179)) if web is None else web
    mode = np.ones(n, dtype=int)
    mode[rng.permutation(n)[:n_web]] = 2
    columns = {
        "resp_id": [f"K{i:07d}" for i in range(1, n + 1)],
        "mode": mode.astype(str),
        "sex": _blank(rng, sex, 0.005),
        "age_group": _blank(rng, age, 0.005),
        "household": _blank(rng, household, 0.01),
        "marital": _blank(rng, marital, 0.01),
        "employment": _blank(rng, employment, 0.01),
        "income": _blank(rng, income, 0.04),
        "has_confidant": _blank(rng, confidant, 0.01),
        "lonely_direct": np.where((lonely != 5) & (rng.random(n) < 0.006), "", lonely.astype(str)),
        "ucla_1": _blank(rng, ucla[0], 0.01),
        "ucla_2": _blank(rng, ucla[1], 0.01),
        "ucla_3": _blank(rng, ucla[2], 0.01),
        "contact_freq": _blank(rng, contact, 0.05),
        "participation": _blank(rng, participation, 0.01),
    }
    if not extended:
        return pd.DataFrame(columns)[TSUNAGARI_COLUMNS]
    joins = participation == 1
    acts = {
        "act_hobby": _ticks(rng, np.where(joins, 0.55, 0.0)),
        "act_neighbourhood": _ticks(rng, np.where(joins, 0.4 + 0.04 * age, 0.0)),
        "act_volunteer": _ticks(rng, np.where(joins, 0.2, 0.0)),
        "act_alumni": _ticks(rng, np.where(joins, 0.15, 0.0)),
        "act_other": _ticks(rng, np.where(joins, 0.1, 0.0)),
    }
    acts["act_none"] = (~joins).astype(int)
    silent = rng.random(n) < 0.02  # ticked nothing at all: 無回答 for the question
    for name, ticks in acts.items():
        columns[name] = np.where(silent, "", ticks.astype(str))
    cohabitant = np.where(household == 1, 2, 1)
    columns["cohabitant"] = _blank(rng, cohabitant, 0.01)
    columns["health"] = _blank(rng, health, 0.01)
    asked = lonely >= 2
    level = np.clip(lonely, 2, 5)
    duration = np.where(
        rng.random(n) < 0.12 * level, 4, _pick(rng, n, [40, 35, 25])
    )  # lonelier people: longer
    columns["loneliness_duration"] = np.where(asked, _blank(rng, duration, 0.02), "")
    weight = 0.05 + 0.06 * (lonely - 1)
    trig = {
        "trig_alone": _ticks(rng, weight * (1 + 2 * (household == 1))),
        "trig_bereavement": _ticks(rng, weight * (1 + 0.15 * age)),
        "trig_health": _ticks(rng, weight * (1 + 1.5 * (health >= 4))),
        "trig_relationships": _ticks(rng, weight * 1.2),
        "trig_poverty": _ticks(rng, weight * (1 + 2 * np.isin(income, [1, 2]))),
        "trig_move": _ticks(rng, weight * 0.9),
        "trig_other": _ticks(rng, weight * 0.4),
    }
    none = ~np.logical_or.reduce([t == 1 for t in trig.values()])
    trig["trig_none"] = none.astype(int)
    silent = rng.random(n) < 0.03
    for name, ticks in trig.items():
        columns[name] = np.where(silent, "", ticks.astype(str))
    support = np.where(rng.random(n) < 0.12 + 0.04 * (lonely == 5), 1, 2)
    columns["support_received"] = _blank(rng, support, 0.02)
    return pd.DataFrame(columns)[TSUNAGARI_EXTENDED_COLUMNS]


def seikatsu(n: int = 1951, *, seed: int = 20220201) -> pd.DataFrame:
    """Answers in the seikatsu-h30 layout, ages 15–64, with some hikikomori-type states."""
    rng = np.random.default_rng(seed)
    age = rng.integers(15, 65, size=n)
    sex = _pick(rng, n, [48, 51, 1])
    outing = _pick(rng, n, [52, 12, 15, 16.5, 2.6, 1.2, 0.4, 0.3])
    months = np.where(outing >= 5, rng.integers(1, 180, size=n), rng.integers(0, 24, size=n))
    reason = _pick(rng, n, [18, 3, 22, 7, 50])
    homemaker = np.where((sex == 2) & (rng.random(n) < 0.18), _pick(rng, n, [85, 15]), 3)
    talked = _pick(rng, n, [35, 30, 20, 15])
    frame = pd.DataFrame(
        {
            "resp_id": [f"H{i:06d}" for i in range(1, n + 1)],
            "sex": _blank(rng, sex, 0.005),
            "age": age.astype(str),
            "outing": _blank(rng, outing, 0.01),
            "outing_duration_months": np.where(outing >= 5, months.astype(str), ""),
            "outing_reason": np.where(outing >= 5, reason.astype(str), ""),
            "homemaker": homemaker.astype(str),
            "talked_non_family_6m": _blank(rng, talked, 0.01),
        }
    )
    return frame[SEIKATSU_COLUMNS]
