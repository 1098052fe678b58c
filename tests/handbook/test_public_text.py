"""Item 3 of issue 11: residents see only what is meant for them."""

import pytest
from django.urls import reverse

from handbook.demo import seed_demo
from handbook.models import Service
from handbook.public_text import split_public, without_label


@pytest.mark.parametrize(
    ("text", "public", "note"),
    [
        (
            "IP電話からは050-3655-0279（有料・2021年の掲載）。チャット等の有無は未確認",
            "IP電話からは050-3655-0279（有料・2021年の掲載）。",
            "チャット等の有無は未確認",
        ),
        ("未確認（区役所の開庁時間内と思われる）", "", "未確認（区役所の開庁時間内と思われる）"),
        (
            "火〜金 9:30〜20:00、土日 9:30〜17:00（2022年のページ。祝日・月曜の扱いは未確認）",
            "火〜金 9:30〜20:00、土日 9:30〜17:00",
            "（2022年のページ。祝日・月曜の扱いは未確認）",
        ),
        ("公開の電話・Webは未確認", "", "公開の電話・Webは未確認"),
        ("24時間365日", "24時間365日", None),
    ],
)
def test_checking_notes_are_split_off(text, public, note) -> None:
    got_public, notes = split_public(text)
    assert got_public == public
    if note is None:
        assert notes == []
    else:
        assert "".join(notes) and all(n in note for n in notes)
        assert len("".join(notes)) == len(note)


def test_label_is_not_doubled() -> None:
    assert without_label("来所: 門司区清滝一丁目1番1号") == "門司区清滝一丁目1番1号"
    assert without_label("来所：小倉北区") == "小倉北区"


@pytest.mark.django_db
def test_public_cards_hold_no_checking_notes_and_the_check_list_does(
    client, secretariat_client, settings
) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    ward = Service.objects.get(name="門司区役所（代表）")
    html = ""
    for w in ward.worries.all()[:1]:
        html = client.get(reverse("handbook:results"), {"w": w.pk}).content.decode()
    crisis = client.get(reverse("handbook:home"), {"q": "死にたい"}).content.decode()
    for page in (html, crisis):
        for marker in ("未確認", "思われる", "来所： 来所", "来所: 来所:"):
            assert marker not in page, marker
    check = secretariat_client.get(reverse("admin:handbook_service_check")).content.decode()
    assert "チャット等の有無は未確認" in check
    assert "門司区役所（代表）" in check


@pytest.mark.django_db
def test_new_year_closure_is_shown(client, settings) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    s = Service.objects.filter(is_active=True, closed_new_year=True).first()
    assert s is not None
    w = s.worries.first()
    html = client.get(reverse("handbook:results"), {"w": w.pk}).content.decode()
    card = html.split(f'data-service-id="{s.pk}"', 1)[1].split("</article>", 1)[0]
    assert "12月29日〜1月3日" in card


@pytest.mark.django_db
def test_contacts_copy_is_the_2026_12_01_one(settings) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    for name, number in [
        ("八幡東区役所（代表）", "093-671-0801"),
        ("北九州市消費生活センター", "093-861-0999"),
        ("北九州市配偶者暴力相談支援センター", "093-591-1126"),
        ("門司区役所（代表）", "093-331-1881"),
    ]:
        s = Service.objects.get(source_key=name)
        assert s.phone == number and s.has_verified_phone, name


@pytest.mark.django_db
def test_lines_for_foreign_residents_only_verified_behind_tel(client, secretariat_client, settings):
    import csv

    from handbook.services import MULTILINGUAL_CSV

    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    rows = list(csv.DictReader(MULTILINGUAL_CSV.open(encoding="utf-8")))
    foreign = Service.objects.filter(source_key__startswith="multilingual:")
    assert foreign.count() == len(rows)
    worry = foreign.filter(is_active=True).first().worries.first()
    assert worry.category.slug == "foreign"
    html = client.get(reverse("handbook:results"), {"w": worry.pk}).content.decode()
    check = secretariat_client.get(reverse("admin:handbook_service_check")).content.decode()
    for row in rows:
        name = row["name"].strip()
        card = f'<h3 class="h5 card-title mb-1">{name}</h3>'
        if row["status"] == "VERIFIED":
            assert card in html, name
            if row["phone"].strip():
                tel = "tel:" + row["phone"].strip().replace("-", "").replace("#", "%23")
                assert tel in html, name
        else:
            assert card not in html, name
            assert name in check, name
    # Languages are shown on the card.
    assert "対応言語: " not in html  # the raw cell text: its languages have their own line
    assert "対応言語：</span> 英語" in html


@pytest.mark.parametrize(
    ("target", "who", "languages"),
    [
        (
            "外国人の生活相談。対応言語: 英語, 中国語（18言語＋日本語。2019年開設時）。"
            "開設後も同じ番号かは未確認",
            "外国人の生活相談。開設後も同じ番号かは未確認",
            "英語, 中国語（18言語＋日本語。2019年開設時）",
        ),
        (
            "外国人市民の窓口（2019年4月開設）。対応言語: 21の外国語（言語名の一覧は未確認）",
            "外国人市民の窓口（2019年4月開設）",
            "21の外国語",
        ),
        (
            "緊急ではない相談を外国語で。対応言語: 英語, 中国語, 韓国語",
            "緊急ではない相談を外国語で",
            "英語, 中国語, 韓国語",
        ),
        ("誰でも", "誰でも", ""),
    ],
)
def test_the_language_clause_leaves_the_target_whole_with_its_brackets(
    target: str, who: str, languages: str
) -> None:
    """A 。 inside the brackets after the languages neither cuts the list short nor leaves an
    orphan fragment such as 「。。言語名の一覧は未確認）」 in who the window is for."""
    from handbook.services import languages_from_target, target_without_languages

    assert target_without_languages(target) == who
    assert languages_from_target(target) == languages
