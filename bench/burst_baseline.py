"""The baseline of bench/registration_burst.py: a bare Django app, outside the portal.

No middleware, no templates, no forms: one view that does what a registration cannot do without
(lock the session row, count, insert the registration, update the counter, redirect), with raw
SQL on the portal's own tables. Served by gunicorn with the same flags as the portal:

    DATABASE_URL=postgres://... gunicorn bench.burst_baseline:application --bind 127.0.0.1:8113
"""

import os
import uuid

import django
import environ
from django.conf import settings

env = environ.Env()
database = env.db_url("DATABASE_URL")
database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
database["CONN_HEALTH_CHECKS"] = True
settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-baseline"),
    ALLOWED_HOSTS=["*"],
    DATABASES={"default": database},
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
    TIME_ZONE="Asia/Tokyo",
)
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

INSERT = """
INSERT INTO trainings_registration
  (session_id, name, kana, email, phone, organisation_name, state, position, source,
   external_id, checkin_token, language, created_at, updated_at)
VALUES (%s, %s, '', %s, '', '', %s, %s, 'web', '', %s, 'ja', %s, %s)
"""


def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("ok")
    session_id = int(request.POST["session"])
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '3s'")
        cursor.execute(
            "SELECT capacity, confirmed_count FROM trainings_session WHERE id = %s FOR UPDATE",
            [session_id],
        )
        capacity, confirmed = cursor.fetchone()
        position = None
        state = "confirmed"
        if confirmed >= capacity:
            state = "waitlisted"
            cursor.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM trainings_registration "
                "WHERE session_id = %s",
                [session_id],
            )
            position = cursor.fetchone()[0]
        cursor.execute(
            INSERT,
            [
                session_id,
                request.POST.get("name", ""),
                request.POST.get("email", ""),
                state,
                position,
                str(uuid.uuid4()),
                now,
                now,
            ],
        )
        if state == "confirmed":
            cursor.execute(
                "UPDATE trainings_session SET confirmed_count = confirmed_count + 1 WHERE id = %s",
                [session_id],
            )
    return HttpResponseRedirect(f"/done/{session_id}/")


urlpatterns = [path("register/", register)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
