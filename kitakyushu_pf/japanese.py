"""The portal's one Japanese analyser: SudachiPy with the core dictionary, loaded once per process.

Everything in the portal that must understand Japanese written by people (the handbook search, the
directory and check-in kana search, case-study de-identification, ruby for やさしい日本語) goes
through these functions, so 子ども/子供, カトウ/ｶﾄｳ/かとう and 叩い/叩く meet in the same way
everywhere.

- ``fold(text)``: NFKC (全角/半角), katakana → hiragana, lower case. No dictionary needed.
- ``tokens(text)``: morphemes with surface, dictionary/normalised form, hiragana reading and part
  of speech (SplitMode.C, the longest units: 小倉北区大手町 stays one place name).
- ``is_known_name(surface)``, ``is_city_or_prefecture(surface)``: what the dictionary knows the
  word as, whatever the analyser chose in context (和子 a given name, 福岡 a city).
- ``reading(text)``: the whole text as hiragana (readings of kanji, kana kept as typed).
- ``ruby_segments(text)``: (surface, reading or None) pairs for ``<ruby>``: a reading only where the
  surface has kanji.

The dictionary is loaded lazily on first use and kept for the life of the process (about 0.1 s and
~60 MB); a Sudachi tokenizer is not thread-safe, so each thread gets its own over the shared
dictionary.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u30f6]")
_local = threading.local()


def fold(text: str) -> str:
    """NFKC, katakana to hiragana, lower case: 「ｶﾄｳ」「カトウ」「かとう」 → 「かとう」."""
    return unicodedata.normalize("NFKC", text or "").translate(_KATAKANA_TO_HIRAGANA).lower()


def to_hiragana(text: str) -> str:
    """Katakana to hiragana only (no NFKC, case kept)."""
    return (text or "").translate(_KATAKANA_TO_HIRAGANA)


def has_kanji(text: str) -> bool:
    return bool(_KANJI.search(text or ""))


@dataclass(frozen=True, slots=True)
class Token:
    """One morpheme. ``reading`` is hiragana; ``pos`` is Sudachi's six-level part of speech."""

    surface: str
    normalized: str
    dictionary: str
    reading: str
    pos: tuple[str, ...]
    begin: int
    end: int

    @property
    def is_content(self) -> bool:
        """Nouns, verbs, adjectives, adverbs and the like; not particles, auxiliaries or symbols."""
        return self.pos[0] in {
            "名詞",
            "動詞",
            "形容詞",
            "形状詞",
            "副詞",
            "代名詞",
            "感動詞",
            "連体詞",
        }

    @property
    def is_proper_noun(self) -> bool:
        return self.pos[:2] == ("名詞", "固有名詞")


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer() -> Any:
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
        _local.tokenizer = tokenizer
    return tokenizer


def warm_up() -> None:
    """Load the dictionary now (worker start-up) rather than on the first request."""
    tokens("準備")


# Sudachi refuses inputs over 49,149 bytes; cut long texts into chunks at line ends.
_MAX_CHUNK_CHARS = 12_000


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= _MAX_CHUNK_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _MAX_CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def tokens(text: str) -> list[Token]:
    """Morphemes of ``text`` as typed (offsets refer to ``text``)."""
    if not text:
        return []
    out: list[Token] = []
    tokenizer = _tokenizer()
    for offset, chunk in _chunks(text):
        for m in tokenizer.tokenize(chunk):
            surface = m.surface()
            if not surface.strip():
                continue
            out.append(
                Token(
                    surface=surface,
                    normalized=m.normalized_form(),
                    dictionary=m.dictionary_form(),
                    reading=to_hiragana(m.reading_form()),
                    pos=tuple(m.part_of_speech()),
                    begin=offset + m.begin(),
                    end=offset + m.end(),
                )
            )
    return out


def known_parts_of_speech(surface: str) -> set[tuple[str, ...]]:
    """Every part of speech the dictionary has for ``surface``, whatever the analyser chose in
    context: 「和子」 is a given name and a common noun (わこ), 「翼」 a name and 'wing'."""
    if not surface:
        return set()
    return {tuple(m.part_of_speech()) for m in _dictionary().lookup(surface)}


def is_known_name(surface: str) -> bool:
    """Whether the dictionary knows ``surface`` as a person's name (人名) at all."""
    return any(pos[:3] == ("名詞", "固有名詞", "人名") for pos in known_parts_of_speech(surface))


def is_city_or_prefecture(surface: str) -> bool:
    """Whether ``surface`` names a city or prefecture without its suffix: 福岡 (福岡市/福岡県)."""
    return any(
        pos[:3] == ("名詞", "固有名詞", "地名")
        for suffix in ("市", "県", "府", "都")
        for pos in known_parts_of_speech(surface + suffix)
    )


def reading(text: str) -> str:
    """The text read aloud, in hiragana: 「借金が返せない」 → 「しゃっきんがかえせない」."""
    parts = []
    for token in tokens(text):
        if has_kanji(token.surface) and token.reading:
            parts.append(token.reading)
        else:
            parts.append(fold(token.surface))
    return "".join(parts)


def ruby_segments(text: str) -> list[tuple[str, str | None]]:
    """(surface, hiragana reading) per morpheme, the reading only where the surface has kanji.

    Gaps between morphemes (spaces, line breaks) are kept as plain segments so the text round-trips.
    """
    segments: list[tuple[str, str | None]] = []
    position = 0
    for token in tokens(text):
        if token.begin > position:
            segments.append((text[position : token.begin], None))
        surface = text[token.begin : token.end]
        needs = has_kanji(surface) and token.reading and token.reading != fold(surface)
        segments.append((surface, token.reading if needs else None))
        position = token.end
    if position < len(text):
        segments.append((text[position:], None))
    return segments
