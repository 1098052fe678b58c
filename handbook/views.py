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
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from kitakyushu_pf import ratelimits
from kitakyushu_pf.exports import csv_response
from kitakyushu_pf.roles import SECRETARIAT, role_required
from kitakyushu_pf.security import denial_log

from . import hsds, languages, schemes, selectors, services
from .forms import ReportForm
from .models import Service, UsageDaily, Worry

MAX_WORRIES = 10
LOCAL_PAGES_MAX = 512
LOCAL_PAGES_SECONDS = 60.0
_local_pages: dict[str, tuple[float, dict[str, Any]]] = {}
CHANNELS = ("qr", "flyer", "ad", "sns")
HANDBOOK_PREFIX = "/handbook/"  # where kitakyushu_pf/urls.py mounts the handbook


# --- Language (`?lang=`, else Accept-Language; never a cookie) ------------------------------

_language: ContextVar[str] = ContextVar("handbook_language", default=languages.SOURCE)


def in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view runs in the reader's language: its content language (`request.handbook_language`,
    part of every cache key) and the interface strings of that language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = languages.from_request(request)
        request.handbook_language = language  # type: ignore[attr-defined]
        token = _language.set(language)
        try:
            with translation.override(languages.INTERFACE[language]):
                response = view(request, *args, **kwargs)
        finally:
            _language.reset(token)
        response.headers.setdefault("Content-Language", languages.HTML_LANG[language])
        return response

    return wrapper


def _snap(request: HttpRequest) -> selectors.Snapshot:
    """The content snapshot in this request's language."""
    return selectors.snapshot_get().localised(_language.get())


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


def _channel(request: HttpRequest, snap: selectors.Snapshot) -> str:
    """The channel of this visit (`?src=`; links inside the handbook keep it): a known code,
    "other" for an unknown one, "" for none."""
    src = request.GET.get("src", "").strip().lower()
    if not src:
        return ""
    return src if (src in CHANNELS or src in snap.channels) else "other"


def _keep(request: HttpRequest, snap: selectors.Snapshot) -> tuple[tuple[str, str], ...]:
    """The query parameters every link inside the handbook carries on (part of the cache key)."""
    channel = _channel(request, snap)
    keep: tuple[tuple[str, str], ...] = (
        (("src", channel),) if channel and channel != "other" else ()
    )
    asked = languages.from_query(request.GET.get("lang", ""))
    return (*keep, ("lang", asked)) if asked else keep


def is_landing(referer: str, host: str) -> bool:
    """A visit starts here: the page was not opened from another handbook page on `host`."""
    if not referer:
        return True
    parsed = urlsplit(referer)
    return parsed.netloc != host or not parsed.path.startswith(HANDBOOK_PREFIX)


def _minute() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M")


def _cached(
    key_parts: tuple[Any, ...], produce: Callable[[], dict[str, Any]], *, version: str | None
) -> dict[str, Any]:
    """A cached dict for the same question; with no reachable cache, computed every time."""
    if version is None:
        return produce()
    raw = "|".join(
        repr(p) for p in (version, translation.get_language(), _language.get(), *key_parts)
    )
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
    snap = context.get("snap") or selectors.snapshot_get()
    keep = _keep(request, snap)
    language = _language.get()
    # The language switch: this page (with the parameters its cache key holds) in each language.
    base = [(k, v) for k, v in (*keep, *context.get("page_params", ())) if k != "lang"]
    switch = [
        {
            "code": code,
            "name": languages.NATIVE_NAMES[code],
            "tag": languages.HTML_LANG[code],
            "url": request.path + "?" + urlencode([*base, ("lang", code)]),
            "current": code == language,
        }
        for code in languages.LANGUAGES
    ]
    context = {
        **context,
        "hb_language": language,
        "language_switch": switch,
        "keep": keep,
        "keep_query": urlencode(keep),
        "messages": (),
        "quick_exit_url": settings.HANDBOOK_QUICK_EXIT_URL,
        "general_line": (selectors.GENERAL_LINE_NAME, selectors.GENERAL_LINE_PHONE),
    }
    return render_to_string(template, context, request=request)


