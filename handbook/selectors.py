"""Reads for the citizen pages and the API.

Everything a page needs is loaded once per content version into a plain snapshot (a few hundred
rows at most), kept in each process's memory and keyed by the content version that admin saves
bump. Rendered pages are cached in the shared cache under the same version (see views.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from . import crisis_model, foreign_search, hours, languages, romaji, search
from .crisis import assess as crisis_reading_of
from .crisis_languages import JAPANESE as CRISIS_JAPANESE
from .crisis_languages import crisis_kind_foreign
from .models import Category, Channel, Service, UsageDaily, Worry
from .public_text import public_text, split_public, without_label
from .ruby import RubyText, stored_or_new

VERSION_KEY = "handbook:content-version"
# The city's general line: shown instead of a number that is not verified.
GENERAL_LINE_NAME = "北九州市コールセンター"
GENERAL_LINE_PHONE = "093-582-4894"
AGE_GROUPS: tuple[tuple[int, str], ...] = (
    (10, "〜14歳"),
    (17, "15〜19歳"),
    (30, "20〜39歳"),
    (50, "40〜64歳"),
    (70, "65歳〜"),
)


_version_memo: list[Any] = [0.0, None]


def content_version_forget() -> None:
    """This process asks the shared cache again at the next request (called on every bump)."""
    _version_memo[:] = [0.0, None]


def content_version() -> str | None:
    """The current content version, or None when the cache cannot be reached.

    Each process remembers it for `HANDBOOK_VERSION_CHECK_SECONDS` (1 s): one cache round trip
    per second instead of one per request. A change made in this process is seen at once, one
    made in another process within that second.
    """
    now = time.monotonic()
    if _version_memo[1] is not None and _version_memo[0] > now:
        return str(_version_memo[1])
    version = _content_version_read()
    if version is not None and settings.HANDBOOK_VERSION_CHECK_SECONDS > 0:
        _version_memo[:] = [now + settings.HANDBOOK_VERSION_CHECK_SECONDS, version]
    return version


def _content_version_read() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, str(time.time_ns()), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - a dead cache must never take the handbook down
        return None
    return str(version) if version is not None else None


def local_now() -> dt.datetime:
    return timezone.localtime().replace(tzinfo=None)


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    name: str
    description: str
    worry_ids: tuple[int, ...]
    # "" (in the reader's language or Japanese for Japanese readers), "missing" (some text shown
    # in Japanese: no checked translation) or "unchecked" (a translation no person checked yet).
    tnote: str = ""


@dataclass(frozen=True)
class WorryInfo:
    id: int
    text: str
    category_id: int
    category: str
    is_crisis: bool
    service_ids: tuple[int, ...]
    tnote: str = ""


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    name: str
    organisation: str
    description: str
    what_to_expect: str
    phone: str
    phone_verified: bool
    chat: str
    email: str
    web_url: str
    in_person: str
    address: str
    ward_id: int | None
    ward: str
    schedule: hours.Schedule
    hours_text: str
    hours_note: str
    holiday_notes: str
    target: str
    age_min: int | None
    age_max: int | None
    gender: str
    residents_only: bool
    cost: str
    anonymous_ok: bool
    languages: str
    is_crisis_line: bool
    crisis_order: int
    last_checked: dt.date | None
    is_sample: bool
    worry_ids: tuple[int, ...]
    # The provider's page on the public member list, when it is a member organisation.
    organisation_url: str = ""
    tnote: str = ""

    @property
    def tel(self) -> str:
        """The number behind the one-tap button: only a verified one."""
        return self.phone if self.phone_verified else ""

    @property
    def use_general_line(self) -> bool:
        """No verified number and no other way in: residents get the city's general line."""
        return not self.tel and not self.is_sample and not self.chat and not self.web_url

    @property
    def tel_href(self) -> str:
        # Typed full-width (０９３－…) in the admin, dialled half-width.
        digits = unicodedata.normalize("NFKC", self.tel).replace("-", "").replace("#", "%23")
        return f"tel:{digits}" if digits else ""


