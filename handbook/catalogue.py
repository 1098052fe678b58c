"""The handbook's catalogue as data: handbook/data/*.yaml, validated and loaded idempotently.

- ``categories.yaml``: slug, name, description (in the order shown);
- ``worries.yaml``: key, category, text, keywords, synonyms, crisis, tags (which windows answer);
- ``windows.yaml``: per row of contacts_verified.csv (by name) its tags, crisis order, structured
  hours and whether it is listed, plus name rules (ward offices, welfare offices);
- ``thesaurus.yaml``: worry vocabulary for the search (read by handbook/search.py, not loaded into
  the database).

The secretariat edits categories and worries in the admin afterwards. Each loaded row keeps a
digest of the values the loader last wrote; when the row no longer matches its digest someone has
edited it, and the loader then leaves it alone and reports a conflict instead of overwriting it
(``overwrite`` names the keys whose file version should win).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from . import hours
from .languages import in_source_language

DATA_DIR = Path(__file__).resolve().parent / "data"

CATEGORY_FIELDS = {"slug", "name", "description"}
WORRY_FIELDS = {
    "key",
    "category",
    "text",
    "keywords",
    "synonyms",
    "crisis",
    "tags",
    "verified_only",
}
WINDOW_FIELDS = {
    "name",
    "tags",
    "crisis_order",
    "hours",
    "closed_on_holidays",
    "closed_new_year",
    "listed",
}
RULE_FIELDS = {"name_endswith", "name_contains", "tags"}


class CatalogueError(ValueError):
    """The files under handbook/data do not validate; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CategoryData:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class WorryData:
    key: str
    category: str
    text: str
    keywords: tuple[str, ...]
    synonyms: tuple[str, ...]
    crisis: bool
    tags: tuple[str, ...]
    verified_only: bool = False


@dataclass(frozen=True)
class WindowData:
    name: str
    tags: tuple[str, ...] = ()
    crisis_order: int | None = None
    hours: tuple[tuple[int, Any, Any], ...] = ()
    closed_on_holidays: bool | None = None
    closed_new_year: bool = False
    listed: bool = True


@dataclass(frozen=True)
class RuleData:
    tags: tuple[str, ...]
    name_endswith: str = ""
    name_contains: str = ""

    def applies(self, name: str) -> bool:
        if self.name_endswith and not name.endswith(self.name_endswith):
            return False
        return not (self.name_contains and self.name_contains not in name)


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[CategoryData, ...]
    worries: tuple[WorryData, ...]
    windows: dict[str, WindowData]
    rules: tuple[RuleData, ...]
    warnings: tuple[str, ...] = ()

    def window_tags(self, name: str) -> tuple[str, ...]:
        """The tags of a verified window: its own entry, else the first name rule that fits."""
        window = self.windows.get(name)
        if window is not None and window.tags:
            return window.tags
        for rule in self.rules:
            if rule.applies(name):
                return rule.tags
        return ()