def _list_note(items: Any) -> dict[str, str]:
    """One translation note for a list (as `tnote` of one object): "missing" if any item is
    shown in Japanese, else "unchecked" if any is not checked by a person yet."""
    notes = {getattr(i, "tnote", "") for i in items}
    return {
        "tnote": "missing" if "missing" in notes else ("unchecked" if "unchecked" in notes else "")
    }


def _html(body: str) -> HttpResponse:
    response = HttpResponse(body)
    response["Cache-Control"] = "no-store"  # shared phones: the browser keeps no copy
    return response


# --- Anonymous counts (also replayed by the early page cache, handbook/middleware.py) --------


Usage = tuple[tuple[str, str], ...]  # (kind, key) pairs, each counted once


@dataclass(frozen=True)
class CountPlan:
    """What one request adds to the anonymous daily counts, worked out once from its query.

    The early cache (handbook/middleware.py) keeps the plan with the stored page, so a hit adds
    the same counts as the view without parsing the query string again."""

    inner: Usage  # opened from another handbook page
    landing: Usage  # a visit starts here: `inner` plus the channel and the funnel's visit step
    failed_search: str = ""  # a search that found nothing: its text is handled per request

    def usage(self, *, landing: bool) -> Usage:
        return self.landing if landing else self.inner


def count_plan(
    request: HttpRequest, *, route: str, snap: selectors.Snapshot, meta: dict[str, Any]
) -> CountPlan:
    kind = UsageDaily.Kind
    visit: list[tuple[str, str]] = []
    pairs: list[tuple[str, str]] = []
    channel = _channel(request, snap) if route in ("home", "category", "results") else ""
    if route in ("home", "category", "results"):
        if channel:
            visit.append((kind.CHANNEL, channel))
        visit.append((kind.FUNNEL, services.funnel_key(channel=channel, step="visit")))
    if route == "results":
        pairs.append((kind.RESULTS_VIEWED, ""))
        pairs.append((kind.FUNNEL, services.funnel_key(channel=channel, step="results")))
    if route in ("results", "api-services"):
        name = "w" if route == "results" else "worry"
        for wid in _worry_ids(request, name):
            if wid in snap.worries:
                pairs.append((kind.WORRY_TICKED, str(wid)))
    failed = ""
    if route in ("home", "api-search"):
        q = _query(request)
        if q:
            pairs.append((kind.SEARCH, ""))
            if meta.get("empty"):
                failed = q
    inner = tuple((k, key[: services.USAGE_KEY_MAX]) for k, key in pairs)
    landing = tuple((k, key[: services.USAGE_KEY_MAX]) for k, key in visit) + inner
    return CountPlan(inner=inner, landing=landing, failed_search=failed)


def count_request(
    request: HttpRequest, *, route: str, snap: selectors.Snapshot, meta: dict[str, Any]
) -> None:
    """The anonymous daily counts one request adds, from the request and its page's `meta`."""
    plan = count_plan(request, route=route, snap=snap, meta=meta)
    landing = is_landing(request.META.get("HTTP_REFERER", ""), request.get_host())
    day = services.usage_day()
    services.usage_add(tuple((day, k, key) for k, key in plan.usage(landing=landing)))
    if plan.failed_search:
        services.search_empty_record(plan.failed_search)


def _counted(
    request: HttpRequest,
    snap: selectors.Snapshot,
    route: str,
    meta: dict[str, Any],
    response: HttpResponse,
) -> HttpResponse:
    count_request(request, route=route, snap=snap, meta=meta)
    response.handbook_meta = {"route": route, **meta}  # type: ignore[attr-defined]
    return response