@dataclass
class Snapshot:
    version: str | None
    categories: list[CategoryInfo]
    worries: dict[int, WorryInfo]
    services: dict[int, ServiceInfo]
    index: search.Index = field(default_factory=lambda: search.Index([], {}))
    wards: list[tuple[int, str, str]] = field(default_factory=list)
    channels: set[str] = field(default_factory=set)
    # The language of the texts, and every language's texts: {(kind, id): Texts}.
    language: str = languages.SOURCE
    texts: dict[tuple[str, int], Texts] = field(default_factory=dict)
    # The catalogue keywords and texts of the other languages (searched for non-Japanese readers).
    foreign_index: search.Index = field(default_factory=lambda: search.Index([], {}))
    _localised: dict[tuple[str, bool], Snapshot] = field(default_factory=dict, repr=False)

    def category(self, slug: str) -> CategoryInfo | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def localised(self, language: str) -> Snapshot:
        """The same snapshot with its texts in `language` (built once per language, kept)."""
        if language == self.language or language not in languages.LANGUAGES:
            return self
        show_unchecked = settings.HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS
        key = (language, show_unchecked)
        snap = self._localised.get(key)
        if snap is None:
            snap = _localise(self, language, show_unchecked=show_unchecked)
            self._localised[key] = snap
        return snap


@dataclass(frozen=True)
class Texts:
    """One object's translated fields: {language: {field: text}} (Japanese under "ja"), the date
    a person checked each language, the stored ruby and the secretariat's reading corrections."""

    values: dict[str, dict[str, str]]
    checked: dict[str, str]
    ruby: dict[str, Any]
    readings: str


def _texts(obj: Any, fields: tuple[str, ...]) -> Texts:
    values: dict[str, dict[str, str]] = {}
    for language in languages.LANGUAGES:
        suffix = languages.field_suffix(language)
        row = {}
        for f in fields:
            value = getattr(obj, f"{f}_{suffix}", None)
            if language == languages.SOURCE:
                value = value or obj.__dict__.get(f)
            if value:
                row[f] = str(value)
        values[language] = row
    meta = obj.translation_meta or {}
    checked = {
        lang: str(m.get("checked_on")) for lang, m in meta.items() if m and m.get("checked_on")
    }
    return Texts(values, checked, obj.ruby or {}, obj.ruby_readings or "")


def _localise(snap: Snapshot, language: str, *, show_unchecked: bool) -> Snapshot:
    """Each text in `language` when a person checked it (or, for demonstrations, when it is not
    checked yet and show_unchecked is on); otherwise the Japanese text, with a note. Numbers,
    hours and crisis flags are the Japanese snapshot's own."""

    def pick(kind: str, pk: int, shown: dict[str, str]) -> tuple[dict[str, Any], str]:
        texts = snap.texts.get((kind, pk))
        if texts is None:
            return {}, ""
        own = texts.values.get(language, {})
        checked = language in texts.checked
        out: dict[str, Any] = {}
        note = ""
        for f, ja in shown.items():
            if not ja:
                continue
            value = own.get(f, "")
            if value and kind == "service" and f in PUBLIC_TEXT_FIELDS:
                value = public_text(value)  # checking notes never reach a card
            if value and (checked or show_unchecked):
                out[f] = value
                if not checked:
                    note = note or "unchecked"
            else:
                note = "missing"
            if language == languages.EASY:
                base = out.get(f, ja)
                kind_shown = "easy" if f in out else "ja"
                markup = stored_or_new(texts.ruby, f, kind_shown, base, texts.readings)
                out[f] = RubyText(base, markup)
        return out, note

    categories = []
    for c in snap.categories:
        new, note = pick("category", c.id, {"name": c.name, "description": c.description})
        categories.append(dataclasses.replace(c, **new, tnote=note))
    cat_names = {c.id: c.name for c in categories}
    worries = {}
    for wid, w in snap.worries.items():
        new, note = pick("worry", wid, {"text": w.text})
        worries[wid] = dataclasses.replace(
            w, **new, category=cat_names.get(w.category_id, w.category), tnote=note
        )
    services = {}
    for sid, s in snap.services.items():
        shown = {
            "name": s.name,
            "description": s.description,
            "target": s.target,
            "what_to_expect": s.what_to_expect,
            "hours_note": s.hours_note,
            "cost": s.cost,
        }
        new, note = pick("service", sid, shown)
        services[sid] = dataclasses.replace(s, **new, tnote=note)
    return dataclasses.replace(
        snap,
        language=language,
        categories=categories,
        worries=worries,
        services=services,
        _localised={},
    )


