"""Writes for the handbook: content saves (which bump the cache version), reports, usage
counts, CSV import of services and the loader of the verified contacts."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import logging
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitakyushu_pf.uploads import decode_text_upload

from . import hours
from .languages import in_source_language
from .models import Channel, OpeningHours, Service, UsageDaily, Worry, WrongEntryReport
from .selectors import VERSION_KEY, content_version_forget

# --- Content version (cache invalidation) -----------------------------------------------------


def content_version_bump() -> None:
    """Every cached handbook page and snapshot is keyed by this version: a new one retires them."""
    # A dead cache holds no stale page either.
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
    content_version_forget()


def content_object_save(*, obj: models.Model) -> models.Model:
    obj.full_clean()
    obj.save()
    transaction.on_commit(content_version_bump)
    content_version_bump()
    return obj


def content_object_delete(*, obj: models.Model) -> None:
    obj.delete()
    transaction.on_commit(content_version_bump)
    content_version_bump()


def content_changed() -> None:
    """Call after a multi-row change (admin inlines, bulk delete, import)."""
    transaction.on_commit(content_version_bump)
    content_version_bump()


# --- Wrong-entry reports ----------------------------------------------------------------------


def report_submit(*, service: Service, reason: str, message: str = "") -> WrongEntryReport:
    """Store an anonymous report: the date only, no time, IP address or user agent."""
    report = WrongEntryReport(
        service=service,
        reason=reason,
        message=usage_scrub(message, limit=1000),
        received_on=timezone.localdate(),
    )
    report.full_clean()
    report.save()
    return report


# --- Usage counts -----------------------------------------------------------------------------
# Counted in each process's memory and written as daily sums: a request never waits on a write
# (except the one that flushes), and no row ever describes one visit.

_usage: Counter[tuple[dt.date, str, str]] = Counter()
_usage_lock = threading.Lock()
_availability = logging.getLogger("kitakyushu_pf.availability")
_last_flush = [time.monotonic()]
_DIGITS_RE = re.compile(r"\d{3,}")
_MAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
# Honorifics after a name (山田さん): dropped with the name.
_NAME_SUFFIXES = {"さん", "様", "さま", "君", "くん", "ちゃん", "氏", "殿"}


def usage_scrub(text: str, *, limit: int = 60) -> str:
    """Free text kept for the secretariat (report messages): long digit runs are masked."""
    return _DIGITS_RE.sub("#", text.strip())[:limit]


def search_text_scrub(text: str, *, limit: int = 60) -> str:
    """The words of a failed search that may be kept: no name, e-mail address or number.

    Person names are found by the portal's analyser (固有名詞・人名, with their honorific);
    every token holding a digit goes (phone numbers in any spelling, dates, ages), and so do
    e-mail addresses, URLs and punctuation.
    """
    from kitakyushu_pf import japanese

    text = unicodedata.normalize("NFKC", text or "")
    text = _URL_RE.sub(" ", _MAIL_RE.sub(" ", text))
    # A Latin-letter word with a digit in it (a code, a number with letters) goes whole.
    text = " ".join(w for w in text.split() if not (w.isascii() and _DIGIT_RE.search(w)))
    kept: list[str] = []
    last_end = -1
    drop_suffix = False
    for token in japanese.tokens(text):
        is_name = token.pos[:3] == ("名詞", "固有名詞", "人名")
        drop = (
            is_name
            or bool(_DIGIT_RE.search(token.surface))
            or token.pos[0] in {"補助記号", "空白"}
            or (drop_suffix and token.surface in _NAME_SUFFIXES)
        )
        drop_suffix = is_name
        if drop:
            last_end = -1
            continue
        if kept and token.begin != last_end:
            kept.append(" ")
        kept.append(token.surface)
        last_end = token.end
    return " ".join("".join(kept).split())[:limit]


def search_empty_record(text: str) -> None:
    """Count a search that found nothing; keep its (scrubbed) words only once seen often.

    Every failed search adds to the day's count without text (key ""). The words themselves are
    written only when the same scrubbed text has come `HANDBOOK_EMPTY_SEARCH_MIN_REPEATS` times
    that day, and at most `HANDBOOK_EMPTY_SEARCH_DAILY_CAP` distinct texts a day. Until then the
    text exists only as a keyed hash counter in the cache, which expires after the day; with no
    reachable cache no text is kept at all.
    """
    usage_record(kind=UsageDaily.Kind.SEARCH_EMPTY)
    words = search_text_scrub(text)
    if not words:
        return
    day = timezone.localdate().isoformat()
    digest = hashlib.blake2b(
        f"{day}|{words}".encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()
    seen_key = f"handbook:empty:{digest}"
    kept_key = f"handbook:empty-kept:{digest}"
    minimum = settings.HANDBOOK_EMPTY_SEARCH_MIN_REPEATS
    try:
        cache.add(seen_key, 0, timeout=2 * 24 * 3600)
        seen = cache.incr(seen_key)
        if seen is None or seen < minimum:
            return
        if seen == minimum:
            cache.add(f"handbook:empty-distinct:{day}", 0, timeout=2 * 24 * 3600)
            slot = cache.incr(f"handbook:empty-distinct:{day}")
            if slot is None or slot > settings.HANDBOOK_EMPTY_SEARCH_DAILY_CAP:
                return
            cache.set(kept_key, 1, timeout=2 * 24 * 3600)
            usage_record(kind=UsageDaily.Kind.SEARCH_EMPTY, key=words, n=minimum)
        elif cache.get(kept_key):
            usage_record(kind=UsageDaily.Kind.SEARCH_EMPTY, key=words)
    except Exception:  # noqa: BLE001 - no cache, no text
        return


FUNNEL_STEPS = ("visit", "results", "tel", "web")
USAGE_KEY_MAX = 100  # UsageDaily.key's length


def funnel_key(*, channel: str, step: str) -> str:
    """The usage key of one step of the per-channel funnel."""
    if step not in FUNNEL_STEPS:
        raise ValueError(step)
    return f"{channel or 'direct'}:{step}"[:USAGE_KEY_MAX]


def funnel_record(*, channel: str, step: str) -> None:
    """One step of the per-channel funnel (visit → results viewed → call/web tap), per day."""
    usage_record(kind=UsageDaily.Kind.FUNNEL, key=funnel_key(channel=channel, step=step))


_today_memo: list[Any] = [0.0, None]


def usage_day() -> dt.date:
    """Today in Asia/Tokyo, looked up at most once a second (a count is not worth a tz lookup)."""
    now = time.monotonic()
    if _today_memo[1] is None or _today_memo[0] <= now:
        _today_memo[:] = [now + 1.0, timezone.localdate()]
    return cast(dt.date, _today_memo[1])


UsageKey = tuple[dt.date, str, str]  # (day, kind, key)


def usage_add(keys: tuple[UsageKey, ...]) -> None:
    """Add one to each (day, kind, key) in this process's tally; every
    `HANDBOOK_USAGE_FLUSH_SECONDS` the request that finds the tally due writes it out."""
    with _usage_lock:
        _usage.update(keys)
        due = time.monotonic() - _last_flush[0] >= settings.HANDBOOK_USAGE_FLUSH_SECONDS
    if due:
        try:
            usage_flush()
        except DatabaseError:
            # The counts went back into the tally; the next due request writes them. A
            # resident's page never fails because a count could not be written.
            _availability.warning("handbook usage counts not written: database unavailable")


def usage_record(*, kind: str, key: str = "", n: int = 1) -> None:
    usage_add(((usage_day(), kind, key[:USAGE_KEY_MAX]),) * n)


def usage_flush() -> int:
    """Add the counts held in this process to the daily rows. Returns the number of keys."""
    with _usage_lock:
        pending = dict(_usage)
        _usage.clear()
        _last_flush[0] = time.monotonic()
    if not pending:
        return 0
    try:
        with transaction.atomic():
            for (day, kind, key), n in sorted(pending.items()):
                updated = UsageDaily.objects.filter(date=day, kind=kind, key=key).update(
                    count=F("count") + n
                )
                if not updated:
                    row, created = UsageDaily.objects.get_or_create(
                        date=day, kind=kind, key=key, defaults={"count": n}
                    )
                    if not created:
                        UsageDaily.objects.filter(pk=row.pk).update(count=F("count") + n)
    except Exception:
        with _usage_lock:
            _usage.update(pending)
        raise
    return len(pending)


# --- CSV import / export of services ----------------------------------------------------------

CSV_HEADER = [
    "id",
    "name",
    "provider",
    "description",
    "what_to_expect",
    "phone",
    "phone_status",
    "chat",
    "email",
    "web_url",
    "in_person",
    "address",
    "ward",
    "hours",
    "is_24h",
    "closed_on_holidays",
    "closed_new_year",
    "hours_note",
    "holiday_notes",
    "target",
    "age_min",
    "age_max",
    "gender",
    "residents_only",
    "cost",
    "anonymous_ok",
    "languages",
    "is_crisis_line",
    "crisis_order",
    "worries",
    "source_url",
    "last_checked",
    "is_sample",
    "is_active",
]
_BOOL_FIELDS = {
    "is_24h",
    "closed_on_holidays",
    "closed_new_year",
    "residents_only",
    "anonymous_ok",
    "is_crisis_line",
    "is_sample",
    "is_active",
}
_TRUE = {"1", "true", "yes", "y", "はい", "○", "◯"}
_FALSE = {"0", "false", "no", "n", "いいえ", "×", ""}


def service_csv_rows(services: Any) -> list[list[Any]]:
    rows = []
    for s in services:
        hour_rows = [(h.weekday, h.opens, h.closes) for h in s.hours.all()]
        values: dict[str, Any] = {
            f: getattr(s, f)
            for f in CSV_HEADER
            if f not in {"provider", "ward", "hours", "worries", "id", "last_checked"}
        }
        values.update(
            id=s.pk,
            provider=s.provider.name if s.provider else "",
            ward=s.ward.name if s.ward else "",
            hours=hours.hours_to_text(hour_rows),
            worries="|".join(str(w.pk) for w in s.worries.all()),
            last_checked=s.last_checked.isoformat() if s.last_checked else "",
        )
        for f in _BOOL_FIELDS:
            values[f] = "1" if values[f] else "0"
        rows.append(["" if values[f] is None else values[f] for f in CSV_HEADER])
    return rows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@in_source_language
def services_import_csv(*, data: bytes) -> ImportResult:
    """Create or update services from CSV rows (`id` empty = new). All rows or none."""
    from members.models import Organisation, Ward

    result = ImportResult()
    try:
        text, _encoding = decode_text_upload(data)
    except ValidationError as exc:
        result.errors.append(exc.messages[0])
        return result
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("name", "phone", "phone_status") if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        return result
    wards = {w.name: w for w in Ward.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    worry_ids = set(Worry.objects.values_list("pk", flat=True))
    planned: list[tuple[Service, list[tuple[int, dt.time, dt.time]], list[int] | None]] = []

    for line, row in enumerate(reader, start=2):
        errors: list[str] = []

        def err(message: str, line: int = line, errors: list[str] = errors) -> None:
            errors.append(_("Row %(row)d: %(error)s") % {"row": line, "error": message})

        row = {k: (v or "").strip() for k, v in row.items() if k}
        service: Service | None = None
        if row.get("id"):
            try:
                service = Service.objects.get(pk=int(row["id"]))
            except (ValueError, Service.DoesNotExist):
                err(_("no service with id %(id)s") % {"id": row["id"]})
        if service is None:
            service = Service()
        for name in CSV_HEADER:
            if name in {"id", "provider", "ward", "hours", "worries"} or name not in row:
                continue
            value: Any = row[name]
            model_field = cast(models.Field, Service._meta.get_field(name))
            if value == "" and not model_field.blank and model_field.has_default():
                value = model_field.get_default()  # an empty cell keeps the default
            elif name in _BOOL_FIELDS:
                if value.lower() in _TRUE:
                    value = True
                elif value.lower() in _FALSE:
                    value = False
                else:
                    err(
                        _("%(column)s must be 1 or 0, not “%(value)s”")
                        % {"column": name, "value": value}
                    )
                    continue
            elif name in {"age_min", "age_max"}:
                if value == "":
                    value = None
                elif not value.isdigit():
                    err(_("%(column)s must be a whole number") % {"column": name})
                    continue
                else:
                    value = int(value)
            elif name == "crisis_order":
                value = int(value) if value.isdigit() else 100
            elif name == "last_checked":
                if value == "":
                    value = None
                else:
                    try:
                        value = dt.date.fromisoformat(value)
                    except ValueError:
                        err(_("last_checked must be a date like 2026-11-27"))
                        continue
            setattr(service, name, value)
        if row.get("ward"):
            if row["ward"] not in wards:
                err(_("unknown ward “%(ward)s”") % {"ward": row["ward"]})
            else:
                service.ward = wards[row["ward"]]
        elif "ward" in row:
            service.ward = None
        if row.get("provider"):
            service.provider = orgs.get(row["provider"])
            if service.provider is None:
                err(_("unknown organisation “%(name)s”") % {"name": row["provider"]})
        elif "provider" in row:
            service.provider = None
        try:
            hour_rows = hours.parse_hours(row.get("hours", ""))
        except ValueError as exc:
            err(
                _("cannot read the opening hours “%(part)s” (write e.g. 月-金 09:00-17:00)")
                % {"part": exc}
            )
            hour_rows = []
        links: list[int] | None = None
        if "worries" in row:
            try:
                links = [int(x) for x in row["worries"].split("|") if x.strip()]
            except ValueError:
                err(_("worries must be worry ids separated by |"))
                links = []
            unknown = [w for w in links if w not in worry_ids]
            if unknown:
                err(_("unknown worry ids: %(ids)s") % {"ids": ", ".join(map(str, unknown))})
        if service.phone_status == Service.PhoneStatus.VERIFIED and not service.source_url:
            err(_("a VERIFIED phone number needs its source URL"))
        try:
            service.full_clean(exclude=["provider", "ward"])
        except ValidationError as exc:
            for fname, messages in exc.message_dict.items():
                label = fname if fname != "__all__" else ""
                for message in messages:
                    err(f"{label} {message}".strip())
        result.errors.extend(errors)
        planned.append((service, hour_rows, links))

    if result.errors:
        return result
    with transaction.atomic():
        for service, hour_rows, links in planned:
            created = service.pk is None
            service.save()
            service.hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(service=service, weekday=w, opens=o, closes=c) for w, o, c in hour_rows
            )
            if links is not None:
                service.worries.set(links)
            if created:
                result.created += 1
            else:
                result.updated += 1
        content_changed()
    return result


# --- Verified contacts (handbook/data/contacts_verified.csv) ---------------------------------

CONTACTS_CSV = Path(__file__).resolve().parent / "data" / "contacts_verified.csv"
# Structured hours, crisis order and which rows are listed live in handbook/data/windows.yaml.
_WARD_PREFIXES = ("門司", "小倉北", "小倉南", "若松", "八幡東", "八幡西", "戸畑")


@dataclass
class LoadSummary:
    created: int
    updated: int


def _is_chat(alt: str) -> bool:
    return any(
        k in alt for k in ("チャット相談", "Webチャット", "LINE（", "LINEじんけん", "SNS相談")
    )


def _contact_ward(name: str) -> str | None:
    for prefix in _WARD_PREFIXES:
        if name.startswith(prefix):
            return f"{prefix}区"
    return None


@in_source_language
def contacts_load(*, path: Path = CONTACTS_CSV) -> LoadSummary:
    """Load or refresh the real windows from the verified contacts CSV (idempotent)."""
    from members.models import Ward

    from .catalogue import WindowData, catalogue_read

    windows = catalogue_read(contacts_csv=path).windows
    wards = {w.name: w for w in Ward.objects.all()}
    created = updated = 0
    with path.open(encoding="utf-8") as fh, transaction.atomic():
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            kind = row["kind"].strip()
            alt = row["alt_contact"].strip()
            window = windows.get(name) or WindowData(name=name)
            hours_text = row["hours"].strip()
            is_24h = not window.hours and ("24時間" in hours_text and "〜" not in hours_text)
            is_crisis = kind == "national_crisis" or window.crisis_order is not None
            ward_name = _contact_ward(name)
            defaults: dict[str, Any] = {
                "name": name,
                "phone": row["phone"].strip(),
                "phone_status": row["status"].strip(),
                "chat": alt if _is_chat(alt) else "",
                "description": alt
                if alt and not _is_chat(alt) and not alt.startswith(("来所", "所在地"))
                else "",
                "in_person": alt if alt.startswith(("来所", "所在地")) else "",
                "address": alt.removeprefix("来所: ").split("（")[0]
                if alt.startswith("来所")
                else "",
                "ward": wards.get(ward_name) if ward_name else None,
                "hours_note": hours_text[:300],
                "is_24h": is_24h,
                "closed_on_holidays": True
                if window.closed_on_holidays is None
                else window.closed_on_holidays,
                "closed_new_year": window.closed_new_year,
                "target": row["target"].strip()[:300],
                "cost": row["cost"].strip()[:200],
                "anonymous_ok": "匿名可" in row["target"] or "名前を言わなくて" in row["target"],
                "is_crisis_line": is_crisis,
                "crisis_order": window.crisis_order
                if window.crisis_order is not None
                else (50 if is_crisis else 100),
                "source_url": row["source_url"].strip(),
                "last_checked": dt.date.fromisoformat(row["checked_on"].strip()),
                "is_sample": False,
                "is_active": window.listed,
            }
            if "11言語" in alt:
                defaults["languages"] = "日本語・多言語（11言語）"
            elif "外国人" in row["target"]:
                defaults["languages"] = "多言語（通訳）"
            service, was_created = Service.objects.update_or_create(
                source_key=name, defaults=defaults
            )
            if was_created:
                created += 1
            else:
                updated += 1
            service.hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(service=service, weekday=w, opens=o, closes=c)
                for w, o, c in window.hours
            )
        content_changed()
    return LoadSummary(created=created, updated=updated)


# --- QR codes ---------------------------------------------------------------------------------


def channel_qr(*, channel: Channel, base_url: str, kind: str) -> bytes:
    """The QR code of the handbook's address with `?src=<code>`, as SVG or PNG bytes."""
    import segno

    qr = segno.make(f"{base_url.rstrip('/')}/handbook/?src={channel.code}", error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=8, border=4, title=channel.name)
    else:
        qr.save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


