"""Citizen pages (anonymous, cached, no cookies), the JSON API and the staff dashboard.

Pages are the same for everyone who asks the same question, so whole rendered pages are cached
under (content version, language, normalised query, and the minute where 受付中 matters). They
never touch the session or the CSRF token, so no cookie is set; only the wrong-entry report form
uses CSRF. Usage counts are taken before the cache, as anonymous daily sums.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kitakyushu_pf.exports import csv_response
from kitakyushu_pf.roles import SECRETARIAT, role_required

from . import selectors, services
from .forms import ReportForm
from .models import Service, UsageDaily, Worry

MAX_WORRIES = 10
LOCAL_PAGES_MAX = 512
LOCAL_PAGES_SECONDS = 60.0
_local_pages: dict[str, tuple[float, dict[str, Any]]] = {}
CHANNELS = ("qr", "flyer", "ad", "sns")


# --- Query-string parsing (the cache key is built from these, never from the raw string) ------


def _worry_ids(request: HttpRequest, name: str = "w") -> list[int]:
    ids: list[int] = []
    for raw in request.GET.getlist(name):
        for part in raw.split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return sorted(set(ids))[:MAX_WORRIES]


def _age(request: HttpRequest) -> int | None:
    raw = request.GET.get("age", "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= 120 else None


def _ward(request: HttpRequest, snap: selectors.Snapshot) -> tuple[int | None, str]:
    raw = request.GET.get("ward", "").strip()
    for pk, name, code in snap.wards:
        if raw in (name, code):
            return pk, name
    return None, ""


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


def _count_channel(request: HttpRequest, snap: selectors.Snapshot) -> None:
    src = request.GET.get("src", "").strip().lower()
    if src:
        known = src in CHANNELS or src in snap.channels
        services.usage_record(kind=UsageDaily.Kind.CHANNEL, key=src if known else "other")


def _minute() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M")


def _cached(
    key_parts: tuple[Any, ...], produce: Callable[[], dict[str, Any]], *, version: str | None
) -> dict[str, Any]:
    """A cached dict for the same question; with no reachable cache, computed every time."""
    if version is None:
        return produce()
    raw = "|".join(str(p) for p in (version, translation.get_language(), *key_parts))
    key = "handbook:page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    # A small per-process copy in front of the shared cache: same key, so same version.
    local = _local_pages.get(key)
    if local is not None and local[0] > time.monotonic():
        return local[1]
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001
        hit = None
    if hit is None:
        hit = produce()
        with contextlib.suppress(Exception):
            cache.set(key, hit, settings.HANDBOOK_PAGE_CACHE_SECONDS)
    if len(_local_pages) >= LOCAL_PAGES_MAX:
        _local_pages.clear()
    _local_pages[key] = (time.monotonic() + LOCAL_PAGES_SECONDS, hit)
    return hit


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    # `messages` is emptied so that no one's flash message is ever cached into a shared page.
    context = {
        **context,
        "messages": (),
        "quick_exit_url": settings.HANDBOOK_QUICK_EXIT_URL,
        "general_line": (selectors.GENERAL_LINE_NAME, selectors.GENERAL_LINE_PHONE),
    }
    return render_to_string(template, context, request=request)


def _html(body: str) -> HttpResponse:
    response = HttpResponse(body)
    response["Cache-Control"] = "no-store"  # shared phones: the browser keeps no copy
    return response


# --- Citizen pages ----------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    snap = selectors.snapshot_get()
    _count_channel(request, snap)
    q = _query(request)
    if not q:
        page = _cached(
            ("home",),
            lambda: {"html": _render(request, "handbook/handbook_home.html", {"snap": snap})},
            version=snap.version,
        )
        return _html(page["html"])
    norm = selectors.search.normalise(q)

    def produce() -> dict[str, Any]:
        result = selectors.worries_search(snapshot=snap, text=q)
        # The crisis lines of the crisis worries found (or the default set): shown first.
        ranking = selectors.services_rank(
            snapshot=snap,
            worry_ids=[h.id for h in result.hits if h.is_crisis][:3],
            crisis_query=result.crisis,
        )
        html = _render(
            request,
            "handbook/handbook_home.html",
            {"snap": snap, "q": q, "result": result, "ranking": ranking},
        )
        return {"html": html, "empty": not result.hits}

    page = _cached(("home", norm, _minute()), produce, version=snap.version)
    services.usage_record(kind=UsageDaily.Kind.SEARCH)
    if page["empty"]:
        services.usage_record(kind=UsageDaily.Kind.SEARCH_EMPTY, key=services.usage_scrub(q))
    return _html(page["html"])


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    snap = selectors.snapshot_get()
    _count_channel(request, snap)
    category = snap.category(slug)
    if category is None:
        raise Http404
    page = _cached(
        ("category", slug),
        lambda: {
            "html": _render(
                request,
                "handbook/category_detail.html",
                {
                    "snap": snap,
                    "category": category,
                    "worries": [snap.worries[w] for w in category.worry_ids],
                    "age_groups": selectors.AGE_GROUPS,
                },
            )
        },
        version=snap.version,
    )
    return _html(page["html"])


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    snap = selectors.snapshot_get()
    _count_channel(request, snap)
    worry_ids = [w for w in _worry_ids(request) if w in snap.worries]
    age = _age(request)
    ward_id, ward_name = _ward(request, snap)
    services.usage_record(kind=UsageDaily.Kind.RESULTS_VIEWED)
    for wid in worry_ids:
        services.usage_record(kind=UsageDaily.Kind.WORRY_TICKED, key=str(wid))

    def produce() -> dict[str, Any]:
        ranking = selectors.services_rank(
            snapshot=snap, worry_ids=worry_ids, age=age, ward_id=ward_id
        )
        share = reverse("handbook:results") + "?" + "&".join(f"w={w}" for w in worry_ids)
        if age is not None:
            share += f"&age={age}"
        if ward_name:
            share += f"&ward={ward_name}"
        return {
            "html": _render(
                request,
                "handbook/results.html",
                {
                    "snap": snap,
                    "ranking": ranking,
                    "age": age,
                    "age_label": dict(selectors.AGE_GROUPS).get(age or -1, ""),
                    "ward_name": ward_name,
                    "share_path": share,
                    "now": selectors.local_now(),
                },
            )
        }

    page = _cached(
        ("results", tuple(worry_ids), age, ward_id, _minute()), produce, version=snap.version
    )
    return _html(page["html"])


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """「情報が違う場合はお知らせください」: anonymous, stores no IP address or user agent."""
    service = get_object_or_404(Service, pk=pk, is_active=True)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_submit(
            service=service,
            reason=form.cleaned_data["reason"],
            message=form.cleaned_data["message"],
        )
        return redirect("handbook:report-thanks")
    return render(
        request,
        "handbook/report_form.html",
        {"service": service, "form": form, "quick_exit_url": settings.HANDBOOK_QUICK_EXIT_URL},
    )


@require_safe
def report_thanks(request: HttpRequest) -> HttpResponse:
    return _html(_render(request, "handbook/report_thanks.html", {}))


# --- JSON API ---------------------------------------------------------------------------------


def _json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def api_search(request: HttpRequest) -> JsonResponse:
    snap = selectors.snapshot_get()
    q = _query(request)

    def produce() -> dict[str, Any]:
        result = selectors.worries_search(snapshot=snap, text=q)
        return {
            "crisis": result.crisis,
            "worries": [
                {"id": h.id, "text": h.text, "category": h.category, "score": h.score}
                for h in result.hits
            ],
        }

    data = _cached(("api-search", selectors.search.normalise(q)), produce, version=snap.version)
    if q:
        services.usage_record(kind=UsageDaily.Kind.SEARCH)
        if not data["worries"]:
            services.usage_record(kind=UsageDaily.Kind.SEARCH_EMPTY, key=services.usage_scrub(q))
    return _json(data)


def service_json(request: HttpRequest, r: selectors.RankedService) -> dict[str, Any]:
    s = r.service
    return {
        "id": s.id,
        "name": s.name,
        "organisation": s.organisation,
        # As on the page: an unverified number is replaced by the city's general line.
        "phone": s.tel or (selectors.GENERAL_LINE_PHONE if s.use_general_line else None),
        "open_now": r.open_now,
        "url": s.web_url or None,
    }


@require_safe
def api_services(request: HttpRequest) -> JsonResponse:
    snap = selectors.snapshot_get()
    worry_ids = [w for w in _worry_ids(request, "worry") if w in snap.worries]
    age = _age(request)
    ward_id, _name = _ward(request, snap)
    for wid in worry_ids:
        services.usage_record(kind=UsageDaily.Kind.WORRY_TICKED, key=str(wid))

    def produce() -> dict[str, Any]:
        ranking = selectors.services_rank(
            snapshot=snap, worry_ids=worry_ids, age=age, ward_id=ward_id
        )
        return {
            "crisis": ranking.crisis,
            "services": [
                service_json(request, r) for r in [*ranking.crisis_lines, *ranking.services]
            ],
        }

    data = _cached(
        ("api-services", tuple(worry_ids), age, ward_id, _minute()), produce, version=snap.version
    )
    return _json(data)


# --- Staff ------------------------------------------------------------------------------------


def _usage_context(days: int) -> dict[str, Any]:
    services.usage_flush()
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = list(selectors.usage_daily(since=since))
    snap = selectors.snapshot_get()
    dates = [since + dt.timedelta(days=i) for i in range(days)]
    per_kind: dict[str, dict[dt.date, int]] = {}
    totals: dict[tuple[str, str], int] = {}
    for r in rows:
        per_kind.setdefault(r.kind, {}).setdefault(r.date, 0)
        per_kind[r.kind][r.date] += r.count
        totals[(r.kind, r.key)] = totals.get((r.kind, r.key), 0) + r.count

    def top(kind: str, label: Callable[[str], str] = str) -> list[tuple[str, int]]:
        items = [(label(k), n) for (kd, k), n in totals.items() if kd == kind]
        return sorted(items, key=lambda x: -x[1])[:20]

    def worry_label(key: str) -> str:
        w = snap.worries.get(int(key)) if key.isdigit() else None
        return w.text if w else key

    chart = {
        "labels": [d.strftime("%m/%d") for d in dates],
        "series": [
            {
                "label": str(label),
                "data": [per_kind.get(kind, {}).get(d, 0) for d in dates],
            }
            for kind, label in UsageDaily.Kind.choices
            if kind != UsageDaily.Kind.SEARCH_EMPTY
        ],
    }
    return {
        "days": days,
        "chart": chart,
        "top_worries": top(UsageDaily.Kind.WORRY_TICKED, worry_label),
        "empty_searches": top(UsageDaily.Kind.SEARCH_EMPTY),
        "channels": top(UsageDaily.Kind.CHANNEL),
        "rows": rows,
    }


@role_required(SECRETARIAT)
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    days = 30 if request.GET.get("days") != "7" else 7
    return render(request, "handbook/staff_dashboard.html", _usage_context(days))


@role_required(SECRETARIAT)
def staff_usage_csv(request: HttpRequest) -> HttpResponse:
    services.usage_flush()
    since = timezone.localdate() - dt.timedelta(days=365)
    kinds = dict(UsageDaily.Kind.choices)
    # A ticked worry is counted under its id; the secretariat reads its words.
    worry_texts = {str(pk): text for pk, text in Worry.objects.values_list("pk", "text")}

    def key_text(r: UsageDaily) -> str:
        if r.kind == UsageDaily.Kind.WORRY_TICKED:
            return worry_texts.get(r.key, r.key)
        return r.key

    return csv_response(
        f"handbook-usage-{timezone.localdate():%Y%m%d}.csv",
        [str(_("date")), str(_("kind")), str(_("key")), str(_("count"))],
        (
            [r.date.isoformat(), str(kinds.get(r.kind, r.kind)), key_text(r), r.count]
            for r in selectors.usage_daily(since=since)
        ),
    )


# --- Benchmark baseline -----------------------------------------------------------------------


def bench_baseline(request: HttpRequest) -> HttpResponse:
    """A fixed string through the same middleware: the benchmark's yardstick. Off by default."""
    if not settings.HANDBOOK_BENCH_BASELINE:
        raise Http404
    return HttpResponse("ok")
