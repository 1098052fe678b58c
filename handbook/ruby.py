"""やさしい日本語: <ruby> over every kanji, from the shared analyser's readings (SudachiPy).

The markup is generated when a text is loaded or saved and stored on the object (``ruby``), so a
page never runs the analyser. The secretariat corrects a reading in the admin with a line
``漢字=よみ`` in ``ruby_readings``: that word then always gets that reading. Only <ruby> and <rt>
are produced here; every piece of text is escaped.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kitakyushu_pf import japanese

RUBY_FIELDS = {
    "Category": ("name", "description"),
    "Worry": ("text",),
    "Service": ("name", "description", "target", "what_to_expect", "hours_note", "cost"),
}
PUBLIC_FIELDS = ("description", "target", "hours_note", "cost")  # public_text() on the card
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")


def parse_readings(text: str) -> dict[str, str]:
    """``漢字=よみ`` lines (also with ＝ or :) → {surface: reading}; other lines are ignored."""
    out: dict[str, str] = {}
    for line in (text or "").splitlines():
        line = line.replace("＝", "=")
        surface, sep, reading = line.partition("=")
        if sep and surface.strip() and reading.strip():
            out[surface.strip()] = japanese.to_hiragana(reading.strip())
    return out


def _one(surface: str, reading: str) -> str:
    """<ruby> for one word; the kana it shares with its reading stay outside (払<rt>はら</rt>う)."""
    head = 0
    while (
        head < len(surface) - 1
        and head < len(reading)
        and _KANA.fullmatch(surface[head])
        and japanese.to_hiragana(surface[head]) == reading[head]
    ):
        head += 1
    tail = 0
    while (
        tail < len(surface) - head - 1
        and tail < len(reading) - head - 1
        and _KANA.fullmatch(surface[-1 - tail])
        and japanese.to_hiragana(surface[-1 - tail]) == reading[-1 - tail]
    ):
        tail += 1
    core = surface[head : len(surface) - tail]
    core_reading = reading[head : len(reading) - tail]
    return (
        escape(surface[:head])
        + f"<ruby>{escape(core)}<rt>{escape(core_reading)}</rt></ruby>"
        + escape(surface[len(surface) - tail :])
    )


def _plain_part(text: str) -> str:
    out = []
    for surface, reading in japanese.ruby_segments(text):
        if reading and japanese.has_kanji(surface):
            out.append(_one(surface, japanese.to_hiragana(reading)))
        else:
            out.append(escape(surface))
    return "".join(out)


def ruby_html(text: str, readings: dict[str, str] | None = None) -> str:
    """The text as escaped HTML with <ruby> on every word written with kanji."""
    if not text:
        return ""
    if not japanese.has_kanji(text):
        return str(escape(text))
    readings = readings or {}
    if readings:
        words = sorted(readings, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(k) for k in words))
        out, position = [], 0
        for match in pattern.finditer(text):
            out.append(_plain_part(text[position : match.start()]))
            out.append(_one(match.group(0), readings[match.group(0)]))
            position = match.end()
        out.append(_plain_part(text[position:]))
        return "".join(out)
    return _plain_part(text)


class RubyText(str):
    """A plain string (for JSON, attributes, titles) that renders as its <ruby> markup in a
    template (Django calls ``__html__``)."""

    markup: str

    def __new__(cls, text: str, markup: str) -> RubyText:
        obj = super().__new__(cls, text)
        obj.markup = markup
        return obj

    def __html__(self) -> SafeString:
        return mark_safe(self.markup)  # noqa: S308 - built here from escaped pieces only


def source_texts(obj: Any, field: str) -> dict[str, str]:
    """The Japanese and やさしい日本語 texts of one field, read from their own columns."""
    ja = str(getattr(obj, f"{field}_ja", None) or obj.__dict__.get(field) or "")
    easy = str(getattr(obj, f"{field}_easy", None) or "")
    if type(obj).__name__ == "Service" and field in PUBLIC_FIELDS:
        # As the card shows them: without the secretariat's checking notes.
        from .public_text import public_text

        ja, easy = public_text(ja), public_text(easy)
    return {"ja": ja, "easy": easy}


def ruby_fields(obj: Any) -> dict[str, dict[str, list[str]]]:
    """{field: {"ja"|"easy": [text, markup]}} for the object's shown texts."""
    readings = parse_readings(getattr(obj, "ruby_readings", ""))
    out: dict[str, dict[str, list[str]]] = {}
    for field in RUBY_FIELDS.get(type(obj).__name__, ()):
        texts = source_texts(obj, field)
        entry = {k: [v, ruby_html(v, readings)] for k, v in texts.items() if v}
        if entry:
            out[field] = entry
    return out


def stored_or_new(obj_ruby: dict[str, Any], field: str, kind: str, text: str, readings: str) -> str:
    """The stored markup when it was made from this very text, else generated now."""
    stored = (obj_ruby or {}).get(field, {}).get(kind)
    if stored and stored[0] == text:
        return str(stored[1])
    return ruby_html(text, parse_readings(readings))