def _foreign_index(worries_qs: Any) -> search.Index:
    rows = []
    for w in worries_qs:
        texts: list[str] = []
        keywords: list[str] = []
        for language in languages.LANGUAGES:
            if language == languages.SOURCE:
                continue
            suffix = languages.field_suffix(language)
            if t := getattr(w, f"text_{suffix}", None):
                texts.append(str(t))
            if k := getattr(w, f"keywords_{suffix}", None):
                keywords.append(str(k))
        if texts or keywords:
            # The translated texts count as synonyms of the worry, the keywords as keywords.
            rows.append((w.pk, "", "", ",".join(keywords), ",".join(texts), w.is_crisis, w.key))
    return search.build_index(rows)


_snapshots: dict[str, Snapshot] = {}
_lock = threading.Lock()


def snapshot_build(version: str | None = None) -> Snapshot:
    # The Japanese source whatever language the request that builds it asked for.
    with translation.override(languages.SOURCE):
        return _snapshot_build(version)


def _snapshot_build(version: str | None = None) -> Snapshot:
    from members.models import Ward

    from .translation import CATEGORY_FIELDS, SERVICE_FIELDS, WORRY_FIELDS

    worries_qs = (
        Worry.objects.filter(is_active=True, category__isnull=False)
        .select_related("category")
        .order_by("category__order", "order", "pk")
    )
    services_qs = (
        Service.objects.filter(is_active=True)
        .select_related("provider", "ward")
        .prefetch_related(
            # Only what the links need: not the worries' texts in every language and their ruby.
            "hours",
            Prefetch("worries", queryset=Worry.objects.only("pk", "is_active")),
        )
    )
    services: dict[int, ServiceInfo] = {}
    texts: dict[tuple[str, int], Texts] = {}
    by_worry: dict[int, list[int]] = {}
    for s in services_qs:
        rows = [(h.weekday, h.opens, h.closes) for h in s.hours.all()]
        schedule = hours.schedule_from_rows(
            is_24h=s.is_24h,
            closed_on_holidays=s.closed_on_holidays,
            closed_new_year=s.closed_new_year,
            rows=rows,
        )
        worry_ids = tuple(w.pk for w in s.worries.all() if w.is_active)
        for wid in worry_ids:
            by_worry.setdefault(wid, []).append(s.pk)
        texts[("service", s.pk)] = _texts(s, SERVICE_FIELDS)
        services[s.pk] = ServiceInfo(
            id=s.pk,
            name=s.name,
            organisation=s.provider.name if s.provider else "",
            description=public_text(s.description),
            what_to_expect=s.what_to_expect,
            phone=s.phone,
            phone_verified=s.has_verified_phone,
            chat=public_text(s.chat),
            email=s.email,
            web_url=s.web_url,
            in_person=public_text(without_label(s.in_person)),
            address=s.address,
            ward_id=s.ward_id,
            ward=s.ward.name if s.ward else "",
            schedule=schedule,
            hours_text="24時間" if s.is_24h else hours.format_spans(schedule.spans),
            hours_note=public_text(s.hours_note),
            holiday_notes=public_text(s.holiday_notes),
            target=public_text(s.target),
            age_min=s.age_min,
            age_max=s.age_max,
            gender=s.gender,
            residents_only=s.residents_only,
            cost=public_text(s.cost),
            anonymous_ok=s.anonymous_ok,
            languages=s.languages,
            is_crisis_line=s.is_crisis_line,
            crisis_order=s.crisis_order,
            last_checked=s.last_checked,
            is_sample=s.is_sample,
            worry_ids=worry_ids,
            organisation_url=(
                f"{reverse('members:organisation-list')}#org-{s.provider_id}"
                if s.provider and s.provider.status == "member"
                else ""
            ),
        )
    worries: dict[int, WorryInfo] = {}
    cat_worries: dict[int, list[int]] = {}
    index_rows = []
    for w in worries_qs:
        worries[w.pk] = WorryInfo(
            id=w.pk,
            text=w.text,
            category_id=w.category_id,
            category=w.category.name,
            is_crisis=w.is_crisis,
            service_ids=tuple(by_worry.get(w.pk, ())),
        )
        cat_worries.setdefault(w.category_id, []).append(w.pk)
        texts[("worry", w.pk)] = _texts(w, WORRY_FIELDS)
        index_rows.append(
            (w.pk, w.text, w.category.name, w.keywords, w.synonyms, w.is_crisis, w.key)
        )
    categories = []
    for c in Category.objects.order_by("order", "name"):
        if c.pk in cat_worries:
            categories.append(
                CategoryInfo(c.pk, c.slug, c.name, c.description, tuple(cat_worries[c.pk]))
            )
            texts[("category", c.pk)] = _texts(c, CATEGORY_FIELDS)
    return Snapshot(
        version=version,
        categories=categories,
        worries=worries,
        services=services,
        index=search.build_index(index_rows),
        wards=list(Ward.objects.order_by("order").values_list("pk", "name", "code")),
        channels=set(Channel.objects.values_list("code", flat=True)),
        texts=texts,
        foreign_index=_foreign_index(worries_qs),
    )