# --- Lines for foreign residents (handbook/data/contacts_multilingual.csv) --------------------

MULTILINGUAL_CSV = Path(__file__).resolve().parent / "data" / "contacts_multilingual.csv"
MULTILINGUAL_PREFIX = "multilingual:"
_LANGUAGES_LABEL = re.compile(r"対応言語[:：]\s*")


def _language_clause(target: str) -> tuple[int, int, int] | None:
    """(label start, list start, end) of 「対応言語: …」 in a target: the clause ends at the first
    「。」 outside brackets (the notes after a list hold sentences of their own)."""
    label = _LANGUAGES_LABEL.search(target)
    if label is None:
        return None
    depth = 0
    for i in range(label.end(), len(target)):
        char = target[i]
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(depth - 1, 0)
        elif char == "。" and depth == 0:
            return label.start(), label.end(), i
    return label.start(), label.end(), len(target)


def languages_from_target(target: str) -> str:
    """「…。対応言語: 英語・中国語・韓国語（…）」 → 「英語・中国語・韓国語」 (public part only)."""
    from .public_text import public_text

    clause = _language_clause(target or "")
    if clause is None:
        return ""
    return public_text(target[clause[1] : clause[2]]).strip()[:100]


def target_without_languages(target: str) -> str:
    """Who the window is for, without its 「対応言語: …」 clause (shown on a line of its own)."""
    clause = _language_clause(target or "")
    if clause is not None:
        start, _list, end = clause
        target = target[:start] + target[end + 1 :]
    return target.strip().rstrip("。")


