import json
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from kitakyushu_pf.celery import app


@pytest.mark.django_db
def test_home_in_japanese_leads_each_user_group(client: Any) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    for text in ("お悩みハンドブック", "研修", "協議会", "調査"):
        assert text in html
    for name in ("handbook:home", "trainings:programme-list", "members:organisation-list",
                 "surveys:dataset-list"):  # fmt: skip
        assert f'href="{reverse(name)}"' in html
    assert "093-582-2060" in html  # the secretariat's verified number in the footer
    assert 'href="#main"' in html  # skip link


@pytest.mark.django_db
def test_home_switches_to_english_and_back(client: Any) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Worries handbook" in html
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert "お悩みハンドブック" in client.get("/").content.decode()


@pytest.mark.django_db
def test_healthz_reports_every_part(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in {"eager", "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_dead_broker_gives_503_not_a_crash(client: Any, monkeypatch: Any) -> None:
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery prefers the variable to its config
    old = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = dead
    try:
        response = client.get("/healthz")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = old
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
)
def test_healthz_dead_cache_is_reported_down(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"


@pytest.mark.django_db
def test_login_page_renders_in_japanese(client: Any) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "ログイン" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_a_friendly_403(client: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "もう一度" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_sends_mail(client: Any, member_user: Any, mailoutbox: list[Any]) -> None:
    response = client.post(reverse("password_reset"), {"email": member_user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert member_user.email in mailoutbox[0].to


@pytest.mark.django_db
def test_too_many_fields_is_a_clear_400_not_a_crash(client: Any) -> None:
    data = {f"f{i}": "x" for i in range(1001)}
    response = client.post(reverse("login"), data)
    assert response.status_code == 400
    assert "リクエスト" in response.content.decode()


@pytest.mark.django_db
def test_too_many_files_is_a_clear_400_not_a_crash(client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {f"f{i}": SimpleUploadedFile(f"{i}.csv", b"a,b\n") for i in range(21)}
    response = client.post(reverse("login"), files)
    assert response.status_code == 400
    assert "リクエスト" in response.content.decode()
