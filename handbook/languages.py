"""The handbook's content languages, chosen per request without a cookie.

``?lang=ja|easy|en|zh-hans|ko|vi`` wins; otherwise the browser's Accept-Language (read once per
distinct header, kept in memory); otherwise Japanese. No database access.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest
from django.utils import translation

LANGUAGES = ("ja", "easy", "en", "zh-hans", "ko", "vi")
SOURCE = "ja"
EASY = "easy"
# Each language named in itself (the language switch).
NATIVE_NAMES = {
    "ja": "日本語",
    "easy": "やさしい にほんご",
    "en": "English",
    "zh-hans": "简体中文",
    "ko": "한국어",
    "vi": "Tiếng Việt",
}
# The BCP 47 tag of the text shown (<html lang>, lang= and hreflang=): やさしい日本語 is Japanese.
HTML_LANG = {"ja": "ja", "easy": "ja", "en": "en", "zh-hans": "zh-Hans", "ko": "ko", "vi": "vi"}
# The gettext catalogue of the interface strings.
INTERFACE = {"ja": "ja", "easy": "ja", "en": "en", "zh-hans": "zh-hans", "ko": "ko", "vi": "vi"}


def field_suffix(language: str) -> str:
    """The column suffix django-modeltranslation uses (zh-hans → zh_hans)."""
    return language.replace("-", "_")


def from_query(value: str) -> str | None:
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else None


@lru_cache(maxsize=512)
def from_accept_language(header: str) -> str:
    """The first supported language of an Accept-Language header (by q), else Japanese."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            weighted.append((-q, position, tag.strip().lower()))
    for _q, _pos, tag in sorted(weighted):
        language = _map_tag(tag)
        if language:
            return language
    return SOURCE


def _map_tag(tag: str) -> str | None:
    primary = tag.split("-")[0]
    if primary == "zh":
        # Simplified Chinese: zh, zh-CN, zh-SG, zh-Hans(-*); Traditional is not offered.
        return None if any(p in tag for p in ("hant", "-tw", "-hk", "-mo")) else "zh-hans"
    if primary in ("ja", "en", "ko", "vi"):
        return primary
    return None


def from_request(request: HttpRequest) -> str:
    """The content language of this request (cheap: a dict lookup and a memoised parse)."""
    # The query string is parsed only when it names a language (the early cache's hot path).
    if "lang=" in request.META.get("QUERY_STRING", ""):
        asked = from_query(request.GET.get("lang", ""))
        if asked:
            return asked
    return from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:500])


F = TypeVar("F", bound=Callable[..., Any])


def in_source_language(func: F) -> F:
    """Run `func` with Japanese active. django-modeltranslation reads, writes and filters a
    translated field (`name`, `text` …) in the active language's column: the loaders and imports
    work on the Japanese source whatever language a request or test left active."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(SOURCE):
            return func(*args, **kwargs)

    return cast(F, wrapper)