# --- Citizen pages ----------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    snap = _snap(request)
    q = _query(request)
    if not q:
        page = _cached(
            ("home", _keep(request, snap)),
            lambda: {"html": _render(request, "handbook/handbook_home.html", {"snap": snap})},
            version=snap.version,
        )
        return _counted(request, snap, "home", {}, _html(page["html"]))

    def produce() -> dict[str, Any]:
        result = selectors.worries_search(snapshot=snap, text=q)
        # The crisis lines of the crisis worries found (or the default set): shown first.
        ranking = selectors.services_rank(
            snapshot=snap,
            worry_ids=[h.id for h in result.hits if h.is_crisis][:3],
            crisis_query=result.crisis,
        )
        context: dict[str, Any] = {
            "snap": snap,
            "q": q,
            "page_params": (("q", q),),
            "result": result,
            "hits_note": _list_note(result.hits),
            "ranking": ranking,
            "age_groups": selectors.AGE_GROUPS,
        }
        if result.fallback:
            # Never an empty answer: the windows for 「どこに相談したらいいかわからない」 and a
            # line open around the clock, with the nearest categories.
            context["fallback_ranking"] = selectors.services_rank(
                snapshot=snap, worry_ids=[h.id for h in result.hits]
            )
            context["lines_24h"] = selectors.lines_24h(snapshot=snap)
        html = _render(request, "handbook/handbook_home.html", context)
        return {"html": html, "empty": result.fallback or not result.hits}

    # Keyed on the text exactly as typed: the page shows it back in the search box.
    page = _cached(("home", q, _keep(request, snap), _minute()), produce, version=snap.version)
    return _counted(request, snap, "home", {"empty": page["empty"]}, _html(page["html"]))


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    snap = _snap(request)
    category = snap.category(slug)
    if category is None:
        raise Http404
    page = _cached(
        ("category", slug, _keep(request, snap)),
        lambda: {
            "html": _render(
                request,
                "handbook/category_detail.html",
                {
                    "snap": snap,
                    "category": category,
                    "worries": [snap.worries[w] for w in category.worry_ids],
                    "worries_note": _list_note(snap.worries[w] for w in category.worry_ids),
                    "schemes": schemes.schemes_for_categories([category.slug], snap.language),
                    "age_groups": selectors.AGE_GROUPS,
                },
            )
        },
        version=snap.version,
    )
    return _counted(request, snap, "category", {}, _html(page["html"]))


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    snap = _snap(request)
    worry_ids = [w for w in _worry_ids(request) if w in snap.worries]
    age = _age(request)
    ward_id, ward_name = _ward(request, snap)

    def produce() -> dict[str, Any]:
        ranking = selectors.services_rank(
            snapshot=snap, worry_ids=worry_ids, age=age, ward_id=ward_id
        )
        share = reverse("handbook:results") + "?" + "&".join(f"w={w}" for w in worry_ids)
        if _keep(request, snap):
            share += "&" + urlencode(_keep(request, snap))
        share_all = share
        # Narrowed by age group and ward: the windows for another age or ward are left out
        # (those for everyone and for the whole city stay).
        shown = [r for r in ranking.services if r.age_fit >= 0 and r.ward_fit >= 0]
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
                    "page_params": (
                        *(("w", str(w)) for w in worry_ids),
                        *((("age", str(age)),) if age is not None else ()),
                        *((("ward", ward_name),) if ward_name else ()),
                    ),
                    "ranking": ranking,
                    "age": age,
                    "age_label": dict(selectors.AGE_GROUPS).get(age or -1, ""),
                    "ward_name": ward_name,
                    "share_path": share,
                    "schemes": schemes.schemes_for_categories(
                        [
                            c.slug
                            for c in snap.categories
                            if c.id in {w.category_id for w in ranking.worries}
                        ],
                        snap.language,
                    ),
                    "share_path_all": share_all,
                    "shown_services": shown,
                    "hidden_count": len(ranking.services) - len(shown),
                    "age_groups": selectors.AGE_GROUPS,
                    "now": selectors.local_now(),
                },
            )
        }

    page = _cached(
        ("results", tuple(worry_ids), age, ward_id, _keep(request, snap), _minute()),
        produce,
        version=snap.version,
    )
    return _counted(request, snap, "results", {}, _html(page["html"]))


