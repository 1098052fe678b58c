"""Score ``identifiers_find`` on the de-identification evaluation set (deid_eval.tsv), or on the
held-out sets named on the command line (deid_holdout.tsv, identifiers_holdout.tsv).

Recall: the share of expected identifier spans that some finding overlaps. False flags: the share
of identifier-free sentences on which anything is flagged. Extra: findings on sentences with
identifiers that overlap none of the expected spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from casestudies.identifiers import identifiers_find

EVAL_FILE = Path(__file__).with_name("deid_eval.tsv")


@dataclass(frozen=True)
class Case:
    text: str
    expected: tuple[str, ...]
    note: str


@dataclass
class Score:
    spans: int = 0
    found: int = 0
    clean: int = 0
    clean_flagged: int = 0
    extra: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_flags: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.spans if self.spans else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.clean_flagged / self.clean if self.clean else 0.0


def cases() -> list[Case]:
    out = []
    for line in EVAL_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, expected, note = (line.split("\t") + ["", ""])[:3]
        spans = tuple(s.strip() for s in expected.split(" | ") if s.strip())
        out.append(Case(text, spans, note))
    return out


def score() -> Score:
    result = Score()
    for case in cases():
        findings = identifiers_find(case.text)
        if not case.expected:
            result.clean += 1
            if findings:
                result.clean_flagged += 1
                result.false_flags.append((case.text, " / ".join(f.text for f in findings)))
            continue
        used: set[int] = set()
        for span in case.expected:
            start = case.text.index(span)
            end = start + len(span)
            hit = [i for i, f in enumerate(findings) if f.start < end and f.end > start]
            result.spans += 1
            if hit:
                result.found += 1
                used.update(hit)
            else:
                result.misses.append((case.text, span))
        result.extra += len(set(range(len(findings))) - used)
    return result


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    import sys

    django.setup()
    if len(sys.argv) > 1:
        EVAL_FILE = EVAL_FILE.with_name(sys.argv[1])
    s = score()
    print(f"sentences with identifiers: {len(cases()) - s.clean}, spans {s.spans}")
    print(f"recall {s.recall:.3f} ({s.found}/{s.spans}); extra findings {s.extra}")
    print(
        f"identifier-free sentences: {s.clean}; flagged {s.clean_flagged} ({s.false_flag_rate:.1%})"
    )
    for text, span in s.misses:
        print("MISS", span, "in", text)
    for text, found in s.false_flags:
        print("FALSE", found, "in", text)
