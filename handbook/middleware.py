"""Anonymous handbook GETs answered from cache before the session, auth, CSRF, messages and
axes middleware run.

Placed right after SecurityMiddleware and WhiteNoise. A GET to a citizen page or the JSON API by
someone without a session cookie is looked up under (content version, host, path, the query string
as sent, the language shown — handbook/languages.py —, minute); a hit is replayed with the status
and every header the full stack gave it the first time (CSP, X-Frame-Options, Cache-Control, Vary
…; SecurityMiddleware, outside, adds its own headers on every answer), and the anonymous daily
counts are taken exactly as the view takes them: the entry keeps the view's count plan
(handbook.views.count_plan, worked out once from the query string), so a hit only checks the
referrer and adds its keys to the process's tally. A miss goes through the whole stack, and a 200
that sets no cookie is stored. Entries live in this process's memory (bounded, for the rest of the
minute), so a hit costs no cache read while the content version is remembered; an admin edit bumps
the version and retires them at once.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from . import languages, services

# The citizen routes of handbook/urls.py under /handbook/ (checked against the URLconf in tests):
# a regular expression is much cheaper than resolve() on every request.
ROUTES = {
    "": "home",
    "results/": "results",
    "api/search": "api-search",
    "api/services": "api-services",
}
_CATEGORY = re.compile(r"c/[-a-zA-Z0-9_]+/")
MAX_ENTRIES = 2048


@dataclass(frozen=True)
class Entry:
    status: int
    headers: dict[str, tuple[str, str]]  # ResponseHeaders' own store: copied, not re-validated
    content: bytes
    route: str
    meta: dict[str, Any]
    # Tally keys (day, kind, key) of a request opened from another handbook page / from outside.
    counts: tuple[tuple[services.UsageKey, ...], tuple[services.UsageKey, ...]]
    per_request: bool  # a search that found nothing: counted through the view's code each time


class HandbookEarlyCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = "/handbook/"
        self.entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self.lock = threading.Lock()

    def _route(self, request: HttpRequest) -> str | None:
        if request.method != "GET" or not request.path_info.startswith(self.prefix):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # someone signed in (or who was): the full stack, never a shared copy
        rest = request.path_info[len(self.prefix) :]
        route = ROUTES.get(rest)
        if route is None and _CATEGORY.fullmatch(rest):
            route = "category"
        return route

    def _language(self, request: HttpRequest) -> str:
        """The language the page is shown in: `?lang=`, else Accept-Language (never a cookie)."""
        return languages.from_request(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from . import selectors

        route = self._route(request)
        if route is None:
            return self.get_response(request)
        snap = selectors.snapshot_get()
        if snap.version is None:  # no reachable cache: no shared copies either
            return self.get_response(request)
        # The host as sent (Django's own reading of it, without the ALLOWED_HOSTS check): an entry
        # exists only for a host the full stack accepted (CommonMiddleware validates it), and
        # get_host() returns exactly this string for an accepted one.
        host: str = cast(Any, request)._get_raw_host()
        minute = int(time.time()) // 60
        key = (
            snap.version,
            host,
            request.path_info,
            request.META.get("QUERY_STRING", ""),
            self._language(request),
            str(minute),
        )
        entry = self.entries.get(key)
        if entry is not None:
            from .views import count_request, is_landing

            if entry.per_request:
                count_request(request, route=entry.route, snap=snap, meta=entry.meta)
            else:
                landing = is_landing(request.META.get("HTTP_REFERER", ""), host)
                services.usage_add(entry.counts[landing])
            response = HttpResponse(entry.content, status=entry.status)
            response.headers._store.update(entry.headers)
            return response
        response = self.get_response(request)
        meta = getattr(response, "handbook_meta", None)
        if (
            meta is not None
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            self._store(request, key, minute, snap, response, meta)
        return response

    def _store(
        self,
        request: HttpRequest,
        key: tuple[str, ...],
        minute: int,
        snap: Any,
        response: HttpResponse,
        meta: dict[str, Any],
    ) -> None:
        from .views import count_plan

        route = meta["route"]
        meta = {k: v for k, v in meta.items() if k != "route"}
        plan = count_plan(request, route=route, snap=snap, meta=meta)
        # The entry serves only this minute, so only this minute's day.
        day = timezone.localdate(dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC))
        stored = Entry(
            status=response.status_code,
            headers=dict(response.headers._store),
            content=response.content,
            route=route,
            meta=meta,
            counts=(
                tuple((day, k, v) for k, v in plan.usage(landing=False)),
                tuple((day, k, v) for k, v in plan.usage(landing=True)),
            ),
            per_request=bool(plan.failed_search),
        )
        with self.lock:
            self.entries[key] = stored
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
