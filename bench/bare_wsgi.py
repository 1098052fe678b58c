"""The yardstick of bench/handbook_throughput.py: a bare Django 5.2 app, nothing else.

One view returning a fixed string, only SecurityMiddleware and CommonMiddleware, no database,
templates or cache. Served by the same gunicorn with the same flags as the portal:

    .venv/bin/gunicorn bench.bare_wsgi:application -c kitakyushu_pf/gunicorn_conf.py \\
        --bind 127.0.0.1:8401 --workers 2
"""

from __future__ import annotations

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-a-secret",  # noqa: S106 - serves one fixed string
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)
django.setup()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bare", bare)]
application = get_wsgi_application()
