"""Synthetic respondents for demos, tests and benchmarks (seeded; clearly not real people)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TSUNAGARI_COLUMNS = [
    "resp_id", "mode", "sex", "age_group", "household", "marital", "employment", "income",
    "has_confidant", "lonely_direct", "ucla_1", "ucla_2", "ucla_3", "contact_freq",
    "participation",
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


def tsunagari(
    n: int = 2179,
    *,
    seed: int = 20211201,
    lonely_share: float = 0.042,
    web: int | None = None,
) -> pd.DataFrame:
    """Kitakyushu-like answers to tsunagari-r3, as text cells ("" = 無回答)."""
    rng = np.random.default_rng(seed)
    age = _pick(rng, n, [2.5, 7, 10, 14, 16, 18, 20, 12.5])
    sex = _pick(rng, n, [46, 53, 1])
    household = _pick(rng, n, [22, 30, 35, 6, 7])
    marital = _pick(rng, n, [20, 60, 12, 8])
    employment = _pick(rng, n, [28, 3, 17, 9, 4, 11, 2, 26])
    income = _pick(rng, n, [6, 14, 17, 15, 12, 16, 13, 7])
    confidant = np.where(rng.random(n) < 0.9, 1, 2)
    # Loneliness propensity: younger, single-person households, no confidant, out of work.
    score = (
        -0.25 * age
        + 0.9 * (household == 1)
        + 1.6 * (confidant == 2)
        + 0.8 * (employment == 7)
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
    frame = pd.DataFrame(
        {
            "resp_id": [f"K{i:07d}" for i in range(1, n + 1)],
            "mode": mode.astype(str),
            "sex": _blank(rng, sex, 0.005),
            "age_group": _blank(rng, age, 0.005),
            "household": _blank(rng, household, 0.01),
            "marital": _blank(rng, marital, 0.01),
            "employment": _blank(rng, employment, 0.01),
            "income": _blank(rng, income, 0.04),
            "has_confidant": _blank(rng, confidant, 0.01),
            "lonely_direct": np.where(
                (lonely != 5) & (rng.random(n) < 0.006), "", lonely.astype(str)
            ),
            "ucla_1": _blank(rng, ucla[0], 0.01),
            "ucla_2": _blank(rng, ucla[1], 0.01),
            "ucla_3": _blank(rng, ucla[2], 0.01),
            "contact_freq": _blank(rng, contact, 0.05),
            "participation": _blank(rng, participation, 0.01),
        }
    )
    return frame[TSUNAGARI_COLUMNS]


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
