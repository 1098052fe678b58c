"""Content in six languages by `?lang=` (no cookie), やさしい日本語 with ruby, the rule that only
a translation checked by a person is shown, search in each language, and the early cache keyed
on the language shown."""

import re
from typing import Any

import pytest
from django.test import Client

from handbook import languages, selectors, services
from handbook.demo import seed_demo
from handbook.models import Category, Service, Worry
from handbook.ruby import ruby_html

pytestmark = pytest.mark.django_db

LANGS = languages.LANGUAGES
CHECKED = {"checked_on": "2026-12-06"}


@pytest.fixture
def demo(settings: object) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]
    seed_demo()


def _translate_money(*, checked: bool = True) -> Worry:
    """English for the money category and its rent and money worries (as the files would load)."""
    meta = {"en": CHECKED} if checked else {"en": {}}
    cat = Category.objects.get(slug="money")
    _put(cat, name_en="Money", description_en="Living costs, debts, rent", translation_meta=meta)
    w = Worry.objects.get(text="お金がなくて生活が苦しい")
    _put(
        w,
        text_en="I have no money and life is hard",
        keywords_en="money, no money, broke",
        translation_meta=meta,
    )
    rent = Worry.objects.get(key="rent")
    _put(
        rent,
        text_en="I cannot pay the rent",
        keywords_en="rent",
        keywords_zh_hans="房租",
        keywords_vi="tiền nhà",
        translation_meta={"en": CHECKED, "zh-hans": CHECKED, "vi": CHECKED},
    )
    return w


