"""A second opinion on the crisis flag: a classifier trained on labelled residents' queries.

The rules of handbook/crisis.py flag what they can explain; each held-out set written by new
people still found about a third of its crisis queries worded in ways no rule had seen. This
model reads the same text the rules read (the folded characters and the analyser's lemmas) and
scores how much it resembles the crisis queries among the labelled examples
(handbook/data/crisis_examples.tsv: every query of the evaluation sets marked crisis yes or no).

It only ever raises the floor: the search flags a crisis when the rules do, or when the rules
found nothing, ruled nothing out (no figure of speech, nothing over, no fan slang) and the
model's probability is at least ``THRESHOLD``. It then puts the crisis lines first; the ranking
of worries is left to the search. The threshold was chosen on a set the model had not been
trained on (bench/README.md, bench/handbook_crisis_model.py).

The model is trained with scikit-learn (TF-IDF, logistic regression) by
``python -m tests.handbook.evaluation``, which writes the examples and the learnt weights
(handbook/data/crisis_model.json). The portal itself only reads the weights: a sum over the
query's features, done here, so a worker needs neither scikit-learn nor training time.
tests/handbook/test_crisis_model.py checks that this scoring gives scikit-learn's probabilities
and that the weights are those the examples give. Nothing a resident types is kept or learnt from.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .search import Analysis

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES_PATH = DATA / "crisis_examples.tsv"
WEIGHTS_PATH = DATA / "crisis_model.json"
# Probability from which the model alone flags a crisis.
THRESHOLD = 0.8


def examples(path: Path = EXAMPLES_PATH) -> list[tuple[str, bool]]:
    """(query, crisis) pairs of the labelled examples."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row[0], row[1] == "yes") for row in rows[1:] if len(row) >= 2]


def features(analysis: Analysis) -> tuple[str, str]:
    """What the model reads: the folded characters and the line of lemmas."""
    from .crisis import lemma_line_of

    return analysis.folded, lemma_line_of(analysis.tokens)


def character_terms(pair: tuple[str, str]) -> list[str]:
    """Character 1-, 2- and 3-grams of the folded text."""
    text = pair[0]
    return [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]


def lemma_terms(pair: tuple[str, str]) -> list[str]:
    """Lemmas and pairs of neighbouring lemmas."""
    lemmas = pair[1].split()
    return lemmas + [f"{a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]


VIEWS: tuple[tuple[str, Callable[[tuple[str, str]], list[str]]], ...] = (
    ("characters", character_terms),
    ("lemmas", lemma_terms),
)


def train(pairs: list[tuple[str, bool]]) -> Any:
    """TF-IDF (sublinear term frequency) per view, logistic regression over both (scikit-learn;
    for tests/handbook/evaluation.py and the benchmarks, not for the portal)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    from .search import analyse

    vectorisers = [TfidfVectorizer(analyzer=terms, sublinear_tf=True) for _, terms in VIEWS]
    pipeline = make_pipeline(
        make_union(*vectorisers),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    )
    pipeline.fit([features(analyse(q)) for q, _ in pairs], [label for _, label in pairs])
    return pipeline


def export(pipeline: Any) -> dict[str, Any]:
    """The learnt weights of ``train``'s pipeline: per view, term → [idf, coefficient]."""
    union, regression = pipeline.steps[0][1], pipeline.steps[1][1]
    coef = regression.coef_[0]
    out: dict[str, Any] = {"intercept": float(regression.intercept_[0])}
    offset = 0
    for (name, _), (_, vectoriser) in zip(VIEWS, union.transformer_list, strict=True):
        size = len(vectoriser.vocabulary_)
        out[name] = {
            term: [round(float(vectoriser.idf_[i]), 7), round(float(coef[offset + i]), 7)]
            for term, i in sorted(vectoriser.vocabulary_.items())
        }
        offset += size
    return out


class Weights:
    """The exported model, scored by hand: for each view the l2-normalised sublinear TF-IDF
    vector of the query's terms, dotted with the coefficients; the logistic of the sum."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.intercept = float(data["intercept"])
        self.views = [(terms, data[name]) for name, terms in VIEWS]

    def probability(self, pair: tuple[str, str]) -> float:
        score = self.intercept
        for terms, table in self.views:
            weights = [
                ((1.0 + math.log(count)) * table[t][0], table[t][1])
                for t, count in Counter(terms(pair)).items()
                if t in table
            ]
            norm = math.sqrt(sum(v * v for v, _ in weights))
            if norm:
                score += sum(v * c for v, c in weights) / norm
        return 1.0 / (1.0 + math.exp(-score))


@lru_cache(maxsize=1)
def model() -> Weights:
    with WEIGHTS_PATH.open(encoding="utf-8") as fh:
        return Weights(json.load(fh))


@lru_cache(maxsize=4096)
def probability(text: str) -> float:
    """How much ``text`` resembles the crisis queries (0–1)."""
    from .search import analyse

    analysis = analyse(text)
    if not analysis.folded:
        return 0.0
    return model().probability(features(analysis))


def flags(text: str) -> bool:
    return probability(text) >= THRESHOLD
