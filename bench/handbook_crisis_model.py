"""The crisis model's second opinion, measured on sets it was not trained on.

For each labelled set of tests/handbook/ (leave one set out), the model is trained on the
examples of all the other sets (scikit-learn, a development requirement) and scored on the one
left out; with ``--file PATH`` the shipped weights (handbook/data/crisis_model.json, trained on
every example) score PATH (a set nobody has tuned on). Printed per set: the rules'
crisis recall and false flags (handbook/crisis.py and the other languages' phrases; the rules were
tuned on every set in the repository, so on those their figures flatter them), the model alone at
several thresholds, and the rules with the model's second opinion under the search's conditions
(not when the rules ruled the text out, Japanese text only). Japanese typed in romaji is read as
typed here (the search reads it as kana first), so a set with romaji differs slightly from
bench/handbook_relevance.py.

    .venv/bin/python bench/handbook_crisis_model.py [--file PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="score this set with the model trained on all")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    import django

    django.setup()
    from handbook import crisis, crisis_model, search
    from handbook.crisis_languages import crisis_kind_foreign
    from handbook.selectors import _has_japanese
    from tests.handbook import evaluation

    def labelled(path: Path) -> list[tuple[str, bool]]:
        return [(c.query, c.crisis == "yes") for c in evaluation.load(path) if c.crisis != "either"]

    def report(name: str, cases: list[tuple[str, bool]], model: object) -> None:
        pos = sum(label for _, label in cases)
        neg = len(cases) - pos
        rows = []
        for query, label in cases:
            a = crisis.assess(query)
            rules = a.flag or crisis_kind_foreign(query) is not None
            asked = not rules and not a.ruled_out and _has_japanese(query)
            analysis = search.analyse(query)
            pair = crisis_model.features(analysis)
            if not analysis.folded:
                p = 0.0
            elif isinstance(model, crisis_model.Weights):
                p = model.probability(pair)
            else:
                p = float(model.predict_proba([pair])[0][1])  # type: ignore[attr-defined]
            rows.append((label, rules, asked, p))
        r = sum(1 for label, rules, _, _ in rows if label and rules)
        f = sum(1 for label, rules, _, _ in rows if not label and rules)
        print(f"{name}: {len(cases)} labelled, {pos} crisis, {neg} not")
        print(
            f"  rules                      recall {r}/{pos} = {r / pos:.3f}  false flags {f}/{neg}"
        )
        for t in THRESHOLDS:
            mr = sum(1 for label, _, _, p in rows if label and p >= t)
            mf = sum(1 for label, _, _, p in rows if not label and p >= t)
            ur = sum(
                1 for label, rules, asked, p in rows if label and (rules or (asked and p >= t))
            )
            uf = sum(
                1 for label, rules, asked, p in rows if not label and (rules or (asked and p >= t))
            )
            mark = " <- THRESHOLD" if t == crisis_model.THRESHOLD else ""
            print(
                f"  t={t:.1f} model alone {mr:4d}/{pos} ff {mf:3d}"
                f" | rules + model {ur}/{pos} = {ur / pos:.3f} ff {uf}/{neg}{mark}"
            )

    if args.file:
        report(args.file.name, labelled(args.file), crisis_model.model())
        return
    sets = {p.name: labelled(p) for p in evaluation.ALL_PATHS}
    for held_out in sets:
        pairs = [pair for name, cases in sets.items() if name != held_out for pair in cases]
        seen: set[str] = set()
        unique = [(q, label) for q, label in pairs if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
        report(held_out, sets[held_out], crisis_model.train(unique))


if __name__ == "__main__":
    main()
