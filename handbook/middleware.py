"""Anonymous handbook GETs answered from cache before the session, auth, CSRF, messages and
axes middleware run.

Placed right after SecurityMiddleware and WhiteNoise. A GET to a citizen page or the JSON API by
someone without a session cookie is looked up under (content version, path, the query string as
sent, language, minute); a hit is replayed with the status and every header the full stack gave
it the first time (CSP, X-Frame-Options, Cache-Control, Vary …; SecurityMiddleware, outside,
adds its own headers on every answer), and the anonymous daily counts are taken exactly as the
view takes them. A miss goes through the whole stack, and a 200 that sets no cookie is stored.
Entries live in this process's memory (bounded, for the rest of the minute), so a hit costs one
cache read for the content version; an admin edit bumps the version and retires them at once.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

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
    expires: float
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    route: str
    meta: dict[str, Any]


class HandbookEarlyCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = "/handbook/"
        self.entries: OrderedDict[str, Entry] = OrderedDict()
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

    def _key(self, request: HttpRequest, version: str) -> str:
        language = translation.get_language_from_request(request)
        raw = "|".join(
            (
                version,
                request.get_host(),
                request.path_info,
                request.META.get("QUERY_STRING", ""),
                language,
                timezone.localtime().strftime("%Y%m%d%H%M"),
            )
        )
        return hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from . import selectors

        route = self._route(request)
        if route is None:
            return self.get_response(request)
        snap = selectors.snapshot_get()
        if snap.version is None:  # no reachable cache: no shared copies either
            return self.get_response(request)
        key = self._key(request, snap.version)
        now = time.monotonic()
        entry = self.entries.get(key)
        if entry is not None and entry.expires > now:
            from .views import count_request

            count_request(request, route=entry.route, snap=snap, meta=entry.meta)
            response = HttpResponse(entry.content, status=entry.status)
            for name, value in entry.headers:
                response[name] = value
            return response
        response = self.get_response(request)
        meta = getattr(response, "handbook_meta", None)
        if (
            meta is not None
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            seconds_left = 60 - timezone.localtime().second
            stored = Entry(
                expires=now + seconds_left,
                status=response.status_code,
                headers=tuple(response.items()),
                content=response.content,
                route=meta["route"],
                meta={k: v for k, v in meta.items() if k != "route"},
            )
            with self.lock:
                self.entries[key] = stored
                while len(self.entries) > MAX_ENTRIES:
                    self.entries.popitem(last=False)
        return response
