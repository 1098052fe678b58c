"""Explainers of the support schemes (handbook/data/schemes.yaml): what it is, who can use it,
what to bring and where to apply in Kitakyushu, each fact with its status, the sources and the
date they were checked."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SCHEMES_YAML = Path(__file__).resolve().parent / "data" / "schemes.yaml"
STATUSES = ("verified", "unverified")


@dataclass(frozen=True)
class Fact:
    text: str
    verified: bool


@dataclass(frozen=True)
class Scheme:
    slug: str
    name: str
    checked_on: dt.date
    categories: tuple[str, ...]
    what: tuple[Fact, ...]
    who: tuple[Fact, ...]
    bring: tuple[Fact, ...]
    where: tuple[Fact, ...]
    sources: tuple[str, ...]
    tnote: str = ""  # as selectors.WorryInfo.tnote

    @property
    def has_unverified(self) -> bool:
        return any(not f.verified for f in (*self.what, *self.who, *self.bring, *self.where))


def _facts(raw: list[dict[str, str]], where: str) -> tuple[Fact, ...]:
    out = []
    for item in raw or []:
        if item.get("status") not in STATUSES or not item.get("text"):
            raise ValueError(f"{where}: each fact needs text and status verified|unverified")
        out.append(Fact(text=str(item["text"]), verified=item["status"] == "verified"))
    return tuple(out)


def schemes_read(path: Path = SCHEMES_YAML) -> list[Scheme]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    schemes = []
    for row in rows:
        slug = row["slug"]
        if not row.get("sources"):
            raise ValueError(f"{slug}: a scheme needs its sources")
        checked = row["checked_on"]
        schemes.append(
            Scheme(
                slug=slug,
                name=row["name"],
                checked_on=checked
                if isinstance(checked, dt.date)
                else dt.date.fromisoformat(checked),
                categories=tuple(row.get("categories", ())),
                what=_facts(row.get("what"), f"{slug}.what"),
                who=_facts(row.get("who"), f"{slug}.who"),
                bring=_facts(row.get("bring"), f"{slug}.bring"),
                where=_facts(row.get("where"), f"{slug}.where"),
                sources=tuple(row["sources"]),
            )
        )
    return schemes


def schemes_all(language: str = "ja") -> tuple[Scheme, ...]:
    """The explainers with their texts in `language` (read once per language and setting)."""
    from django.conf import settings

    return _schemes_in(language, bool(settings.HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS))


@lru_cache(maxsize=1)
def _schemes_ja() -> tuple[Scheme, ...]:
    return tuple(schemes_read())


@lru_cache(maxsize=16)
def _schemes_in(language: str, show_unchecked: bool) -> tuple[Scheme, ...]:
    from .translations_load import read_file

    if language == "ja":
        return _schemes_ja()
    entries = ((read_file(language) or {}).get("schemes") or {}) if language != "ja" else {}
    return tuple(
        localise(s, language, entries.get(s.slug) or {}, show_unchecked=show_unchecked)
        for s in _schemes_ja()
    )


def localise(
    scheme: Scheme, language: str, entry: dict[str, Any], *, show_unchecked: bool
) -> Scheme:
    """A checked translation (or, with show_unchecked, an unchecked one) in place of the Japanese
    text, fact by fact (lists in the same order and count as schemes.yaml); else the Japanese
    with a note. やさしい日本語 (and the Japanese shown in its place) carries ruby."""
    from .ruby import RubyText, ruby_html

    usable = bool(entry) and (bool(entry.get("checked_on")) or show_unchecked)
    notes: set[str] = set()

    def text(ja: str, translated: Any) -> str:
        value = str(translated) if usable and translated else ""
        if value:
            notes.add("" if entry.get("checked_on") else "unchecked")
        else:
            notes.add("missing")
        shown = value or ja
        return RubyText(shown, ruby_html(shown)) if language == "easy" else shown

    def facts(kind: str, ja: tuple[Fact, ...]) -> tuple[Fact, ...]:
        raw = entry.get(kind) or []
        given = raw if isinstance(raw, list) and len(raw) == len(ja) else []
        return tuple(
            dataclasses.replace(f, text=text(f.text, given[i] if given else None))
            for i, f in enumerate(ja)
        )

    localised = dataclasses.replace(
        scheme,
        name=text(scheme.name, entry.get("name")),
        what=facts("what", scheme.what),
        who=facts("who", scheme.who),
        bring=facts("bring", scheme.bring),
        where=facts("where", scheme.where),
    )
    note = "missing" if "missing" in notes else ("unchecked" if "unchecked" in notes else "")
    return dataclasses.replace(localised, tnote=note)


def scheme_get(slug: str, language: str = "ja") -> Scheme | None:
    return next((s for s in schemes_all(language) if s.slug == slug), None)


def schemes_for_categories(
    slugs: list[str] | tuple[str, ...], language: str = "ja"
) -> list[Scheme]:
    wanted = set(slugs)
    return [s for s in schemes_all(language) if wanted & set(s.categories)]
