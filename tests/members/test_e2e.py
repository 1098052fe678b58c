from typing import Any

import pytest
from django.core.management import call_command

from kitakyushu_pf.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_member_logs_in_finds_a_person_by_field_and_opens_their_organisation(
    page: Any, live_server: Any
) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto(live_server.url + "/members/directory/")
    # Anonymous: sent to the login form.
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/members/directory/")
    # Click 1: the field 更生支援 lists people by name.
    page.get_by_role("link", name="更生支援").first.click()
    page.wait_for_url("**field=reentry**")
    card = page.locator(".person-card", has_text="（サンプル）見本 太郎")
    assert card.is_visible()
    assert "刑務所を出た人の住まい探し" in card.inner_text()
    # Click 2: their organisation, with its people.
    card.get_by_role("link", name="（サンプル）北九州すまいサポートネット").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("（サンプル）北九州すまいサポートネット")
    )
    assert page.locator(".person-card").count() >= 2
    assert page.csp_violations == []
    assert page.js_errors == []
