"""The portal's one abuse-limit mechanism: for every form that makes the portal send an e-mail
to a typed address (or, like the handbook's report form, takes anonymous text), and for every
page that takes a typed secret (the guessing limits below).

Two counters per form ("scope"), both on the shared cache through django-ratelimit's
``get_usage`` (fixed windows, atomic ``incr`` on Redis):

- per recipient address per day (strict): the address is hashed before it becomes a cache key;
- per client IP per hour (generous: a city office or an NPO behind one address registers
  several people; IPv6 counts per /64).

A rush of people from distinct addresses never meets either limit. When the cache cannot be
reached, django-ratelimit fails open (``RATELIMIT_FAIL_OPEN``) and the same limits are counted in
a bounded per-process table instead (at most ``FALLBACK_MAX_KEYS`` keys, oldest dropped first):
weaker across processes, but never unlimited and never an outage; for ``CACHE_RETRY_SECONDS``
after a failure the cache is not tried again, so an outage does not slow every request down.
Over the limit the user gets a Japanese 429 page with ``Retry-After``.

Pages that take a secret typed by anyone (the survey's access codes) use the guessing limits
instead: only *wrong* guesses count, per client IP and over the whole site together
(``guess_failed``), and each request first checks, without counting, whether a guess is still
allowed (``guess_wait``). Counts made in the per-process table during an outage still count
when the cache is back, so waiting for the cache to return gives no fresh guesses.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, get_usage

from .services import email_canonical

FALLBACK_MAX_KEYS = 10_000
DAY = 24 * 60 * 60
HOUR = 60 * 60


@dataclass(frozen=True)
class Limit:
    per_address_per_day: int
    per_ip_per_hour: int


def limits() -> dict[str, Limit]:
    """The limits of each form (settings ``PORTAL_RATELIMIT_*``)."""
    return {
        "trainings.register": Limit(
            settings.PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY,
            settings.PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR,
        ),
        "trainings.link_resend": Limit(3, settings.PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR),
        "members.application": Limit(3, 10),
        "accounts.password_reset": Limit(3, 20),
        # The handbook's report-a-problem form has no address: only the per-IP count applies.
        "handbook.report": Limit(0, settings.HANDBOOK_REPORTS_PER_HOUR),
    }


def client_ip(request: HttpRequest) -> str:
    """The client's address (behind ``AXES_PROXY_COUNT`` trusted proxies); IPv6 as its /64."""
    ip = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(settings.AXES_IPWARE_PROXY_COUNT or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            ip = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        parsed = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def client_ip_address(request: HttpRequest) -> str | None:
    """:func:`client_ip` as an IP address, or None: what django-axes counts log-in failures
    against (``AXES_CLIENT_IP_CALLABLE``) and what the audit logs keep. The same client as every
    other limit, never the proxy in front of everyone."""
    ip = client_ip(request)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return None
    return ip


def address_key(address: str) -> str:
    """The cache key of a recipient: every spelling of one mailbox counts as one address."""
    return hashlib.sha256(email_canonical(address).encode()).hexdigest()[:32]


class _Fallback:
    """Fixed-window counters in this process, bounded in size (used only without the cache)."""

    def __init__(self, max_keys: int = FALLBACK_MAX_KEYS) -> None:
        self.max_keys = max_keys
        self.counts: OrderedDict[tuple[str, int], int] = OrderedDict()
        self.lock = threading.Lock()

    def hit(self, key: str, period: int) -> int:
        window = int(time.time()) // period
        with self.lock:
            slot = (key, window)
            count = self.counts.pop(slot, 0) + 1
            self.counts[slot] = count
            while len(self.counts) > self.max_keys:
                self.counts.popitem(last=False)
            return count

    def peek(self, key: str, period: int) -> int:
        """The count of the current window, without counting."""
        with self.lock:
            return self.counts.get((key, int(time.time()) // period), 0)

    def clear(self) -> None:
        with self.lock:
            self.counts.clear()


fallback = _Fallback()


# After the cache failed, go straight to the local table for this long (each failed attempt
# costs a connection attempt with retries: hundreds of milliseconds per request).
CACHE_RETRY_SECONDS = 10.0
_cache_down_until = 0.0


def _count(
    request: HttpRequest, scope: str, kind: str, value: str, limit: int, period: int
) -> bool:
    """Count one hit; True when it is over the limit."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return fallback.hit(f"{scope}:{kind}:{value}", period) > limit
    rate = f"{limit}/{period}s"
    usage = get_usage(
        request,
        group=f"{scope}:{kind}",
        key=lambda _group, _request: value,
        rate=rate,
        increment=True,
    )
    if usage is None:  # the cache is unreachable: count here instead
        _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
        return fallback.hit(f"{scope}:{kind}:{value}", period) > limit
    return bool(usage["should_limit"])


def over_limit(request: HttpRequest, scope: str, *, address: str = "") -> bool:
    """Count this submission against the scope's limits; True when it must be refused."""
    limit = limits()[scope]
    over_ip = _count(request, scope, "ip", client_ip(request), limit.per_ip_per_hour, HOUR)
    over_address = False
    if address.strip():
        over_address = _count(
            request, scope, "address", address_key(address), limit.per_address_per_day, DAY
        )
    return over_ip or over_address


# --- Guessing a secret (access codes): only wrong guesses count, per IP and overall -----------

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": HOUR, "d": DAY}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        """django-ratelimit's notation: ``20/h``, ``300/10m``."""
        match = _RATE.match(text.strip())
        if match is None:
            raise ValueError(f"not a rate: {text!r} (e.g. 20/h, 300/10m)")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNIT[unit])


@dataclass(frozen=True)
class GuessLimit:
    per_ip: Rate  # wrong guesses from one client address
    overall: Rate  # wrong guesses from everyone together (guessing spread over many addresses)


def guess_limits() -> dict[str, GuessLimit]:
    """The guessing limits of each page (settings)."""
    return {
        "surveys.answer_code": _guess_limit(
            settings.SURVEYS_ANSWER_RATE_IP, settings.SURVEYS_ANSWER_RATE_ALL
        ),
    }


@lru_cache(maxsize=16)
def _guess_limit(per_ip: str, overall: str) -> GuessLimit:
    """Parsed once per pair of settings, not on every request."""
    return GuessLimit(Rate.parse(per_ip), Rate.parse(overall))


def _guess_keys(request: HttpRequest, scope: str) -> list[tuple[str, str, Rate]]:
    """(kind, value, rate) of each counter: the client's address, and everyone together."""
    limit = guess_limits()[scope]
    return [("ip", client_ip(request), limit.per_ip), ("all", "all", limit.overall)]


def _seconds_left(period: int) -> int:
    return period - int(time.time()) % period


def _usage_key(scope: str, kind: str, value: str, rate: Rate) -> tuple[str, int]:
    """The cache key django-ratelimit's ``get_usage`` counts this counter under (same group,
    rate, key and method), and the end of its current window."""
    window = _get_window(value, rate.period)
    key = _make_cache_key(f"{scope}:{kind}", window, f"{rate.limit}/{rate.period}s", value, ALL)
    return key, window


def guess_wait(request: HttpRequest, scope: str) -> int:
    """Seconds until this client may guess again (0: go ahead). Counts nothing.

    Both counters are read with one ``get_many`` (one round trip on Redis; ``get_usage`` would
    take two per counter, an ``add`` and a ``get``): this runs on every request of a resident
    with a right code too.
    """
    wait = 0
    cache_down = time.monotonic() < _cache_down_until
    keys = _guess_keys(request, scope)
    for kind, value, rate in keys:
        # What was counted here during an outage still counts (the table holds nothing else).
        if fallback.peek(f"{scope}:{kind}:{value}", rate.period) >= rate.limit:
            wait = max(wait, _seconds_left(rate.period))
    if cache_down or not settings.RATELIMIT_ENABLE:
        return wait
    windows = {}
    for kind, value, rate in keys:
        key, window = _usage_key(scope, kind, value, rate)
        windows[key] = (window, rate)
    # A dead cache reads as nothing here (no count); the count that follows a wrong guess
    # notices it.
    counts = caches[settings.RATELIMIT_USE_CACHE].get_many(list(windows))
    now = int(time.time())
    for key, count in counts.items():
        window, rate = windows[key]
        if isinstance(count, int) and count >= rate.limit:
            wait = max(wait, max(window - now, 1))
    return wait


def guess_failed(request: HttpRequest, scope: str) -> None:
    """Count one wrong guess, for the client's address and for the whole site."""
    for kind, value, rate in _guess_keys(request, scope):
        _count(request, scope, kind, value, rate.limit, rate.period)


def ratelimited_response(request: HttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(HOUR)
    return response


def ratelimit(
    scope: str,
    *,
    address_field: str = "email",
    when: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Refuse a view's POSTs over the scope's limits with the 429 page.

    ``address_field`` names the POST field with the recipient's address; ``when`` narrows the
    POSTs that count (e.g. only the final "submit" of a two-step form).
    """
    limits()[scope]  # unknown scopes fail at import time

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST" and (when is None or when(request)):
                address = str(request.POST.get(address_field, ""))
                if over_limit(request, scope, address=address):
                    return ratelimited_response(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
