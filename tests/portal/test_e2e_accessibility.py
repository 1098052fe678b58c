"""axe-core (WCAG 2.1 A and AA) over every page each role can open: 0 violations.

The pages come from the access tables (``tests/<app>/access.py``): every GET entry whose
outcome for the role is OK and whose answer is an HTML page, with the objects each table's
``setup()`` creates. Anonymous visitors see every page reachable without log-in.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.access import OK, ROLES
from tests.conftest import make_user

from .test_access_matrix import _setup_values, access_table

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def pages_for(role: str) -> list[str]:
    urls: dict[str, None] = {}
    values: dict[str, dict[str, object]] = {}
    for _route, (table, entry) in sorted(access_table().items()):
        if entry.method != "GET" or entry.data or getattr(entry, role) != OK:
            continue
        if table not in values:
            values[table] = _setup_values(table)
        urls[entry.url.format(**values[table])] = None
    return list(urls)


def violations_of(page: Any, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error

    try:
        response = page.goto(url)
    except Error as exc:
        if "Download is starting" in str(exc):
            return []  # downloads (CSV, PDF, XLSX) are not pages
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return []  # downloads (CSV, PDF, XLSX) are not pages
    page.wait_for_load_state()
    result = Axe().run(page, options=WCAG_21_AA)
    lines = []
    for violation in result.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(f"{url}: {violation['id']} ({violation['impact']}) at {targets}")
    return lines


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_each_role_has_no_axe_violation(
    role: str, language: str, browser: Any, live_server: Any, reference_data: None,
    django_user_model: Any,
) -> None:  # fmt: skip
    from surveys import services as surveys_services

    surveys_services.instrument_load_all()  # the transactional flush removed the instruments
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ja-JP", base_url=live_server.url
    )
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if role != "anonymous":
        user = make_user(django_user_model, f"axe-{role}", role, is_staff=role == "secretariat")
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
    context.add_cookies(cookies)
    page = context.new_page()
    try:
        urls = pages_for(role)
        assert len(urls) >= 5, urls
        found = [line for url in urls for line in violations_of(page, url)]
    finally:
        context.close()
    assert found == [], f"{len(found)} axe violation(s) as {role} ({language}):\n" + "\n".join(
        found
    )
