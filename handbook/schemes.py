"""Explainers of the support schemes (handbook/data/schemes.yaml): what it is, who can use it,
what to bring and where to apply in Kitakyushu, each fact with its status, the sources and the
date they were checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=1)
def schemes_all() -> tuple[Scheme, ...]:
    return tuple(schemes_read())


def scheme_get(slug: str) -> Scheme | None:
    return next((s for s in schemes_all() if s.slug == slug), None)


def schemes_for_categories(slugs: list[str] | tuple[str, ...]) -> list[Scheme]:
    wanted = set(slugs)
    return [s for s in schemes_all() if wanted & set(s.categories)]
