"""Item 2 of issue 11 (part): crisis words in residents' languages flag a crisis."""

import pytest
from django.urls import reverse

from handbook.crisis_languages import is_crisis_foreign
from handbook.demo import seed_demo

CRISIS = [
    "I want to die",
    "i want to kill myself",
    "thinking about suicide",
    "my husband hits me",
    "我想死",
    "不想活了",
    "老公打我",
    "죽고 싶어요",
    "자살하고 싶다",
    "남편이 때려요",
    "Tôi muốn chết",
    "toi muon chet",
    "chồng đánh tôi",
    # not being able to go on, ending it (no word for death)
    "I can't go on living",
    "I'm going to end it all",
    "我真的活不下去",
    "不想再活",
    "살기 싫어",
    "tôi sống không nổi nữa",
]
ORDINARY = [
    "lonely",
    "no money",
    "rent",
    "I am dying to see the festival",
    "房租",
    "没有钱",
    "외로워요",
    "tiền nhà",
    "không có tiền",
    "お金がない",
    "I want to end it with my boyfriend",
    "我的生意做不下去了",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_words_in_other_languages_flag(text) -> None:
    assert is_crisis_foreign(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_do_not_flag(text) -> None:
    assert not is_crisis_foreign(text)


@pytest.mark.django_db
def test_i_want_to_die_puts_the_crisis_lines_first(client, settings) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    data = client.get(reverse("handbook:api-search"), {"q": "I want to die"}).json()
    assert data["crisis"] is True
    html = client.get(reverse("handbook:home"), {"q": "I want to die"}).content.decode()
    assert "data-crisis" in html
    shinitai = client.get(reverse("handbook:home"), {"q": "死にたい"}).content.decode()
    box = html.split("data-crisis", 1)[1].split("</section>", 1)[0]
    jbox = shinitai.split("data-crisis", 1)[1].split("</section>", 1)[0]
    tels = [p.split('"', 1)[0] for p in box.split('href="tel:')[1:]]
    jtels = [p.split('"', 1)[0] for p in jbox.split('href="tel:')[1:]]
    assert tels and tels == jtels  # the same numbers, in the same order, as in Japanese
