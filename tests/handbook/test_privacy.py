"""Item 6 of issue 11: privacy a resident can rely on, proven here.

- no handbook query string reaches an access log (gunicorn as `make serve` runs it);
- a failed search is kept only once the same text came 3 times that day, without names, e-mail
  addresses or phone numbers, and with a cap on distinct texts per day;
- the report form works without any cookie (same-origin check + rate limit);
- a cached page shows exactly what its own visitor typed;
- a per-channel funnel, with small counts shown to staff as 「10未満」.
"""

import io
import logging
import random
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from handbook import services
from handbook.demo import seed_demo
from handbook.models import Service, UsageDaily, Worry, WrongEntryReport

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(settings: object) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]
    cache.clear()
    seed_demo()


# --- Access log ---------------------------------------------------------------------------------


def _gunicorn_access_line(raw_uri: str) -> str:
    """One access-log line written by gunicorn with the configuration `make serve` uses."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    namespace: dict[str, object] = {}
    conf_path = ROOT / "kitakyushu_pf" / "gunicorn_conf.py"
    exec(compile(conf_path.read_text(), str(conf_path), "exec"), namespace)  # noqa: S102
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    cfg.set("accesslog", "-")
    log = Logger(cfg)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log.access_log.handlers = [handler]
    path, _, query = raw_uri.partition("?")

    class Resp:
        status = "200 OK"
        status_code = 200
        response_length = 1234
        sent = 1234
        headers = [("Content-Type", "text/html")]

    class Req:
        headers = [("USER-AGENT", "ProbePhone/1.0"), ("REFERER", "http://x/handbook/?q=借金")]

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "ProbePhone/1.0",
        "HTTP_REFERER": "http://x/handbook/?q=借金",
    }
    import datetime as dt

    log.access(Resp(), Req(), environ, dt.timedelta(milliseconds=5))
    return stream.getvalue()


def test_access_log_holds_no_query_string_ip_or_user_agent() -> None:
    line = _gunicorn_access_line("/handbook/?q=夫に殴られる%20死にたい&src=qr")
    assert "/handbook/" in line and "200" in line
    for leak in ("q=", "殴", "%E6", "src=qr", "203.0.113.9", "ProbePhone", "借金", "?"):
        assert leak not in line, (leak, line)


def test_make_serve_uses_that_configuration() -> None:
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "-c kitakyushu_pf/gunicorn_conf.py" in serve
    assert (
        "--access-logfile" not in serve
        or "access_log_format" in (ROOT / "kitakyushu_pf" / "gunicorn_conf.py").read_text()
    )


def test_readme_nginx_log_format_has_no_query_string() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"log_format\s+handbook[^;]*;", readme)
    assert block, "README lacks the nginx log_format"
    fmt = block.group(0)
    assert "$uri" in fmt
    for leak in (
        "$request ",
        "$request'",
        "$request_uri",
        "$args",
        "$query_string",
        "$remote_addr",
        "$http_user_agent",
        "$http_referer",
    ):
        assert leak not in fmt, leak


# --- Failed searches ------------------------------------------------------------------------------


def _empty_rows() -> dict[str, int]:
    services.usage_flush()
    return {u.key: u.count for u in UsageDaily.objects.filter(kind=UsageDaily.Kind.SEARCH_EMPTY)}


def test_a_failed_search_is_kept_only_after_three_times_that_day(client, demo) -> None:
    url = reverse("handbook:home")
    client.get(url, {"q": "ぴよぴよ"})
    client.get(url, {"q": "ぴよぴよ"})
    assert "ぴよぴよ" not in _empty_rows()
    client.get(url, {"q": "ぴよぴよ"})
    assert _empty_rows()["ぴよぴよ"] == 3
    client.get(reverse("handbook:api-search"), {"q": "ぴよぴよ"})
    assert _empty_rows()["ぴよぴよ"] == 4


def test_names_mail_and_phone_numbers_never_stored(client, demo) -> None:
    url = reverse("handbook:home")
    for _ in range(3):
        client.get(url, {"q": "xyzzy 山田花子 090-12-34-5678"})
        client.get(url, {"q": "ふがふが taro.k@example.jp 田中さん"})
    rows = _empty_rows()
    assert rows.get("xyzzy") == 3
    assert rows.get("ふがふが") == 3
    stored = " ".join(rows)
    for leak in ("山田", "花子", "田中", "090", "5678", "12-34", "example", "taro", "@"):
        assert leak not in stored, (leak, rows)


def test_distinct_failed_texts_per_day_are_capped(client, demo, settings) -> None:
    settings.HANDBOOK_EMPTY_SEARCH_DAILY_CAP = 5
    url = reverse("handbook:home")
    # 300 one-off queries: none of them is kept at all. Random letters would sometimes spell a
    # word the handbook knows (「zq1cafe9」 finds 居場所, 「zq180509」 the 8050 problem), so the
    # texts are drawn from a fixed seed and each must really have found nothing.
    rng = random.Random(300)
    for _ in range(300):
        q = "zq" + "".join(rng.choices("xzqjkvw", k=8))
        data = client.get(reverse("handbook:api-search"), {"q": q}).json()
        assert data["fallback"] or not data["worries"], (q, data["worries"][:1])
    assert [k for k in _empty_rows() if k] == []
    # Many texts that each come 3 times: at most the cap is kept word for word.
    for i in range(12):
        for _ in range(3):
            client.get(url, {"q": f"ほげ{'ぴ' * (i + 1)}"})
    kept = [k for k in _empty_rows() if k]
    assert len(kept) == 5
    # Every empty search is still counted, without its text.
    assert _empty_rows()[""] == 300 + 36


# --- Report form without cookies ---


def _service() -> Service:
    return Service.objects.filter(is_active=True).first()


def test_report_form_works_with_no_cookie_at_all(demo) -> None:
    browser = Client(enforce_csrf_checks=True)
    url = reverse("handbook:report-create", args=[_service().pk])
    r = browser.get(url)
    assert r.status_code == 200
    assert not r.cookies
    assert "csrfmiddlewaretoken" not in r.content.decode()
    r = browser.post(url, {"reason": "phone"}, HTTP_ORIGIN="http://testserver")
    assert r.status_code == 302 and r.url == reverse("handbook:report-thanks")
    assert not r.cookies
    assert not browser.cookies
    assert WrongEntryReport.objects.count() == 1


def test_report_from_another_site_is_refused(demo) -> None:
    """The stranger's page posting into a visitor's browser: refused, nothing stored."""
    url = reverse("handbook:report-create", args=[_service().pk])
    stranger = Client(enforce_csrf_checks=True)
    r = stranger.post(url, {"reason": "closed"}, HTTP_ORIGIN="https://evil.example")
    assert r.status_code == 403
    r = stranger.post(url, {"reason": "closed"})  # neither Origin nor Referer
    assert r.status_code == 403
    r = stranger.post(url, {"reason": "closed"}, HTTP_REFERER="https://evil.example/form")
    assert r.status_code == 403
    assert WrongEntryReport.objects.count() == 0
    # The real visitor on the handbook's own page still gets through (Referer only, old browser).
    visitor = Client(enforce_csrf_checks=True)
    r = visitor.post(url, {"reason": "phone"}, HTTP_REFERER=f"http://testserver{url}")
    assert r.status_code == 302
    assert WrongEntryReport.objects.count() == 1


def test_report_flood_is_rate_limited(demo, settings) -> None:
    url = reverse("handbook:report-create", args=[_service().pk])
    flooder = Client(REMOTE_ADDR="198.51.100.7")
    codes = [
        flooder.post(url, {"reason": "other"}, HTTP_ORIGIN="http://testserver").status_code
        for _ in range(settings.HANDBOOK_REPORTS_PER_HOUR + 3)
    ]
    assert codes[: settings.HANDBOOK_REPORTS_PER_HOUR] == [302] * settings.HANDBOOK_REPORTS_PER_HOUR
    assert codes[-1] == 429
    assert WrongEntryReport.objects.count() == settings.HANDBOOK_REPORTS_PER_HOUR
    # Someone else (another address) is not blocked by the flood.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(url, {"reason": "hours"}, HTTP_ORIGIN="http://testserver").status_code == 302


# --- Page cache keys ------------------------------------------------------------------------------


def test_cached_results_page_shows_each_visitor_their_own_words(demo) -> None:
    a, b = Client(), Client()
    url = reverse("handbook:home")
    ra = a.get(url, {"q": "お金がない！！ 山田"})
    rb = b.get(url, {"q": "お金がない 山田"})
    assert "お金がない！！ 山田" in ra.content.decode()
    html_b = rb.content.decode()
    assert "お金がない 山田" in html_b
    assert "！！" not in html_b


# --- Funnel --------------------------------------------------------------------------------------


def test_per_channel_funnel_visits_results_and_taps(client, demo) -> None:
    money = Worry.objects.get(text="お金がなくて生活が苦しい")
    inside = {"HTTP_REFERER": "http://testserver/handbook/"}
    # The QR code on a leaflet: a visit from "qr".
    client.get(reverse("handbook:home"), {"src": "qr"})
    r = client.get(reverse("handbook:category-detail", args=["money"]), {"src": "qr"}, **inside)
    # Links inside the handbook keep the channel.
    assert f'href="{reverse("handbook:home")}?src=qr"' in r.content.decode()
    assert '<input type="hidden" name="src" value="qr">' in r.content.decode()
    client.get(reverse("handbook:results"), {"w": money.pk, "src": "qr"}, **inside)
    # Someone else typed the address: a direct visit that also reaches results.
    client.get(reverse("handbook:results"), {"w": money.pk})
    tap = reverse("handbook:tap")
    assert client.post(tap, {"src": "qr", "kind": "tel"}).status_code == 204
    assert client.post(tap, {"src": "qr", "kind": "web"}).status_code == 204
    assert client.post(tap, {"src": "ad", "kind": "bogus"}).status_code == 400
    services.usage_flush()
    funnel = {u.key: u.count for u in UsageDaily.objects.filter(kind=UsageDaily.Kind.FUNNEL)}
    assert funnel == {
        "qr:visit": 1,
        "qr:results": 1,
        "qr:tel": 1,
        "qr:web": 1,
        "direct:visit": 1,
        "direct:results": 1,
    }


def test_staff_see_small_funnel_counts_as_under_ten(secretariat_client, demo) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    UsageDaily.objects.create(date=today, kind="funnel", key="qr:visit", count=42)
    UsageDaily.objects.create(date=today, kind="funnel", key="qr:results", count=7)
    UsageDaily.objects.create(
        date=today - dt.timedelta(days=1), kind="funnel", key="qr:tel", count=3
    )
    html = secretariat_client.get(reverse("handbook:staff-dashboard")).content.decode()
    funnel = html.split('id="funnel"', 1)[1].split("</table>", 1)[0]
    assert "42" in funnel
    assert "10未満" in funnel
    assert ">7<" not in funnel and ">3<" not in funnel


# --- Early cache (item 7): answered before the session/auth/CSRF/messages/axes middleware ------


def test_anonymous_repeat_get_skips_the_inner_middleware_and_keeps_headers(
    client, demo, monkeypatch
) -> None:
    from axes.middleware import AxesMiddleware
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    money = Worry.objects.get(text="お金がなくて生活が苦しい")
    urls = [
        reverse("handbook:home"),
        reverse("handbook:category-detail", args=["money"]),
        reverse("handbook:results") + f"?w={money.pk}",
        reverse("handbook:api-search") + "?q=お金",
        reverse("handbook:api-services") + f"?worry={money.pk}",
    ]
    first = {u: client.get(u) for u in urls}
    calls: list[str] = []
    for cls, name in [
        (SessionMiddleware, "process_request"),
        (CsrfViewMiddleware, "process_view"),
        (MessageMiddleware, "process_request"),
    ]:
        original = getattr(cls, name)

        def spy(self, *args, _original=original, _name=cls.__name__, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, spy)
    original_axes = AxesMiddleware.__call__
    monkeypatch.setattr(
        AxesMiddleware,
        "__call__",
        lambda self, request: calls.append("axes") or original_axes(self, request),
    )
    for url in urls:
        again = client.get(url)
        assert again.status_code == 200
        assert again.content == first[url].content
        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "Cache-Control",
        ):
            assert again.headers.get(header) == first[url].headers.get(header), (url, header)
            assert again.headers.get(header), (url, header)
        assert not again.cookies
    assert calls == []
    # The counts are the same as if the view had answered.
    services.usage_flush()
    ticked = UsageDaily.objects.get(kind="worry", key=str(money.pk)).count
    assert ticked == 4  # results twice, api-services twice


def test_early_cache_hits_count_like_the_view_and_reach_the_table(
    client, demo, settings, monkeypatch
) -> None:
    """A hit adds the counts of the plan stored with the page (no query parsing, no view), per
    request: channel and funnel visit only for a visit from outside, results and the ticked
    worries every time, all on the day of the page's minute; they are written by the flush."""
    from handbook import views

    worries = list(Worry.objects.order_by("pk")[:3])
    query = {"w": [w.pk for w in worries], "src": "qr"}
    url = reverse("handbook:results")
    inside = {"HTTP_REFERER": "http://testserver/handbook/"}
    outside = {"HTTP_REFERER": "https://www.city.kitakyushu.lg.jp/"}
    first = client.get(url, query)  # a miss: the view counts, the page is stored
    planned: list[str] = []
    original_plan = views.count_plan

    def plan_spy(*args, **kwargs):
        planned.append(kwargs["route"])
        return original_plan(*args, **kwargs)

    monkeypatch.setattr(views, "count_plan", plan_spy)
    monkeypatch.setattr(views, "_counted", lambda *a, **k: pytest.fail("the view ran"))
    for headers in ({}, outside, inside, inside, {}):
        again = client.get(url, query, **headers)
        assert again.content == first.content
    assert planned == []  # every hit used the stored plan
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 0  # the next hit finds the tally due and writes it
    client.get(url, query, **inside)
    assert not services._usage
    counts = {(u.kind, u.key): u.count for u in UsageDaily.objects.all()}
    from django.utils import timezone

    assert set(UsageDaily.objects.values_list("date", flat=True)) == {timezone.localdate()}
    views_total, from_outside = 7, 4  # the miss + 6 hits; the miss, {}, outside, {}
    assert counts == {
        ("channel", "qr"): from_outside,
        ("funnel", "qr:visit"): from_outside,
        ("funnel", "qr:results"): views_total,
        ("results", ""): views_total,
        **{("worry", str(w.pk)): views_total for w in worries},
    }


