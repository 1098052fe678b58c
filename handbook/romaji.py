"""Japanese typed in romaji (「kyuuryoubi made okane nai」, 「shinitai」): read as hiragana.

Foreign residents and people on a phone without a Japanese keyboard type Japanese in Latin letters.
jaconv turns romaji into hiragana; a text is taken for romaji only when every letter converts
cleanly, so English ("i dont want to live", "salary") is left to the English crisis phrases and the
catalogue's translations (handbook/foreign_search.py).
"""

from __future__ import annotations

import re

import jaconv

from .foreign_search import ENGLISH_STOP_WORDS

_LATIN_TEXT = re.compile(r"[a-z0-9\s.,!?'ー-]+")
_WORD = re.compile(r"[a-z]{3,}")
# English helper words that are romaji words too stay out of this list (no, to, do, so, an, in,
# on, at, de: の, と, ど, そ, あん, いん, おん, あと, で).
_ENGLISH = ENGLISH_STOP_WORDS - {"a", "no", "to", "do", "so", "an", "in", "on", "at", "de"}
# What a failed conversion leaves: letters, a small っ at a word end (salary → さらっっ), ゔ.
_UNCONVERTED = re.compile(r"[a-z]|っ(?=[\s.,!?っ]|$)|ゔ|んっ")


def as_kana(text: str) -> str | None:
    """``text`` in hiragana if it is Japanese written in romaji, else None."""
    plain = (text or "").strip().lower()
    if not plain or not _LATIN_TEXT.fullmatch(plain) or not _WORD.search(plain):
        return None
    if any(word in _ENGLISH for word in re.findall(r"[a-z']+", plain)):
        return None
    kana = jaconv.alphabet2kana(plain)
    if _UNCONVERTED.search(kana):
        return None
    return kana