def snapshot_get() -> Snapshot:
    version = content_version()
    if version is None:
        return snapshot_build(None)
    snap = _snapshots.get(version)
    if snap is None:
        with _lock:
            snap = _snapshots.get(version)
            if snap is None:
                snap = snapshot_build(version)
                _snapshots.clear()
                _snapshots[version] = snap
    return snap


# --- Matching and ranking ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    query: str
    crisis: bool
    hits: list[search.Hit]
    # Nothing fitted: ``hits`` then holds 「どこに相談したらいいかわからない」 and ``nearest`` the
    # categories closest to the words (never an empty answer; the search still counts as empty).
    fallback: bool = False
    nearest: tuple[CategoryInfo, ...] = ()


FALLBACK_WORRY_KEY = "where-to-ask"


def _merge(a: list[search.Hit], b: list[search.Hit], limit: int) -> list[search.Hit]:
    best: dict[int, search.Hit] = {}
    for hit in (*a, *b):
        if hit.id not in best or hit.score > best[hit.id].score:
            best[hit.id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.id))[:limit]


def _in_language(snapshot: Snapshot, hits: list[search.Hit]) -> list[search.Hit]:
    """The hits with the worry's and category's texts in the snapshot's language."""
    out = []
    for h in hits:
        w = snapshot.worries.get(h.id)
        out.append(
            dataclasses.replace(h, text=w.text, category=w.category, tnote=w.tnote) if w else h
        )
    return out


def _has_japanese(text: str) -> bool:
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff66" <= ch <= "\uff9f"
        for ch in text
    )


def _another_script(text: str) -> bool:
    """Hangul, or a sentence of Latin words (not DV or LGBT alone, which the Japanese search
    knows): searched through the translations even when the Japanese search found something."""
    return bool(re.search(r"[\uac00-\ud7af]", text)) or len(re.findall(r"[A-Za-z]{2,}", text)) >= 2


