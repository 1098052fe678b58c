"""What residents see of a window's text, and what goes to the secretariat's check list.

The verified contacts carry the researchers' checking notes in the same cells as the published
facts (「チャット等の有無は未確認」, 「未確認（区役所の開庁時間内と思われる）」). A sentence or a
bracketed aside holding such a note is internal: residents never see it, the secretariat's
content check lists it. Pure functions, no database access.
"""

from __future__ import annotations

import re

# Words that mark a checking note rather than a fact for residents.
INTERNAL_MARKERS = (
    "未確認",
    "要確認",
    "確認済み",
    "で確認",
    "思われる",
    "この調査",
    "とされる",
)
_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[。])")
# A label the card already prints in front of the text (「来所：」 + 「来所: …」).
_LEADING_LABELS = re.compile(r"^\s*(?:来所|所在地)\s*[:：]\s*")


def _is_internal(part: str) -> bool:
    return any(marker in part for marker in INTERNAL_MARKERS)


def split_public(text: str) -> tuple[str, list[str]]:
    """(text for residents, internal notes removed from it)."""
    notes: list[str] = []

    def aside(match: re.Match[str]) -> str:
        if _is_internal(match.group(0)):
            notes.append(match.group(0))
            return ""
        return match.group(0)

    kept: list[str] = []
    for sentence in _SENTENCE_END.split(_ASIDE.sub(aside, text or "")):
        if not sentence.strip():
            continue
        if _is_internal(sentence):
            notes.append(sentence.strip())
            continue
        kept.append(sentence)
    public = "".join(kept).strip()
    public = re.sub(r"[、,]\s*$", "", public).strip()
    return public, notes


def public_text(text: str) -> str:
    return split_public(text)[0]


def without_label(text: str) -> str:
    """「来所: 門司区清滝…」 → 「門司区清滝…」: the card shows its own label."""
    return _LEADING_LABELS.sub("", text or "")