def _same_origin(request: HttpRequest) -> bool:
    """The POST comes from a page of this site: its Origin (or, failing that, its Referer)."""
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("origin")
    if origin:
        return origin in allowed
    referer = urlsplit(request.headers.get("referer", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" in allowed


@csrf_exempt  # no cookie at all: the same-origin check and the rate limit take the token's place
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """「情報が違う場合はお知らせください」: anonymous, stores no IP address or user agent.

    The form sets no cookie: a POST is accepted only from the handbook's own pages (Origin, or
    Referer for old browsers) and at most `HANDBOOK_REPORTS_PER_HOUR` times an hour per client
    address (the address is held only as a hashed counter in the cache for that hour).
    """
    service = get_object_or_404(Service, pk=pk, is_active=True)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if not _same_origin(request):
            denial_log(request=request, reason="handbook report from another origin")
            return HttpResponseForbidden(_("This form can only be sent from the handbook's page."))
        if ratelimits.over_limit(request, "handbook.report"):
            return HttpResponse(
                _("Too many reports from this connection. Please try again later."), status=429
            )
        if form.is_valid():
            services.report_submit(
                service=service,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
            return redirect(reverse("handbook:report-thanks") + _keep_suffix(request))
    # The window's name as its card shows it in the reader's language (checked translations).
    card = _snap(request).services.get(service.pk)
    name = card.name if card is not None else service.__dict__["name"]
    body = _render(
        request,
        "handbook/report_form.html",
        {"service": service, "service_name": name, "form": form},
    )
    response = _html(body)
    if request.method == "POST":
        response.status_code = 400
    return response


def _keep_suffix(request: HttpRequest) -> str:
    keep = _keep(request, selectors.snapshot_get())
    return "?" + urlencode(keep) if keep else ""


@csrf_exempt  # a count only, nothing stored about the person; no cookie
@require_POST
def tap(request: HttpRequest) -> HttpResponse:
    """The last funnel step: a call or web button was tapped (sent by handbook.js)."""
    kind = request.POST.get("kind", "")
    if kind not in ("tel", "web"):
        return HttpResponse(status=400)
    snap = selectors.snapshot_get()
    src = request.POST.get("src", "").strip().lower()
    channel = src if (src in CHANNELS or src in snap.channels) else ("other" if src else "")
    services.funnel_record(channel=channel, step=kind)
    return HttpResponse(status=204)


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
def api_search(request: HttpRequest) -> HttpResponse:
    snap = _snap(request)
    q = _query(request)

    def worry(h: Any) -> dict[str, Any]:
        item = {"id": h.id, "text": str(h.text), "category": str(h.category), "score": h.score}
        if snap.language != languages.SOURCE:
            # "missing": shown in Japanese; "unchecked": not yet checked by a person.
            w = snap.worries.get(h.id)
            item["translation"] = (w.tnote if w else "") or "ok"
        return item

    def produce() -> dict[str, Any]:
        result = selectors.worries_search(snapshot=snap, text=q)
        return {
            "crisis": result.crisis,
            "worries": [worry(h) for h in result.hits],
            # true: nothing fitted; "worries" then holds どこに相談したらいいかわからない.
            "fallback": result.fallback,
            "nearest_categories": [{"slug": c.slug, "name": str(c.name)} for c in result.nearest],
        }

    data = _cached(("api-search", selectors.search.normalise(q)), produce, version=snap.version)
    return _counted(
        request,
        snap,
        "api-search",
        {"empty": bool(data.get("fallback")) or not data["worries"]},
        _json(data),
    )


def service_json(request: HttpRequest, r: selectors.RankedService) -> dict[str, Any]:
    s = r.service
    return {
        "id": s.id,
        "name": str(s.name),
        "organisation": s.organisation,
        # As on the page: an unverified number is replaced by the city's general line.
        "phone": s.tel or (selectors.GENERAL_LINE_PHONE if s.use_general_line else None),
        "open_now": r.open_now,
        "url": s.web_url or None,
    }


@require_safe
def api_services(request: HttpRequest) -> HttpResponse:
    snap = _snap(request)
    worry_ids = [w for w in _worry_ids(request, "worry") if w in snap.worries]
    age = _age(request)
    ward_id, _name = _ward(request, snap)

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
    return _counted(request, snap, "api-services", {}, _json(data))


# --- Staff ------------------------------------------------------------------------------------


SMALL_COUNT = 10


def small_count(n: int) -> str:
    """Staff see counts under 10 as 「10未満」: a small number could point at one person."""
    return str(n) if n >= SMALL_COUNT else str(_("under 10"))


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
    funnel: dict[str, dict[str, int]] = {}
    for (kind, key), n in totals.items():
        if kind == UsageDaily.Kind.FUNNEL and ":" in key:
            channel, step = key.rsplit(":", 1)
            funnel.setdefault(channel, {})[step] = funnel.get(channel, {}).get(step, 0) + n
    funnel_rows = [
        (channel, [small_count(steps.get(step, 0)) for step in services.FUNNEL_STEPS])
        for channel, steps in sorted(funnel.items(), key=lambda x: -x[1].get("visit", 0))
    ]
    return {
        "days": days,
        "chart": chart,
        "funnel": funnel_rows,
        "top_worries": top(UsageDaily.Kind.WORRY_TICKED, worry_label),
        "empty_searches": [(k, n) for k, n in top(UsageDaily.Kind.SEARCH_EMPTY) if k],
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


# --- HSDS 3.0 feed (read-only) ----------------------------------------------------------------

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"


def _paging(request: HttpRequest) -> tuple[int, int] | None:
    try:
        number = int(request.GET.get("page", "1"))
        size = int(request.GET.get("per_page", "50"))
    except ValueError:
        return None
    if number < 1 or not 1 <= size <= hsds.MAX_SIZE:
        return None
    return number, size


def _hsds_error(message: str) -> JsonResponse:
    response = _json({"error": message})
    response.status_code = 400
    return response


def _hsds_list(request: HttpRequest, items: list[dict[str, Any]]) -> JsonResponse:
    paging = _paging(request)
    if paging is None:
        return _hsds_error("page must be ≥ 1 and per_page between 1 and 100")
    return _json(hsds.page(items, page_number=paging[0], size=paging[1]))


@require_safe
def hsds_services(request: HttpRequest) -> JsonResponse:
    raw = request.GET.get("modified_after", "").strip()
    modified_after = None
    if raw:
        try:
            modified_after = parse_datetime(raw.replace(" ", "+"))
            if modified_after is None:
                day = parse_date(raw)
                if day is None:
                    raise ValueError(raw)
                modified_after = dt.datetime.combine(day, dt.time())
            if timezone.is_naive(modified_after):
                modified_after = timezone.make_aware(modified_after)
            # One offset the database understands (an ISO offset may be up to ±23:59).
            modified_after = modified_after.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            return _hsds_error("modified_after must be an ISO 8601 date or date-time")
    with translation.override(languages.SOURCE):  # the Japanese source, then the checked texts
        items = hsds.services(modified_after=modified_after)
    return _hsds_list(request, _hsds_localised(request, items))


def _hsds_localised(request: HttpRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if _language.get() == languages.SOURCE:
        return items
    return hsds.localise(items, _snap(request))


@require_safe
def hsds_organizations(request: HttpRequest) -> JsonResponse:
    with translation.override(languages.SOURCE):
        return _hsds_list(request, hsds.organizations())


@require_safe
def hsds_taxonomy(request: HttpRequest) -> JsonResponse:
    with translation.override(languages.SOURCE):
        items = hsds.taxonomy_terms()
    return _hsds_list(request, _hsds_localised(request, items))


@require_safe
def openapi(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(OPENAPI_FILE.read_bytes(), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Scheme explainers ------------------------------------------------------------------------


@require_safe
def scheme_list(request: HttpRequest) -> HttpResponse:
    snap = _snap(request)
    page = _cached(
        ("schemes", _keep(request, snap)),
        lambda: {
            "html": _render(
                request,
                "handbook/scheme_list.html",
                {"snap": snap, "schemes": schemes.schemes_all(snap.language)},
            )
        },
        version=snap.version,
    )
    return _html(page["html"])


@require_safe
def scheme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    snap = _snap(request)
    scheme = schemes.scheme_get(slug, snap.language)
    if scheme is None:
        raise Http404
    categories = [c for c in snap.categories if c.slug in scheme.categories]
    page = _cached(
        ("scheme", slug, _keep(request, snap)),
        lambda: {
            "html": _render(
                request,
                "handbook/scheme_detail.html",
                {"snap": snap, "scheme": scheme, "categories": categories},
            )
        },
        version=snap.version,
    )
    return _html(page["html"])
