"""The baselines of bench/registration_burst.py: a bare Django app, outside the portal.

No middleware, no templates, no forms: two views that do what a registration cannot do without
(lock the session row, count, insert the registration, update the counter, redirect) on the
portal's own tables — ``/register/`` with raw SQL through the connection's cursor (the
strictest floor), ``/register-orm/`` with Django's ORM (``select_for_update``, ``create``,
``F()``; two unmanaged models mapped onto the same tables), the "bare Django lock + insert view".
Served by gunicorn with the same flags as the portal:

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
    INSTALLED_APPS=["bench"],
    USE_TZ=True,
    TIME_ZONE="Asia/Tokyo",
)
django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.db.models import F, Max  # noqa: E402
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


class Session(models.Model):
    capacity = models.PositiveIntegerField()
    confirmed_count = models.PositiveIntegerField()

    class Meta:
        app_label = "bench"
        db_table = "trainings_session"
        managed = False

    def __str__(self) -> str:
        return str(self.pk)


class Registration(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    kana = models.CharField(max_length=100, default="")
    email = models.EmailField()
    phone = models.CharField(max_length=30, default="")
    organisation_name = models.CharField(max_length=200, default="")
    state = models.CharField(max_length=12)
    position = models.PositiveIntegerField(null=True)
    source = models.CharField(max_length=10, default="web")
    external_id = models.CharField(max_length=100, default="")
    checkin_token = models.UUIDField(default=uuid.uuid4)
    language = models.CharField(max_length=10, default="ja")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "bench"
        db_table = "trainings_registration"
        managed = False

    def __str__(self) -> str:
        return self.email


def register_orm(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("ok")
    session_id = int(request.POST["session"])
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        session = Session.objects.select_for_update().get(pk=session_id)
        position = None
        state = "confirmed"
        if session.confirmed_count >= session.capacity:
            state = "waitlisted"
            top = Registration.objects.filter(session=session).aggregate(m=Max("position"))["m"]
            position = (top or 0) + 1
        Registration.objects.create(
            session=session,
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            state=state,
            position=position,
        )
        if state == "confirmed":
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
    return HttpResponseRedirect(f"/done/{session_id}/")


urlpatterns = [path("register/", register), path("register-orm/", register_orm)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
