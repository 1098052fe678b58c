"""A read-only Open Referral HSDS 3.0 feed of the handbook's windows.

`/handbook/api/hsds/services`, `/organizations` and `/taxonomy` use HSDS 3.0 field names and its
API paging (`total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`,
`empty`, `contents`); `modified_after=` (ISO 8601) narrows services to those changed since.
Ids are stable UUIDs (uuid5 of the row). Only what residents see is published: no checking
notes (handbook/public_text.py), and a phone number only when it is VERIFIED — the same rule
as the `tel:` button. The OpenAPI description is handbook/openapi.json.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from .models import Category, OpeningHours, Service, Worry
from .public_text import public_text, without_label

NAMESPACE = uuid.UUID("3f1f6a3e-6c1b-5d7e-9a57-6b8a1f0d2c11")
TAXONOMY_NAME = "tsunagaru-handbook"
PUBLISHER_NAME = "北九州市孤独・孤立対策等連携協議会（つながるPF お悩みハンドブック）"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_SIZE = 100
LANGUAGE_CODES = {
    "日本語": "ja",
    "やさしい日本語": "ja",
    "英語": "en",
    "中国語": "zh",
    "韓国語": "ko",
    "ベトナム語": "vi",
    "ネパール語": "ne",
    "タガログ語": "tl",
    "ポルトガル語": "pt",
    "スペイン語": "es",
}


def hsds_id(kind: str, pk: int | str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def page(items: Sequence[Any], *, page_number: int, size: int) -> dict[str, Any]:
    total = len(items)
    total_pages = max(1, math.ceil(total / size))
    start = (page_number - 1) * size
    contents = list(items[start : start + size])
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": size,
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _languages(service: Service) -> list[dict[str, Any]]:
    text = service.languages or "日本語"
    out = []
    for name, code in LANGUAGE_CODES.items():
        if name in text and not (name == "日本語" and "やさしい日本語" in text and code == "ja"):
            out.append(
                {
                    "id": hsds_id("language", f"{service.pk}:{code}"),
                    "service_id": hsds_id("service", service.pk),
                    "name": name,
                    "code": code,
                    "note": None,
                }
            )
    if "多言語" in text or "通訳" in text:
        out.append(
            {
                "id": hsds_id("language", f"{service.pk}:mul"),
                "service_id": hsds_id("service", service.pk),
                "name": "多言語",
                "code": "mul",
                "note": text,
            }
        )
    return out


def _schedules(service: Service, rows: list[OpeningHours]) -> list[dict[str, Any]]:
    sid = hsds_id("service", service.pk)
    if service.is_24h:
        return [
            {
                "id": hsds_id("schedule", f"{service.pk}:24h"),
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": ",".join(BYDAY),
                "opens_at": "00:00",
                "closes_at": "00:00",
                "description": "24時間",
            }
        ]
    groups: dict[tuple[dt.time, dt.time], list[int]] = {}
    for r in rows:
        if r.weekday < len(BYDAY):
            groups.setdefault((r.opens, r.closes), []).append(r.weekday)
    notes = []
    if any(r.weekday == 7 for r in rows):
        notes.append("祝日も受付")
    elif service.closed_on_holidays and rows:
        notes.append("祝日は休み")
    if service.closed_new_year:
        notes.append("年末年始（12月29日〜1月3日）は休み")
    out = []
    for (opens, closes), days in groups.items():
        out.append(
            {
                "id": hsds_id("schedule", f"{service.pk}:{opens}:{closes}"),
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": ",".join(BYDAY[d] for d in sorted(set(days))),
                "opens_at": opens.strftime("%H:%M"),
                "closes_at": closes.strftime("%H:%M"),
                "description": "、".join([*(["翌日まで"] if closes <= opens else []), *notes])
                or None,
            }
        )
    if not out and public_text(service.hours_note):
        out.append(
            {
                "id": hsds_id("schedule", f"{service.pk}:note"),
                "service_id": sid,
                "freq": None,
                "byday": None,
                "opens_at": None,
                "closes_at": None,
                "description": public_text(service.hours_note),
            }
        )
    return out


def _term(kind: str, pk: int, code: str, name: str, parent: str | None) -> dict[str, Any]:
    return {
        "id": hsds_id(kind, pk),
        "code": code,
        "name": name,
        "description": None,
        "parent_id": parent,
        "taxonomy": TAXONOMY_NAME,
        "language": "ja",
    }


def taxonomy_terms() -> list[dict[str, Any]]:
    terms = []
    for c in Category.objects.order_by("order", "name"):
        terms.append(_term("category", c.pk, c.slug, c.name, None))
    for w in Worry.objects.filter(is_active=True).order_by("category__order", "order", "pk"):
        terms.append(
            _term("worry", w.pk, f"worry-{w.pk}", w.text, hsds_id("category", w.category_id))
        )
    return terms


def organizations() -> list[dict[str, Any]]:
    from members.models import Organisation

    out = [
        {
            "id": hsds_id("organization", "publisher"),
            "name": PUBLISHER_NAME,
            "description": "この一覧の掲載者。各窓口の運営者は窓口名に記載。",
            "website": None,
        }
    ]
    used = Service.objects.filter(is_active=True, provider__isnull=False).values("provider_id")
    for o in Organisation.objects.filter(pk__in=used).order_by("name"):
        out.append(
            {
                "id": hsds_id("organization", o.pk),
                "name": o.name,
                "description": None,
                "website": getattr(o, "website", None) or None,
            }
        )
    return out


def services(*, modified_after: dt.datetime | None = None) -> list[dict[str, Any]]:
    qs = (
        Service.objects.filter(is_active=True)
        .select_related("provider")
        .prefetch_related("hours", "worries__category")
        .order_by("pk")
    )
    if modified_after is not None:
        qs = qs.filter(updated_at__gt=modified_after)
    out = []
    for s in qs:
        sid = hsds_id("service", s.pk)
        phones: list[dict[str, Any]] = []
        if s.has_verified_phone:
            phones.append(
                {
                    "id": hsds_id("phone", s.pk),
                    "service_id": sid,
                    "number": s.phone,
                    "type": "voice",
                    "description": None,
                    "languages": [],
                }
            )
        worries = [w for w in s.worries.all() if w.is_active]
        terms = {hsds_id("worry", w.pk): _term(
            "worry", w.pk, f"worry-{w.pk}", w.text, hsds_id("category", w.category_id))
            for w in worries}  # fmt: skip
        for w in worries:
            c = w.category
            terms.setdefault(
                hsds_id("category", c.pk), _term("category", c.pk, c.slug, c.name, None)
            )
        out.append(
            {
                "id": sid,
                "organization_id": hsds_id("organization", s.provider_id)
                if s.provider_id
                else hsds_id("organization", "publisher"),
                "name": s.name,
                "alternate_name": None,
                "description": public_text(s.description) or None,
                "url": s.web_url or None,
                "email": s.email or None,
                "status": "active",
                "fees_description": public_text(s.cost) or None,
                "eligibility_description": public_text(s.target) or None,
                "minimum_age": s.age_min,
                "maximum_age": s.age_max,
                "assured_date": s.last_checked.isoformat() if s.last_checked else None,
                "alert": "サンプル（実在しない窓口）" if s.is_sample else None,
                "application_process": public_text(without_label(s.in_person)) or None,
                "last_modified": timezone.localtime(s.updated_at).isoformat(),
                "phones": phones,
                "schedules": _schedules(s, list(s.hours.all())),
                "languages": _languages(s),
                "taxonomy_terms": list(terms.values()),
            }
        )
    return out


def localise(items: list[dict[str, Any]], snap: Any) -> list[dict[str, Any]]:
    """Services or taxonomy terms with the texts of a localised snapshot (selectors.Snapshot):
    a checked translation, else the Japanese (the checked-by-a-person rule of the pages).
    Numbers, schedules and ids are untouched."""
    names: dict[str, str] = {}
    for c in snap.categories:
        names[hsds_id("category", c.id)] = str(c.name)
    for w in snap.worries.values():
        names[hsds_id("worry", w.id)] = str(w.text)
    cards = {hsds_id("service", s.id): s for s in snap.services.values()}

    def term(t: dict[str, Any]) -> dict[str, Any]:
        return {**t, "name": names.get(t["id"], t["name"])}

    out = []
    for item in items:
        if "taxonomy_terms" in item:
            card = cards.get(item["id"])
            item = {**item, "taxonomy_terms": [term(t) for t in item["taxonomy_terms"]]}
            if card is not None:
                item["name"] = str(card.name)
                item["description"] = str(card.description) or None
                item["fees_description"] = str(card.cost) or None
                item["eligibility_description"] = str(card.target) or None
            out.append(item)
        else:
            out.append(term(item))
    return out
