"""Load handbook/data/translations/<lang>.yaml into the per-language columns (idempotent).

File format (any field may be missing; an entry without ``checked_on`` is unchecked)::

    language: en
    categories: {money: {name: ..., description: ..., checked_on: 2026-12-06}}
    worries:    {no-money: {text: ..., keywords: [..]}}
    windows:    {"<Service.source_key or name>": {name: ..., description: ..., target: ...,
                 what_to_expect: ..., hours_note: ..., cost: ...}}
    schemes:    {seikatsu-hogo: {name: ..., what: [..], who: [..], bring: [..], where: [..]}}

Each loaded entry keeps a fingerprint of what it wrote (``translation_meta[lang]["digest"]``): if
the values were since changed in the admin, the file does not overwrite them and the entry is
reported as a conflict (``--overwrite all`` lets the file win). Keys the catalogue does not know
are reported and skipped; a missing language file is skipped. Schemes are read by
handbook/schemes.py straight from the files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from . import languages
from .languages import in_source_language
from .models import Category, Service, Worry
from .translation import CATEGORY_FIELDS, SERVICE_FIELDS, WORRY_FIELDS

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "data" / "translations"
SECTIONS = {
    "categories": (Category, "slug", CATEGORY_FIELDS),
    "worries": (Worry, "key", WORRY_FIELDS),
    "windows": (Service, "source_key", SERVICE_FIELDS),
}


@dataclass
class TranslationReport:
    written: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    too_long: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"translations: {self.written} written, {self.unchanged} unchanged"]
        out += [f"  no file for {lang}" for lang in self.missing_files]
        out += [f"  too long for its column (entry skipped): {k}" for k in self.too_long]
        out += [f"  unknown key (skipped): {k}" for k in self.unknown]
        out += [f"  conflict (kept as edited in the admin): {k}" for k in self.conflicts]
        return out


def read_file(language: str, directory: Path = TRANSLATIONS_DIR) -> dict[str, Any] | None:
    path = directory / f"{language}.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    if data.get("language", language) != language:
        raise ValueError(f"{path}: says language {data.get('language')!r}")
    return data


def _values(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for f in fields:
        value = entry.get(f)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            out[f] = str(value)
    return out


def _digest(values: dict[str, str]) -> str:
    raw = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _current(obj: Any, fields: tuple[str, ...], suffix: str) -> dict[str, str]:
    return {f: str(v) for f in fields if (v := getattr(obj, f"{f}_{suffix}", None))}


def _lookup(model: Any, key_field: str, key: str) -> Any:
    obj = model.objects.filter(**{key_field: key}).first()
    if obj is None and model is Service:
        obj = Service.objects.filter(source_key="", name=key).first()  # sample windows
    return obj


@in_source_language
def translations_load(
    *,
    overwrite: bool = False,
    dry_run: bool = False,
    directory: Path = TRANSLATIONS_DIR,
) -> TranslationReport:
    from . import schemes, services

    report = TranslationReport()
    scheme_slugs = {s.slug for s in schemes.schemes_read()}
    with transaction.atomic():
        for language in languages.LANGUAGES:
            if language == languages.SOURCE:
                continue
            data = read_file(language, directory)
            if data is None:
                report.missing_files.append(language)
                continue
            suffix = languages.field_suffix(language)
            for section, entries in data.items():
                if section == "language":
                    continue
                if section == "schemes":
                    report.unknown += [
                        f"{language}:schemes:{k}" for k in entries or {} if k not in scheme_slugs
                    ]
                    continue
                if section not in SECTIONS:
                    report.unknown.append(f"{language}:{section}")
                    continue
                model, key_field, fields = SECTIONS[section]
                for key, entry in (entries or {}).items():
                    obj = _lookup(model, key_field, str(key))
                    if obj is None or not isinstance(entry, dict):
                        report.unknown.append(f"{language}:{section}:{key}")
                        continue
                    report.unknown += [
                        f"{language}:{section}:{key}:{f}"
                        for f in entry
                        if f not in fields and f != "checked_on"
                    ]
                    _apply(obj, language, suffix, fields, entry, overwrite, dry_run, report,
                           f"{language}:{section}:{key}")  # fmt: skip
        if dry_run:
            transaction.set_rollback(True)
    if report.written and not dry_run:
        services.content_version_bump()
    return report


def _apply(
    obj: Any,
    language: str,
    suffix: str,
    fields: tuple[str, ...],
    entry: dict[str, Any],
    overwrite: bool,
    dry_run: bool,
    report: TranslationReport,
    label: str,
) -> None:
    values = _values(entry, fields)
    too_long = [
        f
        for f in fields
        if (limit := obj._meta.get_field(f).max_length) and len(values.get(f) or "") > limit
    ]
    if too_long:  # never cut a text short: the entry waits until the file is mended
        report.too_long += [f"{label}:{f}" for f in too_long]
        return
    checked = entry.get("checked_on")
    if isinstance(checked, dt.date):
        checked = checked.isoformat()
    wanted = {"digest": _digest(values), **({"checked_on": str(checked)} if checked else {})}
    meta = dict(obj.translation_meta or {})
    stored = dict(meta.get(language) or {})
    current = _current(obj, fields, suffix)
    if stored.get("digest") == wanted["digest"] and stored.get("checked_on") == wanted.get(
        "checked_on"
    ):
        report.unchanged += 1
        return
    edited = bool(current) and _digest(current) != stored.get("digest")
    if edited and current != values and not overwrite:
        report.conflicts.append(label)
        return
    for f in fields:
        setattr(obj, f"{f}_{suffix}", values.get(f) or None)
    meta[language] = wanted
    obj.translation_meta = meta
    if not dry_run:
        obj.save()
    report.written += 1