def _read_yaml(path: Path, errors: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        errors.append(f"{path.name}: file missing")
    except yaml.YAMLError as exc:
        errors.append(f"{path.name}: not valid YAML ({exc})")
    return None


def _strings(value: Any, where: str, errors: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"{where}: must be a list of non-empty texts")
        return ()
    return tuple(v.strip() for v in value)


def _unknown(entry: dict[str, Any], allowed: set[str], where: str, errors: list[str]) -> None:
    extra = sorted(set(entry) - allowed)
    if extra:
        errors.append(f"{where}: unknown field(s) {', '.join(extra)}")


def contact_names(path: Path | None = None) -> list[str]:
    from .services import CONTACTS_CSV

    with (path or CONTACTS_CSV).open(encoding="utf-8") as fh:
        return [row["name"].strip() for row in csv.DictReader(fh)]


def catalogue_read(data_dir: Path = DATA_DIR, *, contacts_csv: Path | None = None) -> Catalogue:
    """Read and validate the catalogue files. Raises CatalogueError listing every problem."""
    errors: list[str] = []
    warnings: list[str] = []
    raw_categories = _read_yaml(data_dir / "categories.yaml", errors) or []
    raw_worries = _read_yaml(data_dir / "worries.yaml", errors) or []
    raw_windows = _read_yaml(data_dir / "windows.yaml", errors) or {}

    categories: list[CategoryData] = []
    if not isinstance(raw_categories, list):
        errors.append("categories.yaml: must be a list")
        raw_categories = []
    for i, entry in enumerate(raw_categories, start=1):
        where = f"categories.yaml #{i}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        _unknown(entry, CATEGORY_FIELDS, where, errors)
        slug, name = str(entry.get("slug") or ""), str(entry.get("name") or "")
        if not slug or not name:
            errors.append(f"{where}: slug and name are required")
            continue
        if len(name) > 40 or len(str(entry.get("description") or "")) > 200:
            errors.append(f"{where}: name ≤ 40 and description ≤ 200 characters")
        categories.append(CategoryData(slug, name, str(entry.get("description") or "")))
    slugs = [c.slug for c in categories]
    for dup in sorted({s for s in slugs if slugs.count(s) > 1}):
        errors.append(f"categories.yaml: slug {dup} appears twice")

    windows: dict[str, WindowData] = {}
    rules: list[RuleData] = []
    if not isinstance(raw_windows, dict):
        errors.append("windows.yaml: must be a mapping with windows: and rules:")
        raw_windows = {}
    known_contacts = set(contact_names(contacts_csv))
    for i, entry in enumerate(raw_windows.get("windows") or [], start=1):
        where = f"windows.yaml window #{i}"
        if not isinstance(entry, dict) or not entry.get("name"):
            errors.append(f"{where}: needs a name")
            continue
        _unknown(entry, WINDOW_FIELDS, where, errors)
        name = str(entry["name"])
        if name not in known_contacts:
            # A renamed or retired row of the verified contacts must not stop a deploy: the
            # entry is reported and has no effect until the names agree again.
            warnings.append(f"{where}: {name} is not a row of contacts_verified.csv (ignored)")
        rows: list[tuple[int, Any, Any]] = []
        if entry.get("hours"):
            try:
                rows = hours.parse_hours(str(entry["hours"]))
            except ValueError as exc:
                errors.append(f"{where}: cannot read hours “{exc}”")
        order = entry.get("crisis_order")
        if order is not None and (not isinstance(order, int) or order < 0):
            errors.append(f"{where}: crisis_order must be a whole number")
            order = None
        for flag in ("closed_on_holidays", "closed_new_year", "listed"):
            if flag in entry and not isinstance(entry[flag], bool):
                errors.append(f"{where}: {flag} must be true or false")
        windows[name] = WindowData(
            name=name,
            tags=_strings(entry.get("tags"), f"{where} tags", errors),
            crisis_order=order,
            hours=tuple(rows),
            closed_on_holidays=entry.get("closed_on_holidays"),
            closed_new_year=bool(entry.get("closed_new_year", False)),
            listed=bool(entry.get("listed", True)),
        )
    for i, entry in enumerate(raw_windows.get("rules") or [], start=1):
        where = f"windows.yaml rule #{i}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        _unknown(entry, RULE_FIELDS, where, errors)
        rules.append(
            RuleData(
                tags=_strings(entry.get("tags"), f"{where} tags", errors),
                name_endswith=str(entry.get("name_endswith") or ""),
                name_contains=str(entry.get("name_contains") or ""),
            )
        )
    catalogue = Catalogue(tuple(categories), (), windows, tuple(rules))
    window_tags = {t for name in known_contacts for t in catalogue.window_tags(name)}

    worries: list[WorryData] = []
    if not isinstance(raw_worries, list):
        errors.append("worries.yaml: must be a list")
        raw_worries = []
    for i, entry in enumerate(raw_worries, start=1):
        where = f"worries.yaml #{i}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        _unknown(entry, WORRY_FIELDS, where, errors)
        key, text = str(entry.get("key") or ""), str(entry.get("text") or "")
        where = f"worries.yaml {key or '#' + str(i)}"
        if not key or not text:
            errors.append(f"{where}: key and text are required")
            continue
        if len(text) > 120:
            errors.append(f"{where}: text is longer than 120 characters")
        if entry.get("category") not in slugs:
            errors.append(f"{where}: unknown category {entry.get('category')!r}")
        if not isinstance(entry.get("crisis", False), bool):
            errors.append(f"{where}: crisis must be true or false")
        tags = _strings(entry.get("tags"), f"{where} tags", errors)
        if not tags:
            errors.append(f"{where}: needs at least one tag (the windows that answer it)")
        worries.append(
            WorryData(
                key=key,
                category=str(entry.get("category")),
                text=text,
                keywords=_strings(entry.get("keywords"), f"{where} keywords", errors),
                synonyms=_strings(entry.get("synonyms"), f"{where} synonyms", errors),
                crisis=bool(entry.get("crisis", False)),
                tags=tags,
                verified_only=bool(entry.get("verified_only", False)),
            )
        )
        if entry.get("verified_only") and not set(tags) & window_tags:
            errors.append(f"{where}: no verified window carries its tags {', '.join(tags)}")
    for attr in ("key", "text"):
        values = [getattr(w, attr) for w in worries]
        for dup in sorted({v for v in values if values.count(v) > 1}):
            errors.append(f"worries.yaml: {attr} {dup} appears twice")
    if errors:
        raise CatalogueError(errors)
    return Catalogue(tuple(categories), tuple(worries), windows, tuple(rules), tuple(warnings))


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class Conflict:
    key: str
    fields: list[str]
    overwritten: bool = False

    def __str__(self) -> str:
        state = "overwritten by the file" if self.overwritten else "kept as edited"
        return f"{self.key}: edited in the admin ({', '.join(self.fields)}) — {state}"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts"
        ]
        out += [f"conflict: {c}" for c in self.conflicts]
        out += [f"in the database but not in the files (kept): {k}" for k in self.not_in_file]
        out += [f"warning: {w}" for w in self.warnings]
        return out