@in_source_language
def multilingual_load(*, path: Path = MULTILINGUAL_CSV) -> LoadSummary:
    """Load the lines for foreign residents (idempotent).

    Only a VERIFIED row is listed for residents (behind a tel: button when it has a number);
    UNVERIFIED rows are kept hidden and appear on the secretariat's content check. Every listed
    line is linked to the worries of the 「外国人」 category (slug `foreign`).
    """
    foreign = list(Worry.objects.filter(category__slug="foreign", is_active=True))
    created = updated = 0
    with path.open(encoding="utf-8") as fh, transaction.atomic():
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            status = row["status"].strip()
            alt = row["alt_contact"].strip()
            target = row["target"].strip()
            defaults: dict[str, Any] = {
                "name": name[:200],
                "phone": row["phone"].strip(),
                "phone_status": status,
                "chat": alt if _is_chat(alt) else "",
                "description": alt
                if alt and not _is_chat(alt) and not alt.startswith("来所")
                else "",
                "in_person": alt if alt.startswith("来所") else "",
                "hours_note": row["hours"].strip()[:300],
                "is_24h": "24時間" in row["hours"] and "〜" not in row["hours"],
                # The languages go to their own field (shown as 「対応言語」 on the card).
                "target": target_without_languages(target)[:300],
                "cost": row["cost"].strip()[:200],
                "languages": languages_from_target(target) or "多言語",
                "source_url": row["source_url"].strip(),
                "last_checked": dt.date.fromisoformat(row["checked_on"].strip()),
                "is_sample": False,
                "is_crisis_line": False,
                "is_active": status == Service.PhoneStatus.VERIFIED,
            }
            service, was_created = Service.objects.update_or_create(
                source_key=f"{MULTILINGUAL_PREFIX}{name}"[:200], defaults=defaults
            )
            created += was_created
            updated += not was_created
            if service.is_active:
                service.worries.add(*foreign)
            else:
                service.worries.clear()
        content_changed()
    return LoadSummary(created=created, updated=updated)