def test_early_cache_hit_of_a_failed_search_still_handles_its_text(client, demo) -> None:
    url = reverse("handbook:api-search")
    for _ in range(3):  # one miss, two hits: the text reaches the minimum repeats
        assert client.get(url, {"q": "xyzzyplugh"}).status_code == 200
    services.usage_flush()
    empty = {u.key: u.count for u in UsageDaily.objects.filter(kind="search_empty")}
    assert empty == {"": 3, "xyzzyplugh": 3}
    assert UsageDaily.objects.get(kind="search").count == 3


def test_someone_with_a_session_always_gets_the_full_stack(secretariat_client, demo) -> None:
    url = reverse("handbook:home")
    Client().get(url)  # an anonymous copy exists
    r = secretariat_client.get(url)
    assert r.status_code == 200
    assert r.wsgi_request.user.is_authenticated  # went through the auth middleware


def test_content_version_copy_is_dropped_by_a_change_in_this_process(settings) -> None:
    from handbook import selectors

    settings.HANDBOOK_VERSION_CHECK_SECONDS = 60
    cache.clear()
    selectors.content_version_forget()
    first = selectors.content_version()
    cache.set(selectors.VERSION_KEY, "changed elsewhere", timeout=None)
    assert selectors.content_version() == first  # another process's change: within the second
    services.content_version_bump()
    assert selectors.content_version() not in (first, None)  # this process's change: at once
    selectors.content_version_forget()


