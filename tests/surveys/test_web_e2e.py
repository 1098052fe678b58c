"""In a phone-sized browser: a resident types the code from the letter and answers every page;
every page is axe-core clean; the same code cannot answer twice."""

from __future__ import annotations

import re
from typing import Any

import pytest

from surveys import services, web
from surveys.models import Dataset

from .test_web import open_fielding

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def axe_clean(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]
    ]
    assert violations == [], page.url


def test_resident_answers_the_whole_questionnaire_on_a_phone(
    phone_page: Any, live_server: Any, settings: Any
) -> None:
    settings.SURVEYS_WEB_REPORT_DISPATCH = False
    services.instrument_load_all()
    dataset = open_fielding(sample_size=10)
    code = web.codes_issue(dataset=dataset, count=1)[0]
    page = phone_page
    page.goto(live_server.url + "/answer/")
    axe_clean(page)
    page.get_by_label("回答コード").fill(web.code_display(code).lower())
    page.get_by_role("button", name="回答を始める").click()
    page.wait_for_url(f"**/answer/{code}/**")
    choices = {
        "性別": "女性", "年齢（10歳階級）": "30〜39歳", "世帯構成": "単身世帯",
        "配偶者の有無": "未婚", "就業状況": "パート・アルバイト・契約", "世帯年収": "100〜199万円",
        "あなたはどの程度、孤独であると感じることがありますか。": "しばしばある・常にある",
    }  # fmt: skip
    seen_pages = 0
    while "p=review" not in page.url:
        seen_pages += 1
        assert page.locator("progress").count() == 1
        axe_clean(page)
        for group in page.locator("fieldset").all():
            # The legend may carry the question number (問16 …) and the printed wording.
            legend = re.sub(r"^問\d+\s*", "", group.locator("legend").inner_text().strip())
            texts = [t.strip() for t in group.locator("label").all_inner_texts()]
            label = choices.get(legend) or next((v for v in choices.values() if v in texts), None)
            if label:
                group.get_by_label(label, exact=True).check()
            else:
                group.locator("label").first.click()
        page.get_by_role("button", name="保存して次へ").click()
        page.wait_for_load_state()
    assert seen_pages == len(web.questionnaire(dataset.instrument).pages)
    axe_clean(page)
    assert "しばしばある・常にある" in page.locator("dl").inner_text()
    page.get_by_role("button", name="回答を送信する").click()
    page.wait_for_url("**/answer/thanks/**")
    assert "回答を受け付けました" in page.content()
    axe_clean(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the same code again: told it was used, nothing added
    page.goto(f"{live_server.url}/answer/{code}/")
    assert "既に回答が送信されています" in page.content()
    axe_clean(page)
    frame = services.microdata_frame(Dataset.objects.get(pk=dataset.pk))
    assert len(frame) == 1 and frame.iloc[0]["mode"] == 2
    assert frame.iloc[0]["lonely_direct"] == 5 and frame.iloc[0]["sex"] == 2


def test_easy_japanese_and_closed_period_pages_are_clean(phone_page: Any, live_server: Any) -> None:
    services.instrument_load_all()
    dataset = open_fielding()
    code = web.codes_issue(dataset=dataset, count=1)[0]
    phone_page.goto(f"{live_server.url}/answer/{code}/?easy=1")
    assert phone_page.locator("ruby").count() > 0  # readings over the kanji
    assert "つぎへ" in phone_page.content()
    axe_clean(phone_page)
    closed = open_fielding(days_left=-1)
    old = web.codes_issue(dataset=closed, count=1)[0]
    phone_page.goto(f"{live_server.url}/answer/{old}/")
    assert "回答期間は終了しました" in phone_page.content()
    axe_clean(phone_page)