def worries_search(*, snapshot: Snapshot, text: str, limit: int = 10) -> SearchResult:
    """The worries for a resident's words, with texts in the snapshot's language. Japanese typed
    in romaji (kyuuryoubi made okane nai) is searched as the hiragana it spells."""
    kana = romaji.as_kana(text)
    if kana and " " not in text.strip() and foreign_search.worry_keys(text, limit=1):
        kana = None  # one English word of the translations (home, rent) that also spells kana
    result = _worries_search(snapshot=snapshot, text=kana or text, limit=limit)
    if kana and result.fallback:
        # English words that also spell kana ("no home" → の ほめ) and find nothing as Japanese.
        result = _worries_search(snapshot=snapshot, text=text, limit=limit)
    if kana:
        result = dataclasses.replace(result, query=text)
    return dataclasses.replace(result, hits=_in_language(snapshot, result.hits))


def _worries_search(*, snapshot: Snapshot, text: str, limit: int = 10) -> SearchResult:
    hits = search.search(snapshot.index, text, limit=limit)
    if snapshot.language != languages.SOURCE or not _has_japanese(text):
        # The keywords and texts of the other languages ("rent", "房租", "tiền nhà"); a Japanese
        # reader typing Japanese is answered from the Japanese catalogue alone.
        hits = _merge(hits, search.search(snapshot.foreign_index, text, limit=limit), limit)
    assessment = crisis_reading_of(text)
    crisis = assessment.flag
    if not crisis and (kind := crisis_kind_foreign(text)) is not None:
        # A crisis written in another language: the same crisis worries (and so the same lines,
        # in the same order) as its Japanese wording finds.
        crisis = True
        hits = search.search(snapshot.index, CRISIS_JAPANESE[kind], limit=limit) or hits
    if not crisis and foreign_search.is_foreign(text) and (not hits or _another_script(text)):
        # A worry typed in English, Chinese, Korean or Vietnamese: found through the catalogue's
        # translations (handbook/foreign_search.py); a word or Han characters are tried in Japanese
        # first.
        by_key = {w.key: w for w in snapshot.index.worries}
        found = [by_key[k] for k in foreign_search.worry_keys(text, limit=limit) if k in by_key]
        if found:
            hits = [search.Hit(w.id, w.text, w.category, w.is_crisis, 1.0) for w in found]
    if not crisis and not assessment.ruled_out and _has_japanese(text):
        # The rules found nothing and ruled nothing out: the model's second opinion
        # (handbook/crisis_model.py) may still put the crisis lines first.
        crisis = crisis_model.flags(text)
    if hits or not text.strip():
        return SearchResult(query=text, crisis=crisis, hits=hits)
    category_ids: list[int] = []
    for hit in search.nearest(snapshot.index, text, limit=8):
        w = snapshot.worries.get(hit.id)
        if w is not None and w.category_id not in category_ids:
            category_ids.append(w.category_id)
    nearest = tuple(c for cid in category_ids[:3] for c in snapshot.categories if c.id == cid)
    fallback = [
        search.Hit(w.id, w.text, w.category, w.is_crisis, 0.0)
        for w in snapshot.index.worries
        if w.key == FALLBACK_WORRY_KEY
    ]
    return SearchResult(query=text, crisis=crisis, hits=fallback, fallback=True, nearest=nearest)


def lines_24h(*, snapshot: Snapshot, limit: int = 1) -> list[ServiceInfo]:
    """The crisis lines open around the clock (verified number), in crisis order."""
    lines = [
        s
        for s in snapshot.services.values()
        if s.is_crisis_line and s.schedule.is_24h and s.phone_verified and s.crisis_order < 100
    ]
    return sorted(lines, key=lambda s: (s.crisis_order, s.name))[:limit]


@dataclass(frozen=True)
class RankedService:
    service: ServiceInfo
    matched: int
    open_now: bool | None
    age_fit: int
    ward_fit: int


@dataclass(frozen=True)
class Ranking:
    crisis: bool
    crisis_lines: list[RankedService]
    services: list[RankedService]
    worries: list[WorryInfo]


def _age_fit(s: ServiceInfo, age: int | None) -> int:
    if age is None or (s.age_min is None and s.age_max is None):
        return 0
    if (s.age_min is not None and age < s.age_min) or (s.age_max is not None and age > s.age_max):
        return -1
    return 1