def test_early_cache_routes_match_the_urlconf() -> None:
    from django.urls import resolve

    from handbook.middleware import _CATEGORY, ROUTES
    from handbook.views import HANDBOOK_PREFIX

    assert reverse("handbook:home") == HANDBOOK_PREFIX
    names = {"home": "home", "results": "results", "api-search": "api-search",
             "api-services": "api-services"}  # fmt: skip
    for rest, route in ROUTES.items():
        assert resolve(HANDBOOK_PREFIX + rest).url_name == names[route]
    assert _CATEGORY.fullmatch(reverse("handbook:category-detail", args=["money"])[10:])


def test_a_count_write_that_fails_never_fails_the_residents_page(client, demo, settings) -> None:
    """The database is down when the tally falls due: the page still answers, the counts wait
    in the process and are written by the next flush."""
    from django.db import OperationalError

    url = reverse("handbook:home")
    assert client.get(url).status_code == 200  # stored in the early cache
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 0
    real_filter = UsageDaily.objects.filter

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    UsageDaily.objects.filter = down  # type: ignore[method-assign]
    try:
        hit = client.get(url)  # an early-cache hit finds the tally due
        miss = client.get(reverse("handbook:category-detail", args=["money"]))  # the view counts
    finally:
        UsageDaily.objects.filter = real_filter  # type: ignore[method-assign]
    assert hit.status_code == 200 and miss.status_code == 200
    assert services._usage  # nothing counted was thrown away
    services.usage_flush()
    assert not services._usage
    assert UsageDaily.objects.filter(kind="funnel").exists()
