import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from .middleware import DATABASE_ERRORS, database_unavailable_response
from .security import denial_log

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database is down")
        return False


def _cache_ok() -> bool:
    try:
        # django-redis may swallow errors (IGNORE_EXCEPTIONS); ask the client directly then.
        client = getattr(cache, "client", None)
        if client is not None and hasattr(client, "get_client"):
            return bool(client.get_client(write=True).ping())
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("health check: cache is down")
        return False


def _broker_state() -> str:
    from kitakyushu_pf.celery import app

    if app.conf.task_always_eager:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:
        logger.exception("health check: broker is down")
        return "down"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {
        "database": "ok" if _database_ok() else "down",
        "cache": "ok" if _cache_ok() else "down",
        "broker": _broker_state(),
    }
    status = 503 if "down" in parts.values() else 200
    return JsonResponse(parts, status=status)


HANDBOOK_PREFIX = "/handbook/"


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error page; under the handbook, in the handbook's frame, which sets no cookie (no
    language form with its CSRF token, no flash messages read) and keeps the quick exit."""
    context: dict[str, object] = {}
    if request.path.startswith(HANDBOOK_PREFIX) and not request.path.startswith(
        f"{HANDBOOK_PREFIX}staff/"
    ):
        context = {
            "error_base": "handbook/handbook_base.html",
            "home_url": reverse("handbook:home"),
            "keep": (),
            "messages": (),
            "quick_exit_url": settings.HANDBOOK_QUICK_EXIT_URL,
        }
    return render(request, template, context, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404."""
    return _error_page(request, "404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _error_page(request, "403_csrf.html", 403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: log the denial (no personal data) and show the friendly page."""
    denial_log(request=request, reason=type(exception).__name__ if exception else "forbidden")
    return _error_page(request, "403.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database may be the thing that failed.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        # Raised outside a view (e.g. saving the session): still the friendly 503.
        logger.error("database unavailable: %s %s: %s", request.method, request.path, exc)
        return database_unavailable_response()
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def settings_summary() -> dict[str, object]:
    """Used by tests and `make check`: the switches production depends on."""
    return {
        "debug": settings.DEBUG,
        "database": settings.DATABASES["default"]["ENGINE"],
        "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    }


def media_download(request: HttpRequest, path: str) -> HttpResponseBase:
    """An uploaded file, always as a download: never rendered under the portal's origin."""
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    name = path.rsplit("/", 1)[-1]
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
