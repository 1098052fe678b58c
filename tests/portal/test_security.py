"""Production headers and cookies, no-store for signed-in users, login throttling, denial logs."""

import json
import logging
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .csp_check import csp_inline_offences

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_KEYS = [
    "DEBUG", "MIDDLEWARE", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE",
    "CONTENT_SECURITY_POLICY", "SECRET_KEY_FALLBACKS",
]  # fmt: skip


@cache
def production_settings() -> dict[str, Any]:
    """The security settings exactly as `DJANGO_ENV=production` computes them (fresh process)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60 + "production-test-key",
        "DJANGO_SECRET_KEY_FALLBACKS": "old-key-" + "y" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver,tsunagaru.example.jp",
        "AXES_PROXY_COUNT": "1",
    }
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_KEYS!r}}}, default=list))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings: Any) -> dict[str, Any]:
    values = production_settings()
    for key, value in values.items():
        setattr(settings, key, value)
    return values


def https_client(**kwargs: Any) -> Client:
    return Client(HTTP_X_FORWARDED_PROTO="https", **kwargs)


def test_production_settings_rotate_keys_and_secure_every_cookie() -> None:
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECRET_KEY_FALLBACKS"] == ["old-key-" + "y" * 50]
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert values[f"{cookie}_COOKIE_SAMESITE"] in {"Lax", "Strict"}


@pytest.mark.django_db
def test_production_pages_carry_the_security_headers(production: dict[str, Any]) -> None:
    response = https_client().get("/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "frame-ancestors 'none'"):  # fmt: skip
        assert directive in csp
    assert "unsafe-inline" not in csp


@pytest.mark.django_db
def test_production_redirects_plain_http_to_https(production: dict[str, Any]) -> None:
    response = Client().get("/handbook/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/handbook/"


def _cookie_flags(response: Any, name: str) -> dict[str, Any]:
    morsel = response.cookies[name]
    return {
        "secure": morsel["secure"],
        "httponly": morsel["httponly"],
        "samesite": morsel["samesite"],
    }


@pytest.mark.django_db
def test_production_cookies_are_secure_httponly_samesite_and_forms_still_work(
    production: dict[str, Any], member_user: Any
) -> None:
    client = https_client(enforce_csrf_checks=True)
    page = client.get(reverse("login"), secure=True)
    assert _cookie_flags(page, "csrftoken") == {"secure": True, "httponly": True, "samesite": "Lax"}
    # The CSRF cookie is invisible to scripts; the form carries the token in its hidden input.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        reverse("login"),
        {"username": member_user.username, "password": "pw-for-tests-123",
         "csrfmiddlewaretoken": token.group(1)},
        HTTP_ORIGIN="https://testserver",  # browsers send it; HTTPS requires a same origin
        secure=True,
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]
    assert _cookie_flags(response, "sessionid") == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
    home = client.get("/", secure=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.content.decode())
    assert token is not None
    switched = client.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token.group(1)},
        HTTP_ORIGIN="https://testserver",
        secure=True,
    )
    assert switched.status_code == 302
    assert _cookie_flags(switched, settings.LANGUAGE_COOKIE_NAME) == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }


@pytest.mark.django_db
def test_production_pages_satisfy_the_csp(production: dict[str, Any]) -> None:
    client = https_client()
    for url in ("/", reverse("login"), reverse("password_reset"), "/no-such-page/"):
        html = client.get(url).content.decode()
        assert csp_inline_offences(html) == [], url


def test_csp_checker_catches_what_the_policy_blocks() -> None:
    bad = (
        '<script>alert(1)</script><div style="color:red" onclick="x()"></div>'
        '<style>p{}</style><a href="javascript:void(0)">x</a>'
    )
    assert len(csp_inline_offences(bad)) == 5
    ok = '<script src="/static/a.js" defer></script><script type="application/json">{}</script>'
    assert csp_inline_offences(ok) == []


# --- Cache-Control: personal pages never cached -------------------------------------------------


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_not_stored(member_client: Any) -> None:
    response = member_client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_anonymous_pages_stay_cacheable(client: Any) -> None:
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
def test_an_explicit_cache_control_is_kept(member_client: Any) -> None:
    response = member_client.get("/cached/")
    assert response["Cache-Control"] == "max-age=300, private"


# --- Login throttling (django-axes) -------------------------------------------------------------


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_repeated_failed_logins_are_locked_out_in_japanese(
    client: Client, member_user: Any
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _login(client, member_user.username, "wrong-password")
        assert response.status_code == 200  # the form again, with an error
    response = _login(client, member_user.username, "wrong-password")
    assert response.status_code in {403, 429}
    html = response.content.decode()
    assert "ログイン" in html and "15" in html
    # Even the right password is refused while locked out.
    response = _login(client, member_user.username, "pw-for-tests-123")
    assert response.status_code in {403, 429}
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client: Client, member_user: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, member_user.username, "wrong-password").status_code == 200
    assert _login(client, member_user.username, "pw-for-tests-123").status_code == 302
    client.post(reverse("logout"))
    for _ in range(limit - 1):
        assert _login(client, member_user.username, "wrong-password").status_code == 200
    assert _login(client, member_user.username, "pw-for-tests-123").status_code == 302


# --- Denials are logged ------------------------------------------------------------------------

SECURITY_LOGGER = "kitakyushu_pf.security"


def _denials(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SECURITY_LOGGER]


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
@pytest.mark.parametrize("url", ["/guarded/", "/guarded-cbv/"])
def test_role_denials_are_logged_once_without_personal_data(
    url: str, member_client: Any, member_user: Any, caplog: Any
) -> None:
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    response = member_client.get(url)
    assert response.status_code == 403
    assert "アクセス" in response.content.decode()  # templates/403.html, in Japanese
    records = _denials(caplog)
    assert len(records) == 1
    message = records[0].getMessage()
    assert records[0].levelno == logging.WARNING
    assert f"user_id={member_user.pk}" in message
    assert f"path={url}" in message
    assert "role_required(analyst)" in message
    assert member_user.username not in message and member_user.email not in message


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
def test_the_right_role_is_not_logged(analyst_client: Any, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    assert analyst_client.get("/guarded/").status_code == 200
    assert _denials(caplog) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
@pytest.mark.parametrize("url", ["/denied/", "/forbidden/"])
def test_every_403_is_logged(url: str, client: Client, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    assert client.get(url).status_code == 403
    records = _denials(caplog)
    assert len(records) == 1
    assert "user_id=anonymous" in records[0].getMessage()
    assert f"path={url}" in records[0].getMessage()


@pytest.mark.django_db
def test_csrf_failures_are_logged(caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    assert len(_denials(caplog)) == 1


@pytest.mark.django_db
def test_admin_is_staff_only(member_user: Any, secretariat_user: Any) -> None:
    member, staff = Client(), Client()
    member.force_login(member_user)
    staff.force_login(secretariat_user)
    response = member.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert staff.get("/admin/").status_code == 200


# --- Friendly 503 when the database is unreachable ---------------------------------------------


def test_the_503_page_renders_without_touching_the_database() -> None:
    # No django_db mark: any query here would raise.
    from kitakyushu_pf.middleware import database_unavailable_response

    response = database_unavailable_response()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "混雑" in html or "メンテナンス" in html
    assert settings.PORTAL_SECRETARIAT["phone"] in html
    assert csp_inline_offences(html) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
def test_a_database_error_in_a_view_is_a_logged_503(client: Client, caplog: Any) -> None:
    caplog.set_level(logging.ERROR, logger="kitakyushu_pf.availability")
    response = client.get("/db-gone/")
    assert response.status_code == 503
    assert "しばらくしてから" in response.content.decode() or "数分" in response.content.decode()
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_denials")
def test_a_database_error_outside_the_view_is_still_503(monkeypatch: Any) -> None:
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import OperationalError

    def broken_save(self: Any, must_create: bool = False) -> None:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "save", broken_save)
    response = Client(raise_request_exception=False).get("/session/")
    assert response.status_code == 503
