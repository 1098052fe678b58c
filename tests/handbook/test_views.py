import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from handbook import services
from handbook.demo import seed_demo
from handbook.models import Service, UsageDaily, Worry, WrongEntryReport
from kitakyushu_pf.roles import MEMBER
from tests.conftest import make_user

from .factories import ServiceFactory, WorryFactory

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
UA = "AnonymityProbe/9.9 (test)"
DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }
}


@pytest.fixture
def demo(settings: object) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]
    seed_demo()


def _worry(text: str) -> Worry:
    return Worry.objects.get(text=text)


def test_home_has_search_box_tiles_and_quick_exit(client, demo) -> None:
    r = client.get(reverse("handbook:home"))
    assert r.status_code == 200
    assert "handbook/handbook_home.html" in [t.name for t in r.templates]
    html = r.content.decode()
    assert "どんなことで困っていますか？" in html
    assert "data-quick-exit" in html and "https://www.google.co.jp/" in html
    assert html.count("category-tile") >= 12


def test_citizen_pages_set_no_cookie_and_no_session(client, demo) -> None:
    w = _worry("お金がなくて生活が苦しい")
    for url in [
        reverse("handbook:home"),
        reverse("handbook:home") + "?q=お金ない&src=qr",
        reverse("handbook:category-detail", args=["money"]),
        reverse("handbook:results") + f"?w={w.pk}",
        reverse("handbook:api-search") + "?q=お金",
        reverse("handbook:api-services") + f"?worry={w.pk}",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert not r.cookies, (url, r.cookies)
    assert Session.objects.count() == 0


def test_search_to_windows_in_three_taps(client, demo) -> None:
    """Type 「お金がない」 (1), tick (the best match is pre-ticked) (2), submit (3)."""
    r = client.get(reverse("handbook:home"), {"q": "お金がない"})
    html = r.content.decode()
    money = _worry("お金がなくて生活が苦しい")
    assert f'value="{money.pk}" checked' in html
    r = client.get(reverse("handbook:results"), {"w": [money.pk]})
    html = r.content.decode()
    assert 'href="tel:' in html and "btn-call" in html
    assert "福祉事務所" in html or "自立相談支援" in html


def test_results_show_verified_tel_and_general_line_for_unverified(client, demo) -> None:
    # A window whose number is still UNVERIFIED (the 2026-12-01 copy of the CSV): never behind a
    # tel: button; the city's general line is offered instead.
    s = (
        Service.objects.filter(is_active=True, phone_status="UNVERIFIED", worries__isnull=False)
        .exclude(phone="")
        .filter(chat="", web_url="")
        .first()
    )
    assert s is not None
    w = s.worries.filter(is_active=True).first()
    html = client.get(reverse("handbook:results"), {"w": w.pk}).content.decode()
    assert f'data-service-id="{s.pk}"' in html
    assert "tel:" + s.phone.replace("-", "") not in html
    assert s.phone not in html
    assert "tel:0935824894" in html
    assert "サンプル" not in html or "badge-sample" in html


def test_sample_windows_are_labelled_and_have_no_number(client, demo) -> None:
    w = _worry("今日食べる物がない")
    html = client.get(reverse("handbook:results"), {"w": w.pk}).content.decode()
    assert "badge-sample" in html and "サンプル" in html


def test_shinitai_shows_crisis_lines_first(client, demo) -> None:
    html = client.get(reverse("handbook:home"), {"q": "死にたい"}).content.decode()
    crisis_at = html.index("data-crisis")
    assert crisis_at < html.index("worry-option")
    assert "いのちの電話" in html[crisis_at:] and 'href="tel:110"' in html
    w = _worry("死にたいと思ってしまう")
    other = _worry("お金がなくて生活が苦しい")
    html = client.get(reverse("handbook:results"), {"w": [other.pk, w.pk]}).content.decode()
    assert html.index("data-crisis") < html.index("service-card")


def test_results_url_is_stable_and_ignores_noise(client, demo) -> None:
    a, b = _worry("仕事が見つからない"), _worry("家賃が払えない")
    one = client.get(reverse("handbook:results") + f"?w={b.pk}&w={a.pk}&utm=noise").content
    two = client.get(reverse("handbook:results") + f"?w={a.pk}&w={b.pk}&w=999999").content
    assert one == two
    assert f"w={a.pk}&amp;w={b.pk}" in one.decode()


def test_api_search_shape(client, demo) -> None:
    data = client.get(reverse("handbook:api-search"), {"q": "死にたい"}).json()
    assert data["crisis"] is True
    assert set(data["worries"][0]) == {"id", "text", "category", "score"}
    assert data["worries"][0]["text"] == "死にたいと思ってしまう"


def test_api_services_shape_and_ranking(client, demo) -> None:
    w = _worry("お金がなくて生活が苦しい")
    data = client.get(
        reverse("handbook:api-services"), {"worry": w.pk, "age": 30, "ward": "戸畑区"}
    ).json()
    assert data["crisis"] is False and data["services"]
    assert set(data["services"][0]) == {"id", "name", "organisation", "phone", "open_now", "url"}
    crisis = _worry("死にたいと思ってしまう")
    data = client.get(reverse("handbook:api-services"), {"worry": crisis.pk}).json()
    assert data["crisis"] is True
    assert Service.objects.get(pk=data["services"][0]["id"]).is_crisis_line


def test_full_citizen_flow_stores_nothing_personal(client, demo) -> None:
    headers = {
        "REMOTE_ADDR": IP,
        "HTTP_USER_AGENT": UA,
        "HTTP_REFERER": "https://ads.example/?uid=42",
    }
    money = _worry("お金がなくて生活が苦しい")
    work = _worry("仕事が見つからない")
    client.get(reverse("handbook:home") + "?src=qr", **headers)
    client.get(reverse("handbook:home"), {"q": "お金ない"}, **headers)
    client.get(reverse("handbook:home"), {"q": "ぴよぴよ"}, **headers)
    client.get(reverse("handbook:category-detail", args=["money"]), **headers)
    client.get(reverse("handbook:results"), {"w": [money.pk, work.pk], "age": 30}, **headers)
    service = Service.objects.filter(is_active=True).first()
    client.get(reverse("handbook:report-create", args=[service.pk]), **headers)
    assert not client.cookies
    client.post(
        reverse("handbook:report-create", args=[service.pk]),
        {"reason": "phone", "message": "つながりません"},
        **{**headers, "HTTP_ORIGIN": "http://testserver"},
    )
    services.usage_flush()
    assert WrongEntryReport.objects.count() == 1
    assert Session.objects.count() == 0
    # No table holds the address, the user agent or the referrer.
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for needle in (IP, UA, "ads.example"):
            for name in text_fields:
                assert not model._default_manager.filter(
                    **{f"{name}__contains": needle}
                ).exists(), (
                    model,
                    name,
                    needle,
                )
    # The usage table only holds per-day counts with a kind and a short key.
    rows = {(u.kind, u.key): u.count for u in UsageDaily.objects.all()}
    assert rows[("channel", "qr")] == 1
    assert rows[("worry", str(money.pk))] == 1
    assert rows[("results", "")] == 1
    assert rows[("search", "")] == 2
    # One failed search: counted, but its words are not kept (kept only after 3 the same day).
    assert rows[("search_empty", "")] == 1
    assert ("search_empty", "ぴよぴよ") not in rows
    assert {f.name for f in UsageDaily._meta.concrete_fields} == {
        "id",
        "date",
        "kind",
        "key",
        "count",
    }


def test_report_form_reaches_the_admin(secretariat_client, demo) -> None:
    service = Service.objects.filter(is_active=True).first()
    r = Client().post(
        reverse("handbook:report-create", args=[service.pk]),
        {"reason": "hours"},
        HTTP_ORIGIN="http://testserver",
    )
    assert r.status_code == 302 and r.url == reverse("handbook:report-thanks")
    r = secretariat_client.get(reverse("admin:handbook_wrongentryreport_changelist"))
    assert service.name in r.content.decode()


def test_admin_edit_shows_on_next_request(secretariat_client, demo) -> None:
    client = Client()
    w = _worry("仕事が見つからない")
    url = reverse("handbook:results") + f"?w={w.pk}"
    client.get(url)  # warm the cache
    service = Service.objects.get(source_key="北九州市コールセンター（市の総合案内）")
    service.worries.add(w)
    services.content_changed()
    assert "北九州市コールセンター" in client.get(url).content.decode()
    data = {
        "name": "北九州市コールセンター（名前を変更）",
        "description": "",
        "what_to_expect": "",
        "worries": [x.pk for x in service.worries.all()],
        "phone": service.phone,
        "phone_status": service.phone_status,
        "chat": "",
        "email": "",
        "web_url": "",
        "in_person": "",
        "address": "",
        "ward": "",
        "hours_note": service.hours_note,
        "holiday_notes": "",
        "target": service.target,
        "age_min": "",
        "age_max": "",
        "gender": "any",
        "cost": service.cost,
        "languages": "日本語",
        "crisis_order": "100",
        "source_key": service.source_key,
        "source_url": service.source_url,
        "last_checked": "2026-11-27",
        "is_active": "on",
        "closed_on_holidays": "on",
        "hours-TOTAL_FORMS": "0",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    # Existing hours rows must be sent back as they are.
    for i, h in enumerate(service.hours.all()):
        data.update(
            {
                f"hours-{i}-id": h.pk,
                f"hours-{i}-service": service.pk,
                f"hours-{i}-weekday": h.weekday,
                f"hours-{i}-opens": h.opens.strftime("%H:%M"),
                f"hours-{i}-closes": h.closes.strftime("%H:%M"),
            }
        )
    data["hours-TOTAL_FORMS"] = data["hours-INITIAL_FORMS"] = str(service.hours.count())
    r = secretariat_client.post(reverse("admin:handbook_service_change", args=[service.pk]), data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    assert "北九州市コールセンター（名前を変更）" in client.get(url).content.decode()


def test_pages_still_answer_when_the_cache_is_dead(client, demo) -> None:
    w = _worry("お金がなくて生活が苦しい")
    with override_settings(CACHES=DEAD_REDIS):
        for url in [
            reverse("handbook:home"),
            reverse("handbook:home") + "?q=死にたい",
            reverse("handbook:category-detail", args=["money"]),
            reverse("handbook:results") + f"?w={w.pk}",
            reverse("handbook:api-search") + "?q=お金",
            reverse("handbook:api-services") + f"?worry={w.pk}",
        ]:
            assert client.get(url).status_code == 200, url


def test_query_counts_cold_and_warm(client, demo, django_assert_num_queries) -> None:
    ids = [w.pk for w in Worry.objects.order_by("pk")[:3]]
    url = reverse("handbook:results") + "?" + "&".join(f"w={i}" for i in ids)
    services.content_changed()
    with django_assert_num_queries(7):  # the snapshot: one query per table, not per row
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(reverse("handbook:category-detail", args=["money"])).status_code == 200


def test_unknown_category_is_404(client, demo) -> None:
    assert client.get(reverse("handbook:category-detail", args=["nope"])).status_code == 404


def test_bench_baseline_is_off_by_default(client, settings) -> None:
    assert client.get(reverse("handbook:bench-baseline")).status_code == 404
    settings.HANDBOOK_BENCH_BASELINE = True
    assert client.get(reverse("handbook:bench-baseline")).content == b"ok"


# --- Staff pages: anonymous, wrong role, right role --------------------------------------------


@pytest.mark.parametrize("name", ["handbook:staff-dashboard", "handbook:staff-usage-csv"])
def test_staff_pages_need_the_secretariat(django_user_model, secretariat_user, name) -> None:
    url = reverse(name)
    anon = Client().get(url)
    assert anon.status_code == 302 and "/accounts/login/" in anon.url
    member = Client()
    member.force_login(make_user(django_user_model, "m2", MEMBER))
    assert member.get(url).status_code == 403
    sec = Client()
    sec.force_login(secretariat_user)
    assert sec.get(url).status_code == 200


def test_staff_dashboard_and_csv(secretariat_client, demo) -> None:
    services.usage_record(kind="worry", key=str(_worry("仕事が見つからない").pk), n=3)
    r = secretariat_client.get(reverse("handbook:staff-dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="usage-data"' in html and "usage_chart.js" in html and "<script>" not in html
    assert "仕事が見つからない" in html
    chart = r.context["chart"]
    assert chart["labels"][-1] == timezone.localdate().strftime("%m/%d")
    assert len(chart["labels"]) == 30
    r = secretariat_client.get(reverse("handbook:staff-usage-csv"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "name",
    [
        "admin:handbook_service_check",
        "admin:handbook_service_import",
        "admin:handbook_service_export",
    ],
)
def test_admin_tools_need_staff(django_user_model, secretariat_user, name) -> None:
    url = reverse(name)
    assert Client().get(url).status_code == 302
    member = Client()
    member.force_login(make_user(django_user_model, "m2", MEMBER))
    assert member.get(url).status_code == 302
    sec = Client()
    sec.force_login(secretariat_user)
    assert sec.get(url).status_code == 200


def test_admin_import_shows_row_errors(secretariat_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.csv", b"name,phone,phone_status\nx,,MAYBE\n")
    r = secretariat_client.post(reverse("admin:handbook_service_import"), {"file": upload})
    assert r.status_code == 200
    assert "import-errors" in r.content.decode()
    assert not Service.objects.exists()


def test_admin_preview_and_qr(secretariat_client) -> None:
    from handbook.models import Channel

    s = ServiceFactory(worries=[WorryFactory()])
    r = secretariat_client.get(reverse("admin:handbook_service_preview", args=[s.pk]))
    assert r.status_code == 200 and s.name in r.content.decode()
    ch = Channel.objects.get(code="flyer")
    svg = secretariat_client.get(reverse("admin:handbook_channel_qr", args=[ch.pk, "svg"]))
    png = secretariat_client.get(
        reverse("admin:handbook_channel_qr", args=[ch.pk, "png"]) + "?download=1"
    )
    assert svg["Content-Type"] == "image/svg+xml" and png["Content-Type"] == "image/png"
    assert "attachment" in png["Content-Disposition"]


def test_every_handbook_page_has_a_quick_exit_that_works_without_js(client, demo) -> None:
    w = _worry("お金がなくて生活が苦しい")
    service = Service.objects.filter(is_active=True).first()
    for url in [
        reverse("handbook:home"),
        reverse("handbook:home") + "?q=死にたい",
        reverse("handbook:category-detail", args=["money"]),
        reverse("handbook:results") + f"?w={w.pk}",
        reverse("handbook:report-create", args=[service.pk]),
        reverse("handbook:report-thanks"),
    ]:
        html = client.get(url).content.decode()
        assert (
            '<a class="btn btn-warning fw-bold quick-exit" href="https://www.google.co.jp/"' in html
        )
        assert "handbook/handbook.js" in html
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html
