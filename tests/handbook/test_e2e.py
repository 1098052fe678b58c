import pytest

from handbook.demo import seed_demo


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_phone_type_a_worry_tick_two_and_call(live_server, phone_page) -> None:
    seed_demo()
    page = phone_page
    # The site-wide 404 page (here for /favicon.ico) carries the navbar's language form and its
    # CSRF cookie; keep the check on the handbook's own pages.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page.goto(f"{live_server.url}/handbook/")
    page.fill("#q", "お金がない")
    page.press("#q", "Enter")
    page.wait_for_selector(".worry-option")
    boxes = page.locator(".worry-option input[type=checkbox]")
    assert boxes.count() >= 2
    # The best match is ticked already; tick one more.
    assert boxes.nth(0).is_checked()
    boxes.nth(1).check()
    page.get_by_role("button", name="相談先を見る").click()
    page.wait_for_selector(".service-card")
    assert "/handbook/results/?w=" in page.url
    calls = page.locator("a.btn-call[href^='tel:']")
    assert calls.count() >= 1
    assert page.locator("[data-quick-exit]").is_visible()
    assert page.context.cookies() == []
    assert page.csp_violations == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_phone_shinitai_shows_crisis_lines_and_quick_exit_leaves(live_server, phone_page) -> None:
    seed_demo()
    page = phone_page
    page.route("https://www.google.co.jp/**", lambda route: route.fulfill(body="neutral"))
    page.goto(f"{live_server.url}/handbook/?q=死にたい")
    crisis = page.locator("[data-crisis]")
    assert crisis.is_visible()
    assert "いのちの電話" in crisis.inner_text()
    page.locator("[data-quick-exit]").click()
    page.wait_for_url("https://www.google.co.jp/**")
    assert page.csp_violations == []