def _digest(values: dict[str, Any]) -> str:
    blob = json.dumps(values, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()


def _category_values(name: str, description: str, order: int) -> dict[str, Any]:
    return {"name": name, "description": description, "order": order}


def _worry_values(
    *,
    category: str,
    text: str,
    keywords: str,
    synonyms: str,
    crisis: bool,
    order: int,
    windows: Iterable[str],
) -> dict[str, Any]:
    return {
        "category": category,
        "text": text,
        "keywords": keywords,
        "synonyms": synonyms,
        "is_crisis": crisis,
        "order": order,
        "windows": sorted(windows),
    }


def _differing(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return sorted(k for k in a if a[k] != b.get(k))


@in_source_language
def catalogue_load(
    *, catalogue: Catalogue | None = None, overwrite: Iterable[str] = (), dry_run: bool = False
) -> LoadReport:
    """Create or update categories, worries and their verified windows from the catalogue.

    Idempotent; never overwrites an admin edit unless its key (category slug or worry key, or
    ``all``) is in ``overwrite``. Windows are linked by tag (windows.yaml); only the verified
    windows (rows of contacts_verified.csv) are managed here, sample windows are the demo's.
    """
    from .models import Category, Service, Worry
    from .services import content_changed

    catalogue = catalogue or catalogue_read()
    forced = set(overwrite)
    report = LoadReport(warnings=list(catalogue.warnings))

    def wins(key: str) -> bool:
        return "all" in forced or key in forced

    with transaction.atomic():
        real = list(Service.objects.filter(is_sample=False).exclude(source_key=""))
        by_tag: dict[str, set[str]] = {}
        verified = {s.source_key for s in real if s.has_verified_phone}
        for service in real:
            for tag in catalogue.window_tags(service.source_key):
                by_tag.setdefault(tag, set()).add(service.source_key)
        services_by_key = {s.source_key: s for s in real}

        categories: dict[str, Any] = {}
        for order, data in enumerate(catalogue.categories):
            wanted = _category_values(data.name, data.description, order)
            obj: Any = Category.objects.filter(slug=data.slug).first()
            if obj is None:
                report.created.append(f"category {data.slug}")
                if not dry_run:
                    obj = Category.objects.create(
                        slug=data.slug, catalogue_digest=_digest(wanted), **wanted
                    )
                categories[data.slug] = obj
                continue
            current = _category_values(obj.name, obj.description, obj.order)
            categories[data.slug] = obj
            _apply(obj, data.slug, current, wanted, wins(data.slug), report, dry_run)

        linked: list[tuple[Any, set[str]]] = []
        for order, wdata in enumerate(catalogue.worries):
            windows = (
                set().union(*(by_tag.get(t, set()) for t in wdata.tags)) if wdata.tags else set()
            )
            if wdata.verified_only:
                windows &= verified
            wanted = _worry_values(
                category=wdata.category,
                text=wdata.text,
                keywords=",".join(wdata.keywords),
                synonyms=",".join(wdata.synonyms),
                crisis=wdata.crisis,
                order=order,
                windows=windows,
            )
            wobj: Any = (
                Worry.objects.filter(key=wdata.key).first()
                or Worry.objects.filter(key="", text=wdata.text).first()
            )
            if wobj is None:
                report.created.append(f"worry {wdata.key}")
                if not dry_run:
                    wobj = Worry.objects.create(
                        key=wdata.key,
                        category=categories[wdata.category],
                        text=wdata.text,
                        keywords=wanted["keywords"],
                        synonyms=wanted["synonyms"],
                        is_crisis=wdata.crisis,
                        order=order,
                        catalogue_digest=_digest(wanted),
                    )
                    linked.append((wobj, windows))
                continue
            current_windows = set(
                wobj.services.filter(is_sample=False)
                .exclude(source_key="")
                .values_list("source_key", flat=True)
            )
            current = _worry_values(
                category=wobj.category.slug,
                text=wobj.text,
                keywords=wobj.keywords,
                synonyms=wobj.synonyms,
                crisis=wobj.is_crisis,
                order=wobj.order,
                windows=current_windows,
            )
            if not wobj.key and not dry_run:
                wobj.key = wdata.key
                wobj.save(update_fields=["key"])
            if _apply(wobj, wdata.key, current, wanted, wins(wdata.key), report, dry_run):
                wobj.category = categories[wdata.category]
                wobj.save()
                linked.append((wobj, windows))
        if not dry_run:
            for wobj, windows in linked:
                keep = wobj.services.filter(is_sample=True)
                wobj.services.set([*keep, *(services_by_key[k] for k in windows)])
        keys = {w.key for w in catalogue.worries}
        report.not_in_file = sorted(
            k for k in Worry.objects.exclude(key="").values_list("key", flat=True) if k not in keys
        )
        if dry_run:
            transaction.set_rollback(True)
        elif report.created or report.updated or any(c.overwritten for c in report.conflicts):
            content_changed()
    return report


def _apply(
    obj: Any,
    key: str,
    current: dict[str, Any],
    wanted: dict[str, Any],
    force: bool,
    report: LoadReport,
    dry_run: bool,
) -> bool:
    """Decide for one existing row. Returns True when the caller should write ``wanted``."""
    edited = obj.catalogue_digest != _digest(current)
    if current == wanted:
        if obj.catalogue_digest != _digest(wanted) and not dry_run:
            type(obj).objects.filter(pk=obj.pk).update(catalogue_digest=_digest(wanted))
        report.unchanged += 1
        return False
    if edited and not force:
        report.conflicts.append(Conflict(key, _differing(wanted, current)))
        return False
    if edited:
        report.conflicts.append(Conflict(key, _differing(wanted, current), overwritten=True))
    else:
        report.updated.append(key)
    if dry_run:
        return False
    for name, value in wanted.items():
        if name not in {"windows", "category"}:
            setattr(obj, name, value)
    obj.catalogue_digest = _digest(wanted)
    if not hasattr(obj, "category_id"):
        obj.save()
    return True
