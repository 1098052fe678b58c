"""Web answering: what a resident with a printed code, and the analyst, would notice."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, TestCase
from django.utils import timezone

from kitakyushu_pf import ratelimits
from surveys import services, web
from surveys.models import AccessCode, Dataset, Instrument, WebAnswer

from .factories import DatasetFactory, csv_text, good_row, load_dataset

pytestmark = pytest.mark.django_db

# What a resident ticks, by variable; items of the instrument not listed get their first option
# (the test follows the instrument: the extended questionnaire adds pages and items).
CHOSEN = {
    "sex": "2", "age_group": "3", "household": "1", "marital": "1", "employment": "3",
    "income": "2", "has_confidant": "2", "lonely_direct": "5", "ucla_1": "3", "ucla_2": "4",
    "ucla_3": "3", "contact_freq": "7", "participation": "1",
}  # fmt: skip


def answers_by_page(instrument: Instrument | None = None) -> dict[int, dict[str, Any]]:
    q = web.questionnaire(instrument or Instrument.objects.get(slug="tsunagari-r3"))
    out: dict[int, dict[str, Any]] = {}
    for page in q.pages:
        out[page.index] = {}
        for item in page.items:
            if item.kind == "multiple":
                out[page.index][item.name] = [item.options[0][0]]
            else:
                out[page.index][item.name] = CHOSEN.get(item.name, item.options[0][0])
    return out


class _Answers(dict):  # type: ignore[type-arg]
    """ANSWERS[page] read from the instrument when first used (the database is ready then)."""

    def _load(self) -> None:
        if not dict.__len__(self):
            self.update(answers_by_page())

    def __getitem__(self, key: int) -> Any:
        self._load()
        return dict.__getitem__(self, key)

    def items(self) -> Any:  # type: ignore[override]
        self._load()
        return dict.items(self)

    def __len__(self) -> int:
        self._load()
        return dict.__len__(self)


ANSWERS = _Answers()


@pytest.fixture(autouse=True)
def _no_report_dispatch(settings: Any) -> None:
    settings.SURVEYS_WEB_REPORT_DISPATCH = False


def open_fielding(days_left: int = 10, **kwargs: Any) -> Dataset:
    dataset = DatasetFactory(sample_size=kwargs.pop("sample_size", 100), **kwargs)
    closes = timezone.localdate() + timedelta(days=days_left)
    opens = min(timezone.localdate(), closes) - timedelta(days=3)
    web.fielding_open(dataset=dataset, opens_on=opens, closes_on=closes)
    return dataset


def issue(dataset: Dataset, n: int = 1) -> list[str]:
    return web.codes_issue(dataset=dataset, count=n)


def answer_all(client: Client, code: str, *, submit: bool = True) -> Any:
    url = f"/answer/{code}/"
    fielding = str(AccessCode.objects.get(code_hash=web.code_hash(code)).dataset_id)
    for number, answers in ANSWERS.items():
        response = client.post(
            url, {"page": number, "nav": "next", "fielding": fielding, **answers}
        )
        assert response.status_code == 302
    if submit:
        # What runs after the commit in production (the respondent count) runs here too.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(url, {"nav": "submit", "fielding": fielding})
    return None


# --- Codes ------------------------------------------------------------------------------------


def test_codes_have_no_look_alikes_and_only_hashes_are_stored() -> None:
    dataset = open_fielding()
    codes = issue(dataset, 500)
    assert len(set(codes)) == 500
    for code in codes:
        assert len(code) >= 10
        assert not set(code) & set("0O1Il")
    stored = list(AccessCode.objects.filter(dataset=dataset).values_list("code_hash", flat=True))
    assert len(stored) == 500
    assert not set(codes) & set(stored)
    assert all(code not in h for h in stored for code in codes[:20])


def test_typed_code_is_forgiving_about_case_width_and_hyphens() -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    typed = web.code_display(code).lower().replace("-", " - ")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert web.code_find(typed) is not None
    assert web.code_find(full_width) is not None


def test_commands_create_a_fielding_and_write_codes_and_inserts(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "survey_dataset_create",
        instrument="tsunagari-r3",
        title="令和7年 市民意識調査",
        sample_size=7000,
        web_from="2026-11-01",
        web_until="2026-11-30",
        stdout=out,
    )
    dataset = Dataset.objects.get(pk=out.getvalue().strip())
    assert dataset.web.opens_on == date(2026, 11, 1) and dataset.sample_size == 7000
    target, pdf = tmp_path / "codes.csv", tmp_path / "inserts.pdf"
    call_command(
        "survey_codes",
        str(dataset.pk),
        count=9,
        out=str(target),
        pdf=str(pdf),
        stdout=io.StringIO(),
    )
    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == ["code", "url"]
    assert len(frame) == 9
    assert all(
        url.endswith(f"/answer/{code}/")
        for code, url in zip(frame["code"], frame["url"], strict=True)
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert AccessCode.objects.filter(dataset=dataset).count() == 9
    with pytest.raises(CommandError):  # never overwrites an earlier list
        call_command("survey_codes", str(dataset.pk), count=1, out=str(target))


def test_no_codes_after_the_list_was_destroyed() -> None:
    dataset = open_fielding()
    web.code_list_destroyed(dataset=dataset)
    with pytest.raises(Exception, match="廃棄済み"):
        issue(dataset)


# --- Answering --------------------------------------------------------------------------------


def test_a_whole_questionnaire_lands_in_the_dataset_as_web(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    response = answer_all(client, code)
    assert response.status_code == 302 and response["Location"].startswith("/answer/thanks/")
    frame = services.microdata_frame(dataset)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["mode"] == 2 and row["lonely_direct"] == 5 and row["income"] == 2
    q = web.questionnaire(dataset.instrument)
    for item in q.items.values():  # the extended questionnaire's tick boxes: yes/no columns
        if item.kind == "multiple":
            assert [row[v] for v in item.variables] == [1] + [0] * (len(item.variables) - 1)
    assert row["resp_id"] != code and code not in row["resp_id"]
    dataset.refresh_from_db()
    assert dataset.n_respondents == 1 and dataset.status == Dataset.Status.LOADED


def test_the_code_page_says_used_after_submission_and_no_second_answer(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    answer_all(client, code)
    page = client.get(f"/answer/{code}/")
    assert page.status_code == 410
    assert "既に" in page.content.decode()
    again = client.post(
        f"/answer/{code}/", {"nav": "submit", "fielding": str(dataset.pk)}
    )  # the double submit (back button, second tap)
    assert again.status_code == 410
    saved = client.post(
        f"/answer/{code}/",
        {"page": 3, "nav": "next", "lonely_direct": "1", "fielding": str(dataset.pk)},
    )
    assert saved.status_code == 410
    assert len(services.microdata_frame(dataset)) == 1
    assert services.microdata_frame(dataset).iloc[0]["lonely_direct"] == 5


def test_resume_with_the_same_code_keeps_the_earlier_pages(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    url = f"/answer/{code}/"
    for number in (1, 2):
        client.post(
            url, {"page": number, "nav": "next", "fielding": str(dataset.pk), **ANSWERS[number]}
        )
    phone_closed = Client()  # a new browser: nothing but the code
    page = phone_closed.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert f"3 / {len(ANSWERS)}" in body
    assert 'name="lonely_direct"' in body
    back = phone_closed.get(url + "?p=1").content.decode()
    assert 'value="2" checked' in back  # sex = 女性 was kept


def test_back_and_next_and_progress(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    url = f"/answer/{code}/"
    first = client.get(url).content.decode()
    assert f"1 / {len(ANSWERS)}" in first
    response = client.post(url, {"page": 2, "nav": "back", "fielding": str(dataset.pk)})
    assert response["Location"].endswith("?p=1")
    last = max(ANSWERS)
    response = client.post(url, {"page": last, "nav": "next", "fielding": str(dataset.pk)})
    assert response["Location"].endswith("?p=review")


def test_an_unanswered_question_is_blank_like_paper(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    url = f"/answer/{code}/"
    client.post(url, {"page": 3, "nav": "next", "fielding": str(dataset.pk), "lonely_direct": "9"})
    client.post(url, {"nav": "submit", "fielding": str(dataset.pk)})
    row = services.microdata_frame(dataset).iloc[0]
    assert row["lonely_direct"] == -1 and row["sex"] == -1  # 無回答, the invented 9 dropped


def test_expired_fielding_shows_a_clear_japanese_page(client: Client) -> None:
    dataset = open_fielding(days_left=-1)
    code = issue(dataset)[0]
    page = client.get(f"/answer/{code}/")
    assert page.status_code == 403
    assert "回答期間は終了しました" in page.content.decode()
    post = client.post(f"/answer/{code}/", {"nav": "submit", "fielding": str(dataset.pk)})
    assert post.status_code == 403
    assert not WebAnswer.objects.filter(submitted_on__isnull=False).exists()


def test_a_code_from_another_fielding_cannot_answer_this_one(client: Client) -> None:
    old = open_fielding(days_left=-30)
    current = open_fielding()
    old_code = issue(old)[0]
    issue(current)
    assert client.get(f"/answer/{old_code}/").status_code == 403  # its own fielding is over
    web.fielding_open(
        dataset=old, opens_on=timezone.localdate(), closes_on=timezone.localdate()
    )  # even while both are open, a page of one fielding refuses the other's code
    response = client.post(f"/answer/{old_code}/", {"nav": "submit", "fielding": str(current.pk)})
    assert response.status_code == 409
    assert "別の調査" in response.content.decode()
    assert services.microdata_frame(current).empty


def test_unknown_codes_are_throttled_per_ip_with_a_japanese_page(settings: Any) -> None:
    settings.SURVEYS_ANSWER_RATE_IP = "3/h"
    attacker, resident = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    dataset = open_fielding()
    code = issue(dataset)[0]
    for _ in range(3):
        assert attacker.post("/answer/", {"code": "ABCDEFGHJKMN"}).status_code == 404
    blocked = attacker.get(f"/answer/{code}/")  # even a right code, from that address
    assert blocked.status_code == 429 and "しばらく" in blocked.content.decode()
    assert resident.get(f"/answer/{code}/").status_code == 200


def test_guessing_is_throttled_overall_across_addresses(settings: Any) -> None:
    settings.SURVEYS_ANSWER_RATE_ALL = "5/10m"
    for n in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post("/answer/", {"code": "ABCDEFGHJKMN"})
    assert Client(REMOTE_ADDR="198.51.100.1").post("/answer/", {"code": "X"}).status_code == 429


# A Redis nobody listens on, configured as production configures the cache (errors ignored).
DEAD_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}
WRONG = "ABCDEFGHJKMN"


@pytest.fixture(autouse=True)
def _fresh_fallback(monkeypatch: Any) -> None:
    ratelimits.fallback.clear()
    monkeypatch.setattr(ratelimits, "_cache_down_until", 0.0)


def test_the_throttled_page_says_when_to_try_again(settings: Any) -> None:
    settings.SURVEYS_ANSWER_RATE_IP = "2/h"
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        attacker.post("/answer/", {"code": WRONG})
    blocked = attacker.post("/answer/", {"code": WRONG})
    assert blocked.status_code == 429 and "しばらく" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 3600


def test_right_codes_and_answering_are_never_counted_as_guesses(settings: Any) -> None:
    settings.SURVEYS_ANSWER_RATE_IP = "2/h"
    settings.SURVEYS_ANSWER_RATE_ALL = "2/h"
    dataset = open_fielding()
    code = issue(dataset)[0]
    resident = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert resident.post("/answer/", {"code": web.code_display(code)}).status_code == 302
        assert resident.get(f"/answer/{code}/").status_code == 200
    assert answer_all(resident, code).status_code == 302


def test_guesses_are_counted_per_client_behind_the_proxies(settings: Any) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.SURVEYS_ANSWER_RATE_IP = "3/h"
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    resident = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    code = issue(open_fielding())[0]
    for _ in range(3):
        assert attacker.post("/answer/", {"code": WRONG}).status_code == 404
    assert attacker.get(f"/answer/{code}/").status_code == 429
    assert resident.get(f"/answer/{code}/").status_code == 200  # same proxy, another resident


def test_wrong_codes_are_still_throttled_per_ip_when_the_cache_is_down(settings: Any) -> None:
    settings.CACHES = DEAD_CACHE
    settings.SURVEYS_ANSWER_RATE_IP = "3/h"
    attacker, resident = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    code = issue(open_fielding())[0]
    for _ in range(3):
        assert attacker.post("/answer/", {"code": WRONG}).status_code == 404
    blocked = attacker.get(f"/answer/{code}/")
    assert blocked.status_code == 429 and "しばらく" in blocked.content.decode()
    assert resident.get(f"/answer/{code}/").status_code == 200
    assert answer_all(resident, code).status_code == 302  # answering works without the cache
    assert WebAnswer.objects.filter(submitted_on__isnull=False).count() == 1


def test_guessing_is_still_throttled_overall_when_the_cache_is_down(settings: Any) -> None:
    settings.CACHES = DEAD_CACHE
    settings.SURVEYS_ANSWER_RATE_ALL = "5/10m"
    for n in range(5):
        assert (
            Client(REMOTE_ADDR=f"203.0.113.{n}").post("/answer/", {"code": WRONG}).status_code
            == 404
        )
    assert Client(REMOTE_ADDR="198.51.100.1").post("/answer/", {"code": WRONG}).status_code == 429


def test_guesses_counted_while_the_cache_was_down_still_count_when_it_is_back(
    settings: Any, monkeypatch: Any
) -> None:
    settings.CACHES = DEAD_CACHE
    settings.SURVEYS_ANSWER_RATE_IP = "3/h"
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        attacker.post("/answer/", {"code": WRONG})
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(ratelimits, "_cache_down_until", 0.0)  # the retry pause is over
    assert attacker.post("/answer/", {"code": WRONG}).status_code == 429


def test_the_throttle_check_reads_both_counters_in_one_cache_call(
    settings: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    settings.SURVEYS_ANSWER_RATE_IP = "3/h"
    settings.SURVEYS_ANSWER_RATE_ALL = "5/10m"
    calls: list[str] = []
    inside: list[str] = []  # locmem's get_many calls its own get: count the outer call only

    def counting(name: str) -> Any:
        real = getattr(cache, name)

        def call(keys: Any, *args: Any, **kwargs: Any) -> Any:
            ours = any(k.startswith("rl:") for k in ([keys] if isinstance(keys, str) else keys))
            if ours and not inside:  # the throttle's counters (django-ratelimit's key prefix)
                calls.append(name)
            inside.append(name)
            try:
                return real(keys, *args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "add", "incr", "set"):
        monkeypatch.setattr(cache, name, counting(name))
    code = issue(open_fielding())[0]
    resident = Client(REMOTE_ADDR="198.51.100.7")
    assert resident.get(f"/answer/{code}/").status_code == 200
    assert calls == ["get_many"]  # a right code: one read, nothing counted
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert attacker.post("/answer/", {"code": WRONG}).status_code == 404
    # The counts django-ratelimit made are the ones read: the attacker waits, the resident not.
    blocked = attacker.get(f"/answer/{code}/")
    assert blocked.status_code == 429 and 0 < int(blocked["Retry-After"]) <= 3600
    assert resident.get(f"/answer/{code}/").status_code == 200
    for n in range(2):  # two more wrong codes from elsewhere reach the overall limit (5)
        Client(REMOTE_ADDR=f"192.0.2.{n}").post("/answer/", {"code": WRONG})
    assert resident.get(f"/answer/{code}/").status_code == 429


def test_nothing_about_the_device_or_time_is_stored(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    answer_all(client, code)
    answer = WebAnswer.objects.get()
    fields = {f.name for f in WebAnswer._meta.get_fields()} | {
        f.name for f in AccessCode._meta.get_fields()
    }
    assert not {"ip", "client_ip", "user_agent", "created_at", "submitted_at"} & fields
    assert answer.submitted_on == timezone.localdate()
    assert "203.0.113" not in str(answer.values)
    response = Client().get(f"/answer/{issue(dataset)[0]}/")
    assert set(response.cookies) <= {"csrftoken"}


def test_the_answer_goes_through_the_upload_validation() -> None:
    instrument = Instrument.objects.get(slug="tsunagari-r3")
    row = {"resp_id": "C1", "mode": "2", "lonely_direct": "7"}
    with pytest.raises(web.AnswerInvalid) as info:
        web.answer_validate(instrument, row)
    assert info.value.problems[0].message.startswith("範囲外のコードです")


# --- Instrument-driven features: multiple answers, 答えたくない, skip logic -----------------------

SPEC = {
    "slug": "web-test",
    "name": "WEB試験",
    "survey": "tsunagari",
    "wave": "R3",
    "variables": [
        {"name": "resp_id", "type": "id", "required": True},
        {"name": "mode", "type": "code", "codes": {1: "郵送", 2: "WEB"}},
        {
            "name": "lonely",
            "question": "孤独を感じますか",
            "type": "code",
            "codes": {1: "ない", 2: "ある"},
        },
        {
            "name": "since",
            "question": "いつからですか",
            "type": "code",
            "codes": {1: "1年未満", 2: "1年以上"},
        },
        {"name": "act_1", "question": "趣味", "type": "code", "codes": {0: "いいえ", 1: "はい"}},
        {"name": "act_2", "question": "町内会", "type": "code", "codes": {0: "いいえ", 1: "はい"}},
        {"name": "income", "question": "世帯年収", "type": "code", "codes": {1: "低", 2: "高"}},
        {
            "name": "trig_a",
            "label": "一人暮らし",
            "type": "code",
            "codes": {0: "選択なし", 1: "選択"},
        },
        {"name": "trig_b", "label": "死別", "type": "code", "codes": {0: "選択なし", 1: "選択"}},
        {
            "name": "dur",
            "question": "どのくらい続いていますか",
            "type": "code",
            "codes": {1: "1年未満", 2: "1年以上"},
            "asked_if": {"variable": "lonely", "codes": [2]},
            "question_number": "問5",
        },
    ],
    # the instrument's own multiple-answer declaration (one yes/no column per option)
    "multiple_answer": [
        {
            "name": "trig",
            "question": "出来事（複数回答）",
            "columns": ["trig_a", "trig_b"],
            "question_number": "問4",
        },
    ],
    "web": {
        "pages": [
            {"items": ["lonely"]},
            {"items": ["since"]},
            {"items": ["acts", "income"]},
            {"items": ["trig", "dur"]},
        ],
        "multiple": [
            {"name": "acts", "question": "参加している活動", "options": ["act_1", "act_2"]}
        ],
        "decline": ["income"],
        "skip": [{"if": {"lonely": [1]}, "skip": ["since"]}],
    },
}


@pytest.fixture
def test_fielding() -> Dataset:
    instrument = Instrument.objects.create(
        slug="web-test", name="WEB試験", survey="tsunagari", wave="R3", spec=SPEC
    )
    return open_fielding(instrument=instrument)


def test_skip_logic_multiple_answers_and_decline(client: Client, test_fielding: Dataset) -> None:
    code = issue(test_fielding)[0]
    url, f = f"/answer/{code}/", str(test_fielding.pk)
    response = client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "1"})
    assert response["Location"].endswith("?p=3")  # 「ない」: the follow-up page is skipped
    page = client.get(url + "?p=3").content.decode()
    assert 'type="checkbox"' in page and "答えたくない" in page
    client.post(
        url, {"page": 3, "nav": "next", "fielding": f, "acts": ["act_2"], "income": "decline"}
    )
    client.post(url, {"nav": "submit", "fielding": f})
    row = services.microdata_frame(test_fielding).iloc[0]
    assert row["since"] == -1 and row["act_1"] == 0 and row["act_2"] == 1
    assert row["income"] == -1  # 答えたくない is recorded as 無回答
    assert row["trig_a"] == -1 and row["trig_b"] == -1  # nothing ticked: 無回答


def test_instrument_multiple_answer_and_asked_if(client: Client, test_fielding: Dataset) -> None:
    code = issue(test_fielding)[0]
    url, f = f"/answer/{code}/", str(test_fielding.pk)
    client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "1"})
    page = client.get(url + "?p=4").content.decode()
    assert "問4" in page and 'value="trig_b"' in page and 'name="dur"' not in page
    client.post(url, {"page": 4, "nav": "next", "fielding": f, "trig": ["trig_b"], "dur": "2"})
    client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "2"})
    assert 'name="dur"' in client.get(url + "?p=4").content.decode()  # asked now
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"nav": "submit", "fielding": f})
    row = services.microdata_frame(test_fielding).iloc[0]
    assert (row["trig_a"], row["trig_b"], row["dur"]) == (0, 1, 2)


def test_skip_back_shows_the_follow_up_again(client: Client, test_fielding: Dataset) -> None:
    code = issue(test_fielding)[0]
    url, f = f"/answer/{code}/", str(test_fielding.pk)
    client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "2"})
    response = client.post(url, {"page": 2, "nav": "back", "fielding": f, "since": "2"})
    assert response["Location"].endswith("?p=1")
    response = client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "2"})
    assert response["Location"].endswith("?p=2")


def test_an_edited_instrument_is_what_the_next_resident_sees(
    client: Client, test_fielding: Dataset
) -> None:
    code = issue(test_fielding)[0]
    url = f"/answer/{code}/"
    assert "孤独を感じますか" in client.get(url).content.decode()
    instrument = test_fielding.instrument
    spec = instrument.spec
    spec["variables"][2]["question"] = "さびしいと感じますか"
    spec["variables"][2]["codes"] = {1: "ない", 2: "ある", 3: "わからない"}
    instrument.spec = spec
    instrument.save()  # what the admin or instrument_load does
    page = client.get(url).content.decode()
    assert "さびしいと感じますか" in page and "わからない" in page
    f = str(test_fielding.pk)
    client.post(url, {"page": 1, "nav": "next", "fielding": f, "lonely": "3"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(url, {"nav": "submit", "fielding": f}).status_code == 302
    assert services.microdata_frame(test_fielding).iloc[0]["lonely"] == 3  # checked as edited


def test_a_submission_costs_one_read_and_the_writes_it_needs(
    client: Client, django_assert_num_queries: Any
) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    answer_all(client, code, submit=False)
    client.get(f"/answer/{code}/?p=review")  # the instrument is prepared by now
    # the code (with its fielding and draft), then in one transaction (a savepoint in the test)
    # the code's status and the answer; after the commit the respondent count and the reports'
    # staleness. On PostgreSQL the code's status, the answer and the count are one statement
    # (its own transaction: no savepoint).
    # The instrument itself is not read again.
    expected = 3 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/answer/{code}/", {"nav": "submit", "fielding": str(dataset.pk)})
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.n_respondents == 1 and dataset.status == Dataset.Status.LOADED
    kept = WebAnswer.objects.get(code__code_hash=web.code_hash(code))
    assert kept.submitted_on == timezone.localdate() and kept.draft == {} and kept.values
    assert AccessCode.objects.get(pk=kept.code_id).status == AccessCode.Status.SUBMITTED


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _orm_find(code: str) -> AccessCode:
    return (
        AccessCode.objects.select_related("dataset__instrument", "dataset__web", "answer")
        .defer("dataset__instrument__spec")
        .get(code_hash=web.code_hash(code))
    )


@pytest.mark.parametrize("started", [False, True])
def test_the_code_look_up_gives_what_the_orm_gives(
    client: Client, django_assert_num_queries: Any, started: bool
) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    if started:
        answer_all(client, code, submit=False)
    expected = _orm_find(code)
    with django_assert_num_queries(1):  # the code, its answer, dataset, fielding, instrument
        access = web.code_find(code.lower())
        assert access is not None
        got = (access, access.dataset, access.dataset.web, access.dataset.instrument)
        answer = web._answer_of(access)
    assert access.dataset.instrument.get_deferred_fields() == {"spec"}  # read per version
    want = (expected, expected.dataset, expected.dataset.web, expected.dataset.instrument)
    for mine, theirs in zip(got, want, strict=True):
        assert type(mine) is type(theirs) and _fields(mine) == _fields(theirs)
    if started:
        assert answer is not None and _fields(answer) == _fields(expected.answer)
        assert answer.draft and answer.code is access
    else:
        assert answer is None
    assert web.code_find("ABCDEFGHJKLM") is None


def test_the_code_look_up_reads_the_fielding_and_status_afresh(client: Client) -> None:
    """Nothing about a code is kept between requests: a fielding closed by staff, or a code
    used meanwhile (another tab, paper), is refused at the next request."""
    dataset = open_fielding()
    code, other = issue(dataset, 2)
    assert client.get(f"/answer/{code}/").status_code == 200
    dataset.web.closes_on = timezone.localdate() - timedelta(days=1)
    dataset.web.save()
    assert client.get(f"/answer/{code}/").status_code == 403
    dataset.web.closes_on = timezone.localdate() + timedelta(days=1)
    dataset.web.save()
    assert client.get(f"/answer/{other}/").status_code == 200
    AccessCode.objects.filter(code_hash=web.code_hash(other)).update(status=AccessCode.Status.PAPER)
    response = client.post(f"/answer/{other}/", {"nav": "submit", "fielding": str(dataset.pk)})
    assert response.status_code == 410


def test_anonymous_answer_pages_skip_sessions_auth_and_messages_but_keep_the_rest() -> None:
    from surveys.middleware import answer_middleware

    lean = answer_middleware()
    for kept in (
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "kitakyushu_pf.middleware.DenialLogMiddleware",
        "kitakyushu_pf.middleware.DatabaseUnavailableMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
    ):
        assert kept in lean
    assert not {m for m in lean if "session" in m or "auth" in m or "messages" in m}
    assert lean == sorted(lean, key=settings_middleware().index)  # the full stack's order


def settings_middleware() -> list[str]:
    from django.conf import settings

    return list(settings.MIDDLEWARE)


def test_the_answer_form_still_needs_its_csrf_token_and_sends_the_security_headers() -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.has_header("Content-Security-Policy") and page["X-Frame-Options"] == "DENY"
    assert "no-store" in page["Cache-Control"]
    assert set(page.cookies) == {"csrftoken"}  # no session cookie
    assert page["Content-Language"] == "ja"
    fielding = str(dataset.pk)
    data = {"page": 1, "nav": "next", "fielding": fielding, **ANSWERS[1]}
    assert client.post(url, data).status_code == 403  # no token
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert WebAnswer.objects.get(code__code_hash=web.code_hash(code)).page == 1


def test_a_signed_in_visitor_gets_the_answer_pages_through_the_full_stack(
    analyst_client: Client,
) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    response = analyst_client.get(f"/answer/{code}/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated  # sessions and auth ran


# --- Paper and web together -------------------------------------------------------------------


def upload(dataset: Dataset, rows: list[list[Any]]) -> None:
    content = csv_text(rows).encode()
    dataset_file = services.datasetfile_store(
        dataset=dataset, name="paper.csv", chunks=[content], dispatch=False
    )
    services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)


def test_paper_and_web_duplicate_is_listed_paper_counts_until_chosen(client: Client) -> None:
    dataset = open_fielding()
    both, web_only, paper_only = issue(dataset, 3)
    answer_all(client, both)
    answer_all(client, web_only)
    upload(
        dataset,
        [
            good_row(web.code_display(both), lonely_direct=1),
            good_row(paper_only, lonely_direct=2),
            good_row("P-0001", lonely_direct=3),
        ],
    )
    dataset.refresh_from_db()
    assert dataset.n_respondents == 4
    frame = services.microdata_frame(dataset)
    assert len(frame) == 4  # 3 paper + 1 web; the duplicate's web answer does not count
    assert sorted(frame["mode"].tolist()) == [1, 1, 1, 2]
    assert both not in "".join(frame["resp_id"])  # the plain code is never kept
    dupes = web.duplicates(dataset)
    assert len(dupes) == 1
    web.duplicate_choose(access=dupes[0], counted="web")
    frame = services.microdata_frame(dataset)
    assert len(frame) == 4 and sorted(frame["lonely_direct"].tolist()) == [2, 3, 5, 5]
    dataset.refresh_from_db()
    assert dataset.n_respondents == 4
    # a code answered on paper cannot then answer on the web
    assert Client().get(f"/answer/{paper_only}/").status_code == 410


def test_paper_upload_then_web_counts_add_up(client: Client) -> None:
    dataset = load_dataset(csv_text([good_row("A1"), good_row("A2")]).encode(), sample_size=10)
    today = timezone.localdate()
    web.fielding_open(dataset=dataset, opens_on=today, closes_on=today)
    answer_all(client, issue(dataset)[0])
    dataset.refresh_from_db()
    assert dataset.n_respondents == 3 and dataset.response_rate == 30.0
    assert services.microdata_frame(dataset)["mode"].tolist() == [1, 1, 2]


def test_report_counts_web_answers(client: Client, settings: Any) -> None:
    settings.SURVEYS_WEB_REPORT_DISPATCH = True
    services.national_figures_load_shipped()
    dataset = open_fielding()
    for code in issue(dataset, 3):
        answer_all(client, code)
    job = dataset.reports.get(mode="internal") if dataset.reports.exists() else None
    if job is None:
        job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
        services.report_job_run(job=job)
        job.refresh_from_db()
    assert job.result["meta"]["n_respondents"] == 3
    answer_all(client, issue(dataset)[0])
    job.refresh_from_db()
    assert job.is_ready and job.result["meta"]["n_respondents"] == 4


def test_a_web_answer_leaves_a_rebuild_already_queued_alone(
    client: Client, settings: Any, monkeypatch: Any
) -> None:
    from kitakyushu_pf.models import BackgroundJob
    from surveys.services import reports

    dataset = open_fielding()
    internal = services.report_request(dataset=dataset, mode="internal", dispatch=False)
    publish = services.report_request(dataset=dataset, mode="publish", dispatch=False)
    assert internal.job is not None and publish.job is not None
    BackgroundJob.objects.filter(pk=publish.job.pk).update(status=BackgroundJob.Status.DONE)
    queued_before, built_before = internal.job_id, publish.job_id
    requested: list[str] = []
    real = reports.report_request

    def report_request(**kwargs: Any) -> Any:
        requested.append(kwargs["mode"])
        return real(**kwargs)

    monkeypatch.setattr(reports, "report_request", report_request)
    settings.SURVEYS_WEB_REPORT_DISPATCH = False
    answer_all(client, issue(dataset)[0])
    assert requested == ["publish"]  # the built one is rebuilt; the queued one stays as it is
    internal.refresh_from_db()
    publish.refresh_from_db()
    assert internal.job_id == queued_before  # the same waiting build
    assert publish.job_id != built_before
    assert publish.job is not None and publish.job.status == BackgroundJob.Status.QUEUED
    requested.clear()
    answer_all(client, issue(dataset)[0])  # both waiting now: no report row is touched
    assert requested == []
    assert Dataset.objects.get(pk=dataset.pk).n_respondents == 2


def test_the_reports_states_read_per_answer_are_the_orms() -> None:
    from kitakyushu_pf.models import BackgroundJob
    from surveys.models import ReportJob

    bare, with_reports = open_fielding(), open_fielding()
    for mode in ("internal", "publish"):
        services.report_request(dataset=with_reports, mode=mode, dispatch=False)
    job = ReportJob.objects.get(dataset=with_reports, mode="publish").job
    assert job is not None
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.DONE)
    for dataset in (bare, with_reports, bare):  # the statement is reused for another dataset
        expected = ReportJob.objects.filter(dataset=dataset).values_list("mode", "job__status")
        assert sorted(web._report_states(dataset.pk)) == sorted(expected)
    assert sorted(web._report_states(with_reports.pk)) == [
        ("internal", BackgroundJob.Status.QUEUED),
        ("publish", BackgroundJob.Status.DONE),
    ]


def test_unused_codes_from_the_held_list() -> None:
    dataset = open_fielding()
    codes = issue(dataset, 4)
    access = web.code_find(codes[0])
    assert access is not None
    web.answer_submit(access=access)
    listed = web.read_code_list(web.codes_csv(codes))
    assert web.codes_unused(dataset=dataset, codes=listed) == codes[1:]


# --- Staff pages ------------------------------------------------------------------------------


def test_analyst_issues_codes_with_the_button_and_sees_fieldwork(analyst_client: Client) -> None:
    import zipfile

    dataset = open_fielding(sample_size=50)
    response = analyst_client.post(f"/surveys/d/{dataset.pk}/web/codes/", {"count": "5"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["codes.csv", "inserts.pdf"]
    codes = web.read_code_list(archive.read("codes.csv"))
    answer_all(Client(), codes[0])
    page = analyst_client.get(f"/surveys/d/{dataset.pk}/web/").content.decode()
    assert "2.0%" in page  # 1 of 50
    unused = analyst_client.post(
        f"/surveys/d/{dataset.pk}/web/unused/",
        {"codes": io.BytesIO(archive.read("codes.csv"))},
    )
    listed = web.read_code_list(unused.content)
    assert listed == codes[1:]


def test_fieldwork_and_codes_are_for_staff_only(member_client: Client) -> None:
    dataset = open_fielding()
    assert member_client.get(f"/surveys/d/{dataset.pk}/web/").status_code == 403
    response = member_client.post(f"/surveys/d/{dataset.pk}/web/codes/", {"count": "5"})
    assert response.status_code == 403
    assert not AccessCode.objects.exists()


def test_secretariat_sees_fieldwork_but_cannot_issue_codes(secretariat_client: Client) -> None:
    dataset = open_fielding()
    assert secretariat_client.get(f"/surveys/d/{dataset.pk}/web/").status_code == 200
    response = secretariat_client.post(f"/surveys/d/{dataset.pk}/web/codes/", {"count": "5"})
    assert response.status_code == 403
