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


LANGUAGES = ("ja", "easy", "en", "zh-hans", "ko", "vi")
SHOTS = "/tmp/h11-shots"


def _handbook_pages() -> list[str]:
    from handbook.models import Service, Worry

    money = Worry.objects.get(key="no-money").pk
    window = Service.objects.filter(is_active=True).order_by("pk").first()
    assert window is not None
    return [
        "/handbook/",
        "/handbook/?q=お金がない",
        "/handbook/?q=死にたい",
        "/handbook/?q=xyzzy",  # nothing fits: nearest topics and a 24-hour line
        "/handbook/c/money/",
        f"/handbook/results/?w={money}",
        "/handbook/s/",
        "/handbook/s/seikatsu-hogo/",
        f"/handbook/report/{window.pk}/",
        "/handbook/report/thanks/",
    ]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_handbook_page_is_axe_clean_in_each_language(live_server, phone_page, lang) -> None:
    from tests.portal.test_e2e_accessibility import violations_of

    seed_demo()
    page = phone_page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    found: list[str] = []
    for path in _handbook_pages():
        sep = "&" if "?" in path else "?"
        found += violations_of(page, f"{live_server.url}{path}{sep}lang={lang}")
    assert found == [], f"{len(found)} axe violation(s) ({lang}):\n" + "\n".join(found)
    assert page.context.cookies() == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_easy_japanese_ruby_on_a_phone(live_server, phone_page) -> None:
    """390 px screenshots of やさしい日本語 pages (look at them: readings above, never touching)."""
    import os

    from handbook.models import Worry

    seed_demo()
    os.makedirs(SHOTS, exist_ok=True)
    page = phone_page
    money = Worry.objects.get(key="no-money").pk
    for name, path in (
        ("category", "/handbook/c/money/?lang=easy"),
        ("results", f"/handbook/results/?w={money}&lang=easy"),
        ("scheme", "/handbook/s/seikatsu-hogo/?lang=easy"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=f"{SHOTS}/easy-{name}-390.png", full_page=True)
        rubies = page.locator("main ruby")
        assert rubies.count() > 5
        # Each reading sits above its base and inside the page width.
        box = rubies.first.locator("rt").bounding_box()
        base = rubies.first.bounding_box()
        assert box is not None and base is not None
        assert box["y"] <= base["y"] + 2 and box["x"] + box["width"] <= 390