def _put(obj: Any, **values: object) -> None:
    """Set the per-language columns (added by django-modeltranslation) and save."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def test_accept_language_maps_to_the_handbook_languages() -> None:
    assert languages.from_accept_language("zh-CN,zh;q=0.9") == "zh-hans"
    assert languages.from_accept_language("zh-Hans-CN") == "zh-hans"
    assert languages.from_accept_language("ko-KR,ko;q=0.9,en;q=0.5") == "ko"
    assert languages.from_accept_language("vi") == "vi"
    assert languages.from_accept_language("fr;q=1,en-US;q=0.8") == "en"
    assert languages.from_accept_language("fr, de") == "ja"
    assert languages.from_accept_language("en;q=0.3, ja;q=0.9") == "ja"


def test_easy_japanese_page_shows_ruby_on_kanji(client: Client, demo) -> None:
    html = client.get("/handbook/c/money/?lang=easy").content.decode()
    assert '<html lang="ja">' in html
    assert "<ruby>" in html and "<rt>" in html
    # No easy translation yet: the ordinary Japanese with ruby, and the note.
    assert "<ruby>金<rt>かね</rt></ruby>" in html
    assert 'data-tnote="missing"' in html
    # Links inside the handbook keep the language.
    assert 'href="/handbook/?lang=easy"' in html


def test_ruby_escapes_text_and_applies_the_secretariats_reading() -> None:
    assert ruby_html("<b>家賃</b>") == "&lt;b&gt;<ruby>家賃<rt>やちん</rt></ruby>&lt;/b&gt;"
    assert ruby_html("市役所", {"市役所": "しやくしょ"}) == "<ruby>市役所<rt>しやくしょ</rt></ruby>"
    assert ruby_html("払えない").startswith("<ruby>払<rt>はら</rt></ruby>え")


def test_corrected_reading_in_admin_reaches_the_easy_page(client: Client, demo) -> None:
    cat = Category.objects.get(slug="money")
    cat.ruby_readings = "お金=おきん"
    cat.save()
    selectors.content_version_forget()
    from django.core.cache import cache

    cache.clear()
    html = client.get("/handbook/c/money/?lang=easy").content.decode()
    assert "お<ruby>金<rt>きん</rt></ruby>" in html


def test_api_search_returns_english_worry_texts(client: Client, demo) -> None:
    _translate_money()
    data = client.get("/handbook/api/search", {"q": "money", "lang": "en"}).json()
    texts = [w["text"] for w in data["worries"]]
    assert "I have no money and life is hard" in texts
    assert data["crisis"] is False


@pytest.mark.parametrize(("q", "lang"), [("rent", "en"), ("房租", "zh-hans"), ("tiền nhà", "vi")])
def test_keywords_of_each_language_find_the_rent_worry(client: Client, demo, q, lang) -> None:
    _translate_money()
    data = client.get("/handbook/api/search", {"q": q, "lang": lang}).json()
    rent = Worry.objects.get(keywords_en="rent")
    assert data["worries"] and data["worries"][0]["id"] == rent.pk


def test_i_want_to_die_in_english_flags_a_crisis_and_lines_come_first(client: Client, demo) -> None:
    data = client.get("/handbook/api/search", {"q": "I want to die", "lang": "en"}).json()
    assert data["crisis"] is True
    html = client.get("/handbook/", {"q": "I want to die", "lang": "en"}).content.decode()
    assert '<html lang="en">' in html
    crisis_at = html.find("crisis-box")
    assert 0 < crisis_at < html.find("matches-title")


def _tels(html: str) -> list[str]:
    return re.findall(r'href="(tel:[^"]+)"', html)


def test_every_language_shows_the_same_tel_numbers(client: Client, demo) -> None:
    _translate_money()
    money = Worry.objects.get(text="お金がなくて生活が苦しい").pk
    die = client.get("/handbook/", {"q": "死にたい"}).content.decode()
    ja = _tels(client.get("/handbook/results/", {"w": str(money), "lang": "ja"}).content.decode())
    assert ja
    for lang in LANGS:
        html = client.get("/handbook/results/", {"w": str(money), "lang": lang}).content.decode()
        assert _tels(html) == ja, lang
        crisis = client.get("/handbook/", {"q": "死にたい", "lang": lang}).content.decode()
        assert _tels(crisis) == _tels(die), lang


def test_unchecked_translation_shows_japanese_with_a_note(client: Client, demo, settings) -> None:
    settings.HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS = False
    _translate_money(checked=False)
    html = client.get("/handbook/c/money/?lang=en").content.decode()
    assert "お金がなくて生活が苦しい" in html
    assert "I have no money and life is hard" not in html
    assert "Not yet translated; shown in Japanese." in html


def test_demo_setting_shows_unchecked_translation_with_its_note(client: Client, demo, settings):
    settings.HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS = True
    _translate_money(checked=False)
    html = client.get("/handbook/c/money/?lang=en").content.decode()
    assert "I have no money and life is hard" in html
    assert "This translation has not been checked by a person yet." in html


def test_checked_translation_shows_without_a_note(client: Client, demo) -> None:
    _translate_money()
    html = client.get("/handbook/c/money/?lang=en").content.decode()
    assert "I have no money and life is hard" in html
    assert '<h1 class="h3 fw-bold mt-2">Money</h1>' in html


def test_phone_never_comes_from_a_translation(client: Client, demo) -> None:
    s = Service.objects.exclude(phone="").filter(phone_status="VERIFIED").first()
    assert s is not None
    _put(s, name_en="Call 000-0000-0000", translation_meta={"en": CHECKED})
    worry = s.worries.first()
    assert worry is not None
    api = client.get("/handbook/api/services", {"worry": str(worry.pk), "lang": "en"})
    phones = {x["phone"] for x in api.json()["services"]}
    assert s.phone in phones and "000-0000-0000" not in phones


@pytest.mark.parametrize("lang", LANGS)
def test_no_handbook_page_sets_a_cookie_in_any_language(client: Client, demo, lang) -> None:
    money = Worry.objects.get(text="お金がなくて生活が苦しい")
    for url in [
        "/handbook/",
        "/handbook/?q=お金&src=qr",
        "/handbook/c/money/",
        f"/handbook/results/?w={money.pk}",
        "/handbook/s/",
        "/handbook/api/search?q=money",
        f"/handbook/api/services?worry={money.pk}",
        "/handbook/api/hsds/services",
    ]:
        sep = "&" if "?" in url else "?"
        r = client.get(f"{url}{sep}lang={lang}")
        assert r.status_code == 200, url
        assert not r.cookies, url
    assert not client.cookies


def test_language_switch_on_every_page_names_each_language_in_itself(client: Client, demo) -> None:
    money = Worry.objects.get(text="お金がなくて生活が苦しい")
    for url in [
        "/handbook/",
        "/handbook/c/money/",
        f"/handbook/results/?w={money.pk}",
        "/handbook/s/",
    ]:
        html = client.get(url).content.decode()
        for code, name in languages.NATIVE_NAMES.items():
            tag = languages.HTML_LANG[code]
            assert f'lang="{tag}" hreflang="{tag}"' in html and f">{name}</a>" in html, (url, code)
    html = client.get(f"/handbook/results/?w={money.pk}&src=qr&lang=ko").content.decode()
    assert f"/handbook/results/?src=qr&amp;w={money.pk}&amp;lang=vi" in html
    assert '<html lang="ko">' in html


def test_qr_urls_keep_working_unchanged(client: Client, demo) -> None:
    r = client.get("/handbook/?src=qr")
    assert r.status_code == 200
    assert 'href="/handbook/c/money/?src=qr"' in r.content.decode()


def test_early_cache_keys_on_the_language_shown(demo, settings) -> None:
    """A page cached for one language is never replayed for another."""
    from django.core.cache import cache

    cache.clear()
    _translate_money()
    en = Client().get("/handbook/c/money/?lang=en").content.decode()
    assert '<html lang="en">' in en
    ko = Client().get("/handbook/c/money/?lang=ko").content.decode()
    assert '<html lang="ko">' in ko
    # Without ?lang: the language comes from Accept-Language, and so does the cached copy.
    first = Client(HTTP_ACCEPT_LANGUAGE="en").get("/handbook/c/money/").content.decode()
    assert '<html lang="en">' in first
    ja = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/handbook/c/money/").content.decode()
    assert '<html lang="ja">' in ja and "お金がなくて生活が苦しい" in ja
    ko2 = Client(HTTP_ACCEPT_LANGUAGE="ko-KR").get("/handbook/c/money/").content.decode()
    assert '<html lang="ko">' in ko2
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get("/handbook/c/money/").content.decode()
    assert again == first


def test_scheme_explainer_in_english_and_in_easy_japanese(
    client: Client, demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An English file with a checked name and the facts not yet translated.
    from handbook import schemes, translations_load

    english = {
        "schemes": {"seikatsu-hogo": {"name": "Public assistance (seikatsu hogo)", **CHECKED}}
    }
    real = translations_load.read_file
    monkeypatch.setattr(
        translations_load, "read_file", lambda lang, *a: english if lang == "en" else real(lang, *a)
    )
    schemes._schemes_in.cache_clear()
    try:
        html = client.get("/handbook/s/seikatsu-hogo/?lang=en").content.decode()
    finally:
        schemes._schemes_in.cache_clear()
    assert '<h1 class="h3 fw-bold mt-2">Public assistance (seikatsu hogo)</h1>' in html
    assert 'data-tnote="missing"' in html and "生活に困る" in html
    easy = client.get("/handbook/s/seikatsu-hogo/?lang=easy").content.decode()
    assert "<ruby>生活保護<rt>せいかつほご</rt></ruby>" in easy
    assert "<title>生活保護 |" in easy  # the title stays plain text


def test_hsds_feed_answers_in_the_requested_language_with_the_same_numbers(
    client: Client, demo
) -> None:
    _translate_money()
    ja = client.get("/handbook/api/hsds/services", {"per_page": "100"}).json()["contents"]
    en = client.get("/handbook/api/hsds/services", {"per_page": "100", "lang": "en"}).json()
    en_items = en["contents"]
    assert [s["phones"] for s in en_items] == [s["phones"] for s in ja]
    assert [s["id"] for s in en_items] == [s["id"] for s in ja]
    terms = client.get("/handbook/api/hsds/taxonomy", {"per_page": "100", "lang": "en"}).json()
    names = {t["name"] for t in terms["contents"]}
    assert "I have no money and life is hard" in names and "Money" in names


@pytest.mark.parametrize(
    ("lang", "topic", "note"),
    [
        ("zh-hans", "选择主题", "尚未翻译，显示日语原文。"),
        ("ko", "주제 고르기", "아직 번역되지 않아 일본어로 표시합니다."),
        ("vi", "Chọn chủ đề", "Chưa được dịch; hiển thị bằng tiếng Nhật."),
        ("en", "Choose a topic", "Not yet translated; shown in Japanese."),
        ("easy", "分野から選ぶ", "まだ やさしい にほんご では ありません。"),
    ],
)
def test_interface_and_note_in_the_readers_language(client: Client, demo, lang, topic, note):
    home = client.get("/handbook/", {"lang": lang}).content.decode()
    assert topic in home
    page = client.get("/handbook/c/money/", {"lang": lang}).content.decode()
    assert note in page


def test_report_form_names_the_window_by_the_checked_rule(client: Client, demo) -> None:
    s = Service.objects.filter(is_active=True).order_by("pk").first()
    assert s is not None
    japanese = s.__dict__["name"]
    _put(s, name_en="Unchecked English name", translation_meta={"en": {}})
    html = client.get(f"/handbook/report/{s.pk}/?lang=en").content.decode()
    assert f"<p>{japanese}</p>" in html and "Unchecked English name" not in html
    _put(s, translation_meta={"en": CHECKED})
    services.content_changed()  # as an admin save does
    html = client.get(f"/handbook/report/{s.pk}/?lang=en").content.decode()
    assert "<p>Unchecked English name</p>" in html


@pytest.mark.parametrize(("q", "key"), [("lonely", "lonely"), ("no money", "no-money")])
def test_english_words_of_a_new_user_find_their_worry(client: Client, demo, q, key) -> None:
    """From handbook/data/translations/en.yaml: "lonely" and "no money" found nothing before.
    The keywords search before a person has checked the text; the text shows once checked."""
    worry = Worry.objects.get(key=key)
    data = client.get("/handbook/api/search", {"q": q, "lang": "en"}).json()
    assert data["worries"] and data["worries"][0]["id"] == worry.pk
    assert data["worries"][0]["translation"] == "missing"  # shown in Japanese
    assert data["worries"][0]["text"] == worry.text_ja
    _put(worry, translation_meta={"en": CHECKED})  # as the admin's save does:
    services.content_changed()
    data = client.get("/handbook/api/search", {"q": q, "lang": "en"}).json()
    assert data["worries"][0]["translation"] == "ok"
    assert data["worries"][0]["text"] == worry.text_en
