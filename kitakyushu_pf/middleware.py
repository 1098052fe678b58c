"""Cross-cutting middleware: no caching of personal pages, denial logging, a friendly 503."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

from .security import denial_log

logger = logging.getLogger("kitakyushu_pf.availability")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request context: nothing here may touch the database."""
    html = loader.get_template("503.html").render(
        {"portal_secretariat": settings.PORTAL_SECRETARIAT, "database_unavailable": True}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class NoStoreForAuthenticatedMiddleware:
    """Responses to signed-in users never land in a shared or browser cache.

    A view that sets its own Cache-Control (e.g. ``never_cache`` or a public page on purpose)
    keeps it; every other response to an authenticated user gets ``no-store, private``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        try:
            authenticated = bool(user is not None and user.is_authenticated)
        except DATABASE_ERRORS:
            authenticated = True  # the session could not be read: err on the private side
        if authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class DenialLogMiddleware:
    """Logs every 403 answer (PermissionDenied, CSRF failure, a view's own 403) once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            denial_log(request=request, reason="forbidden response")
        return response


class DatabaseUnavailableMiddleware:
    """A view that hits a dead or restarting database answers 503 with a friendly page, not 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.error(
                "database unavailable: %s %s: %s: %s",
                request.method,
                request.path,
                type(exception).__name__,
                str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            )
            return database_unavailable_response()
        return None
