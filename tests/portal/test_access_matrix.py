"""Every URL pattern of the portal is declared in an access table, and behaves as declared.

Add a new URL → add its entry to ``tests/<app>/access.py`` (the failure lists exactly what is
missing, with the file to edit). Entries whose pattern no longer exists are reported as stale.
"""

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import (
    BAD_REQUEST,
    DENIED,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    ROLES,
    Access,
)
from tests.conftest import make_user

from .csp_check import csp_inline_offences

TESTS_DIR = Path(__file__).resolve().parent.parent
# Which access table declares a view, by the view's top-level package.
APPS = ("members", "trainings", "casestudies", "surveys", "handbook")
FOUNDATION_PACKAGES = {"kitakyushu_pf", "django", "axes"}
ADMIN_PREFIX = "admin/"


def _route(pattern: Any) -> str:
    text = str(pattern.pattern)
    return text.removeprefix("^").removesuffix("$").removesuffix("\\Z")


def url_patterns() -> dict[str, dict[str, str]]:
    """Every routable pattern: full route → {name, table}. The admin counts once as `admin/`."""
    found: dict[str, dict[str, str]] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + _route(p)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                if route == ADMIN_PREFIX:
                    found[ADMIN_PREFIX] = {"name": "admin:index", "table": "portal"}
                    continue
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                package = p.callback.__module__.split(".")[0]
                table = "portal" if package in FOUNDATION_PACKAGES else package
                name = f"{namespace}{p.name}" if p.name else "(unnamed)"
                found.setdefault(route, {"name": name, "table": table})

    walk(get_resolver().url_patterns, "", "")
    return found


def access_table() -> dict[str, tuple[str, Access]]:
    """All declared entries: route → (table, entry), from tests/portal and tests/<app>/access.py."""
    table: dict[str, tuple[str, Access]] = {}
    for name in ("portal", *APPS):
        try:
            module = importlib.import_module(f"tests.{name}.access")
        except ModuleNotFoundError:
            continue
        for route, entry in module.ENTRIES.items():
            assert route not in table, f"{route} is declared twice"
            table[route] = (name, entry)
    return table


def _setup_values(table: str) -> dict[str, object]:
    """The objects the table's URLs need (each table formats its URLs from its own setup)."""
    module = importlib.import_module(f"tests.{table}.access")
    return module.setup() if hasattr(module, "setup") else {}


def test_every_url_pattern_has_a_declared_permission() -> None:
    patterns = url_patterns()
    table = access_table()
    missing = sorted(r for r in patterns if r not in table)
    stale = sorted(r for r in table if r not in patterns)
    lines = []
    for route in missing:
        info = patterns[route]
        lines.append(f'  "{route}"  [{info["name"]}]  → tests/{info["table"]}/access.py')
    for route in stale:
        lines.append(f'  "{route}"  declared in tests/{table[route][0]}/access.py but no such URL')
    assert not lines, (
        f"{len(missing)} URL pattern(s) without a declared permission, {len(stale)} stale:\n"
        + "\n".join(lines)
    )


def test_the_pattern_walk_sees_every_app_and_the_admin_once() -> None:
    patterns = url_patterns()
    tables = {info["table"] for info in patterns.values()}
    assert {"portal", *APPS} <= tables
    assert not any(r.startswith(ADMIN_PREFIX) and r != ADMIN_PREFIX for r in patterns)


def classify(response: Any) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return OK
    if code in {301, 302, 303, 307, 308}:
        location = response["Location"].split("?")[0]
        login_urls = {resolve_url(settings.LOGIN_URL), "/admin/login/"}
        return LOGIN if location in login_urls else REDIRECT
    return {400: BAD_REQUEST, 403: DENIED, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(
        code, f"status {code}"
    )


@pytest.fixture
def role_clients(django_user_model: Any) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        user = make_user(django_user_model, f"matrix-{role}", role, is_staff=role == "secretariat")
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(access_table()))
def test_access_matches_the_table(route: str, role_clients: dict[str, Client]) -> None:
    table, entry = access_table()[route]
    url = entry.url.format(**_setup_values(table))
    observed: dict[str, str] = {}
    for role, client in role_clients.items():
        if entry.method == "GET":
            response = client.get(url, entry.data)
        elif entry.method == "POST":
            response = client.post(url, entry.data)
        else:
            response = client.generic(entry.method, url)
        observed[role] = classify(response)
        content_type = response.get("Content-Type", "")
        if observed[role] == OK and content_type.startswith("text/html"):
            offences = csp_inline_offences(response.content.decode())
            assert offences == [], f"{url} as {role} would break the CSP: {offences}"
        if observed[role] == OK and role != "anonymous":
            assert "no-store" in response.get("Cache-Control", ""), (
                f"{url} as {role}: a page for a signed-in user must not be stored"
            )
    assert observed == entry.expected(), f"{route} ({url})"
