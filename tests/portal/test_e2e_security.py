"""In a real browser: the foundation's pages raise no CSP violation, and a lockout is shown."""

from typing import Any

import pytest
from django.conf import settings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_foundation_pages_raise_no_csp_violation(page: Any, live_server: Any) -> None:
    for path in ("/", "/accounts/login/", "/accounts/password_reset/", "/no-such-page/",
                 "/handbook/"):  # fmt: skip
        page.goto(live_server.url + path)
        page.wait_for_load_state()
    assert page.csp_violations == []
    assert page.js_errors == []


def test_repeated_failed_logins_show_the_japanese_lockout_page(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="browser", password="pw-for-tests-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("ユーザー名").fill("browser")
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン", exact=True).last.click()
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "ログインの失敗が続きました"
    assert "15分" in page.locator("main").inner_text()
    assert page.csp_violations == []
