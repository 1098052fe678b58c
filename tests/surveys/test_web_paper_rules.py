"""The web form of tsunagari-r3 follows the paper form: what the resident sees on each page,
and what lands in the dataset, compared with what a postal upload of the same ticks gives.

The city's own account of the fielding (shared/seed, 人々のつながりに関する基礎調査業務) says
only that residents answered by post or on a web form (line 481) and that the form asked the
same items as the national R3 survey (line 482). It prints no 「答えたくない」 option and no skip
instruction: the web form adds none, and the one filter it applies is the instrument's own
`asked_if` (問15, shared with the paper form's reports).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, TestCase

from surveys import services, synthetic, web
from surveys.models import Dataset, DatasetFile, Instrument, WebAnswer

from .factories import csv_text
from .test_web import issue, open_fielding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_report_dispatch(settings: Any) -> None:
    settings.SURVEYS_WEB_REPORT_DISPATCH = False


def questionnaire() -> web.Questionnaire:
    return web.questionnaire(Instrument.objects.get(slug="tsunagari-r3"))


def ticks(**chosen: Any) -> dict[str, Any]:
    """An answer to every question: the given ones, else the first option."""
    out: dict[str, Any] = {}
    for item in questionnaire().items.values():
        first = item.options[0][0]
        out[item.name] = chosen.get(item.name, [first] if item.kind == "multiple" else first)
    return out


def answer(client: Client, dataset: Dataset, code: str, chosen: dict[str, Any]) -> Any:
    """Page by page as the resident goes: next until the review page, then send."""
    url, fielding = f"/answer/{code}/", str(dataset.pk)
    target = url
    shown: list[str] = []
    while True:
        page = client.get(target)
        assert page.status_code == 200
        body = page.content.decode()
        if "?p=review" in target:
            break
        number = int(re.search(r'name="page" value="(\d+)"', body).group(1))  # type: ignore[union-attr]
        names = list(dict.fromkeys(re.findall(r'<input[^>]+name="([a-z_0-9]+)"', body)))
        names = [n for n in names if n not in ("page", "fielding", "csrfmiddlewaretoken")]
        shown += names
        data = {n: chosen[n] for n in names if chosen.get(n) not in (None, "")}
        response = client.post(url, {"page": number, "nav": "next", "fielding": fielding, **data})
        assert response.status_code == 302
        target = response["Location"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post(url, {"nav": "submit", "fielding": fielding})
    return shown, body, sent


def web_row(dataset: Dataset) -> Any:
    frame = services.microdata_frame(dataset)
    return frame[frame["mode"] == 2].iloc[0]


def paper_row(dataset: Dataset, values: dict[str, Any]) -> Any:
    """The same ticks keyed from a paper form and uploaded (blank where nothing is written)."""
    header = synthetic.TSUNAGARI_EXTENDED_COLUMNS
    upload_values = {"resp_id": "P-0001", "mode": 1, **values}
    content = csv_text([[upload_values.get(c, "") for c in header]], header=header).encode()
    stored = services.datasetfile_store(
        dataset=dataset, name="paper.csv", chunks=[content], dispatch=False
    )
    checked = services.datasetfile_validate(dataset_file=stored, dispatch=False)
    assert checked.problems == []
    dataset.refresh_from_db()
    frame = services.microdata_frame(dataset)
    return frame[frame["resp_id"] == "P-0001"].iloc[0]


def as_columns(chosen: dict[str, Any], skipped: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    """The ticks as the paper file's columns (one 0/1 column per tick box)."""
    out: dict[str, Any] = {}
    for item in questionnaire().items.values():
        given = None if item.name in skipped else chosen.get(item.name)
        if item.kind == "multiple":
            for name in item.variables:
                out[name] = "" if not given else int(name in given)
        else:
            out[item.name] = "" if given in (None, "") else given
    return out


# --- Seed line 481: answered by post or on a web form ----------------------------------------


def test_the_web_never_asks_how_it_is_answered_and_lands_as_web(client: Client) -> None:
    dataset = open_fielding()
    shown, _, sent = answer(client, dataset, issue(dataset)[0], ticks())
    assert sent.status_code == 302
    assert "mode" not in shown
    assert web_row(dataset)["mode"] == 2  # 2 = WEB, 1 = 郵送 (the postal upload)


# --- Seed line 482: the same question items as the national R3 survey ------------------------


def test_every_question_is_asked_once_in_the_printed_order(client: Client) -> None:
    dataset = open_fielding()
    shown, _, _ = answer(client, dataset, issue(dataset)[0], ticks(lonely_direct="3"))
    q = questionnaire()
    expected = [n for p in q.pages for i in p.items for n in [i.name]]
    assert shown == expected  # each question once, nothing the instrument does not have
    numbers = [q.items[n].number for n in shown]
    assert numbers == sorted(numbers, key=lambda s: [int(x) for x in re.findall(r"\d+", s)])
    printed = {f"問{k}" for k in range(1, 18) if k != 9} | {f"問9({k})" for k in (1, 2, 3)}
    assert set(numbers) == printed


# --- 「答えたくない」: the seed prints none; the instrument's own answer code only -------------


