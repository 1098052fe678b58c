"""The yardstick of bench/answer_burst.py: a bare Django 5.2 form POST, outside the portal.

One form view — GET renders a two-choice form with its CSRF token, POST validates it and
redirects (302, like the portal's submission) — with only SecurityMiddleware, CommonMiddleware
and CsrfViewMiddleware; no database, no sessions, no cache, no template files. Served by the same
gunicorn with the same flags as the portal (``make serve``):

    .venv/bin/gunicorn bench.answer_baseline_wsgi:application -c kitakyushu_pf/gunicorn_conf.py \\
        --bind 127.0.0.1:8715 --workers 4 --timeout 60

bench/answer_burst.py starts it itself (on the portal's port + 1) unless given --baseline-url.
"""

from __future__ import annotations

import os

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ],
    INSTALLED_APPS=[],
    DATABASES={},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    USE_TZ=True,
    TIME_ZONE="Asia/Tokyo",
    LANGUAGE_CODE="ja",
)
django.setup()

from django import forms  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

PAGE = engines["django"].from_string(
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>baseline</title></head>'
    '<body><main><form method="post">{% csrf_token %}{{ form }}'
    '<button type="submit">送信</button></form></main></body></html>'
)


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=[("1", "1"), ("2", "2")])


def answer(request: HttpRequest) -> HttpResponse:
    form = ChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("thanks")
    return HttpResponse(PAGE.render({"form": form}, request))


def thanks(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("answer/", answer), path("thanks/", thanks, name="thanks")]
application = get_wsgi_application()
