"""The residents' answer pages (/answer/) through a shorter middleware stack.

Placed right after the handbook's early cache (itself after SecurityMiddleware and WhiteNoise).
A request under /answer/ without a session cookie (a resident from the letter's QR code, never
signed in) goes on through the rest of ``settings.MIDDLEWARE`` minus what those pages never use:
sessions, authentication, the signed-in no-store rule, messages, the change history's user and
axes (log-in lockouts). Everything else runs as in the full stack, in the same order: locale,
CommonMiddleware (the host check), CSRF (the forms' token and cookie), the denial log, the
friendly 503, X-Frame-Options and the CSP; a middleware added to the settings later runs here
too unless it is listed below. A request with a session cookie takes the full stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

PREFIX = "/answer/"
# Not run for an anonymous /answer/ request: the pages read no session, user or message.
SKIPPED = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "kitakyushu_pf.middleware.NoStoreForAuthenticatedMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "simple_history.middleware.HistoryRequestMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)
SELF = "surveys.middleware.AnswerStackMiddleware"


def answer_middleware() -> list[str]:
    """The middleware an anonymous /answer/ request runs after this one, in order."""
    after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(SELF) + 1 :]
    return [path for path in after if path not in SKIPPED]


class _Stack(BaseHandler):
    """BaseHandler.load_middleware (synchronous) over a given list instead of the settings'."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(paths):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if instance is None:
                raise ImproperlyConfigured(f"Middleware factory {path} returned None.")
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class AnswerStackMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.stack = _Stack(answer_middleware())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path_info.startswith(PREFIX)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        return self.stack._middleware_chain(request)  # type: ignore[no-any-return,return-value]