def test_decline_is_offered_only_where_the_instrument_has_it(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    pages = [
        client.get(f"/answer/{code}/?p={p.index}").content.decode() for p in questionnaire().pages
    ]
    offered = [body.count("答えたくない") for body in pages]
    assert offered == [1] + [0] * (len(pages) - 1)  # 問1 性別 「その他・答えたくない」 only
    assert f'value="{web.DECLINE}"' not in "".join(pages)  # no web-only 「答えたくない」 anywhere
    answer(client, dataset, code, ticks(sex="3"))
    assert web_row(dataset)["sex"] == 3  # the paper's code 3, not 無回答


# --- Skip logic: the seed prints none; the instrument's asked_if for 問15 ----------------------


@pytest.mark.parametrize("lonely", ["1", "2", "5"])
def test_how_long_loneliness_lasted_is_asked_only_of_those_who_feel_some(
    client: Client, lonely: str
) -> None:
    dataset = open_fielding()
    chosen = ticks(lonely_direct=lonely, loneliness_duration="4")
    shown, review, sent = answer(client, dataset, issue(dataset)[0], chosen)
    assert sent.status_code == 302
    asked = lonely != "1"  # 1 = 決してない
    assert ("loneliness_duration" in shown) is asked
    assert ("問15" in review) is asked
    every_other = [i.name for p in questionnaire().pages for i in p.items]
    every_other.remove("loneliness_duration")
    assert [n for n in shown if n != "loneliness_duration"] == every_other  # nothing else skipped
    row = web_row(dataset)
    assert row["loneliness_duration"] == (4 if asked else -1)
    # … exactly what the postal upload stores for the same form (問15 left blank when skipped)
    skipped = set() if asked else {"loneliness_duration"}
    paper = paper_row(dataset, as_columns(chosen, skipped))
    assert row["loneliness_duration"] == paper["loneliness_duration"]


def test_a_blank_loneliness_answer_does_not_skip_how_long(client: Client) -> None:
    dataset = open_fielding()
    chosen = ticks(lonely_direct="", loneliness_duration="2")
    shown, _, _ = answer(client, dataset, issue(dataset)[0], chosen)
    assert "loneliness_duration" in shown  # the paper asks every respondent who did not say 1
    row = web_row(dataset)
    assert (row["lonely_direct"], row["loneliness_duration"]) == (-1, 2)


def test_changing_the_loneliness_answer_to_never_drops_how_long(client: Client) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    url, f = f"/answer/{code}/", str(dataset.pk)
    q = questionnaire()
    lonely_page = next(p.index for p in q.pages if "lonely_direct" in [i.name for i in p.items])
    duration_page = next(
        p.index for p in q.pages if "loneliness_duration" in [i.name for i in p.items]
    )
    client.post(url, {"page": lonely_page, "nav": "next", "fielding": f, "lonely_direct": "4"})
    client.post(
        url, {"page": duration_page, "nav": "next", "fielding": f, "loneliness_duration": "3"}
    )
    client.post(url, {"page": lonely_page, "nav": "next", "fielding": f, "lonely_direct": "1"})
    assert (
        'name="loneliness_duration"' not in client.get(f"{url}?p={duration_page}").content.decode()
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"nav": "submit", "fielding": f})
    assert web_row(dataset)["loneliness_duration"] == -1  # not the 3 given before the change


# --- What lands: the same row as the postal upload of the same form --------------------------


def test_a_web_answer_is_the_row_the_postal_upload_gives(client: Client) -> None:
    dataset = open_fielding()
    chosen = ticks(
        sex="2", lonely_direct="4", loneliness_duration="2", income="",
        activities=["act_hobby", "act_volunteer"], triggers=[],
    )  # fmt: skip
    answer(client, dataset, issue(dataset)[0], chosen)
    on_web = web_row(dataset)
    on_paper = paper_row(dataset, as_columns(chosen))
    names = [c for c in synthetic.TSUNAGARI_EXTENDED_COLUMNS if c not in ("resp_id", "mode")]
    assert on_web[names].tolist() == on_paper[names].tolist()
    assert on_web["income"] == -1 and on_web["trig_alone"] == -1  # unanswered: 無回答 on both


def test_nothing_in_particular_with_another_tick_is_refused_like_the_upload(
    client: Client,
) -> None:
    dataset = open_fielding()
    code = issue(dataset)[0]
    both = ["act_hobby", "act_none"]  # 趣味の活動 and 特に参加していない
    _, _, sent = answer(client, dataset, code, ticks(activities=both))
    assert sent.status_code == 422
    body = sent.content.decode()
    message = "複数回答で「特にない」と他の選択肢が同時に選ばれています"
    assert message in body and "問12" in body
    assert not WebAnswer.objects.filter(submitted_on__isnull=False).exists()
    header = synthetic.TSUNAGARI_EXTENDED_COLUMNS
    keyed = {"resp_id": "P-0001", "mode": 1, **as_columns(ticks(activities=both))}
    paper = services.datasetfile_store(
        dataset=open_fielding(),
        name="paper.csv",
        chunks=[csv_text([[keyed[c] for c in header]], header=header).encode()],
        dispatch=False,
    )
    paper = services.datasetfile_validate(dataset_file=paper, dispatch=False)
    assert paper.status == DatasetFile.Status.INVALID
    assert [p["message"] for p in paper.problems] == [message]