def _ward_fit(s: ServiceInfo, ward_id: int | None) -> int:
    if s.ward_id is None:
        return 0
    if ward_id is None:
        return 0
    return 1 if s.ward_id == ward_id else -1


def services_rank(
    *,
    snapshot: Snapshot,
    worry_ids: list[int],
    age: int | None = None,
    ward_id: int | None = None,
    crisis_query: bool = False,
    now: dt.datetime | None = None,
) -> Ranking:
    """Services for the ticked worries: more worries matched first, then age and ward fit.

    A crisis worry (or a crisis query) puts the crisis lines above everything else.
    """
    now = now or local_now()
    worries = [snapshot.worries[w] for w in dict.fromkeys(worry_ids) if w in snapshot.worries]
    crisis = crisis_query or any(w.is_crisis for w in worries)
    matched: dict[int, int] = {}
    for w in worries:
        for sid in w.service_ids:
            matched[sid] = matched.get(sid, 0) + 1

    def ranked(s: ServiceInfo) -> RankedService:
        return RankedService(
            service=s,
            matched=matched.get(s.id, 0),
            open_now=hours.is_open(s.schedule, now),
            age_fit=_age_fit(s, age),
            ward_fit=_ward_fit(s, ward_id),
        )

    crisis_lines: list[RankedService] = []
    if crisis:
        lines = [s for s in snapshot.services.values() if s.is_crisis_line]
        linked = [s for s in lines if s.id in matched]
        chosen = linked or [s for s in lines if s.crisis_order < 100]
        crisis_lines = sorted(
            (ranked(s) for s in chosen),
            key=lambda r: (r.open_now is not True, r.service.crisis_order, r.service.name),
        )
    shown = {r.service.id for r in crisis_lines}
    services = sorted(
        (ranked(snapshot.services[sid]) for sid in matched if sid not in shown),
        key=lambda r: (
            -r.matched,
            -r.age_fit,
            -r.ward_fit,
            r.service.ward_id is not None and ward_id is None,
            r.open_now is not True,
            r.service.is_sample,
            r.service.name,
        ),
    )
    return Ranking(crisis=crisis, crisis_lines=crisis_lines, services=services, worries=worries)


# --- Staff pages ------------------------------------------------------------------------------


def usage_daily(*, since: dt.date) -> QuerySet[UsageDaily]:
    return UsageDaily.objects.filter(date__gte=since).order_by("date", "kind", "-count", "key")


def services_without_phone() -> QuerySet[Service]:
    return (
        Service.objects.filter(is_active=True)
        .filter(Q(phone="") | ~Q(phone_status=Service.PhoneStatus.VERIFIED))
        .select_related("provider", "ward")
        .order_by("name")
    )


def services_without_hours() -> QuerySet[Service]:
    return (
        Service.objects.filter(is_active=True, is_24h=False)
        .annotate(n_hours=Count("hours"))
        .filter(n_hours=0)
        .select_related("provider", "ward")
        .order_by("name")
    )


def worries_without_service() -> QuerySet[Worry]:
    return (
        Worry.objects.filter(is_active=True)
        .annotate(n_services=Count("services", filter=Q(services__is_active=True)))
        .filter(n_services=0)
        .select_related("category")
        .order_by("category__order", "order")
    )


PUBLIC_TEXT_FIELDS = ("description", "chat", "in_person", "hours_note", "holiday_notes", "target",
                      "cost")  # fmt: skip


def services_with_internal_notes() -> list[tuple[Service, list[str]]]:
    """Windows whose texts hold checking notes kept off the public card (secretariat's list)."""
    out: list[tuple[Service, list[str]]] = []
    for s in Service.objects.filter(is_active=True).order_by("name"):
        notes = [n for f in PUBLIC_TEXT_FIELDS for n in split_public(getattr(s, f))[1]]
        if notes:
            out.append((s, notes))
    return out


def multilingual_hidden() -> QuerySet[Service]:
    """Lines for foreign residents not shown to residents (UNVERIFIED): to check by phone."""
    return Service.objects.filter(source_key__startswith="multilingual:", is_active=False).order_by(
        "name"
    )
