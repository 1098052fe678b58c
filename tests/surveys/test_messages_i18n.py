"""Survey messages go through gettext: the key findings read the same in Japanese as before and
are English in an English report, and a file's problems are shown in the reader's language."""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from surveys import findings, synthetic
from surveys.ingest import validate_file
from surveys.models import Instrument, ReportJob
from surveys.services.instruments import instrument_variables

from .factories import HEADER, csv_text, good_row, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "data" / "findings_2179.json"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """A request with the English cookie leaves English active in this thread: put it back."""
    with translation.override(translation.get_language()):
        yield


def variants(result: dict[str, Any], mode: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The report itself, then its headline row changed so every kind of sentence appears:
    weighted, suppressed, without a national figure, above and below the nation, and with the
    overall row suppressed (breakdown sentences without the comparison with all respondents)."""
    yield mode, result
    item = result["findings_spec"]["items"][0]

    def changed(name: str, **values: Any) -> tuple[str, dict[str, Any]]:
        out = copy.deepcopy(result)
        for row in out["rows"]:
            if (row["indicator"], row["breakdown"], row["group"] or "", row["answer"]) == (
                item["indicator"],
                "total",
                "",
                item["answer"],
            ):
                row.update(values)
        return f"{mode}:{name}", out

    if mode != "internal":
        return
    yield changed("weighted", weighted_pct=6.9, weighted_ci_low=5.6, weighted_ci_high=8.5)
    yield changed("suppressed", suppressed=True, city_pct=None)
    yield changed("no_national", national_pct=None)
    yield changed("higher", national_pct=1.0, diff_ci_low=None, diff_ci_high=None)
    yield changed("lower", national_pct=9.0, diff_ci_low=None, diff_ci_high=None)


def _report(dataset: Any, mode: str) -> dict[str, Any]:
    from surveys import services

    job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
    return services.report_job_run(job=job).result


@pytest.fixture(scope="module")
def city_results(django_db_setup: Any, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    buffer = io.StringIO()
    synthetic.tsunagari(2179).to_csv(buffer, index=False)
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            # the title is in the report files: fixed, whatever ran before
            dataset = load_dataset(
                buffer.getvalue().encode(), sample_size=7000, title="テスト調査 0"
            )
            out = {
                str(mode): _report(dataset, mode)
                for mode in (ReportJob.Mode.INTERNAL, ReportJob.Mode.PUBLISH)
            }
            transaction.set_rollback(True)
    return out


def test_key_findings_read_as_before_in_japanese_and_english(city_results: dict) -> None:
    """Every sentence of the 2,179-respondent file (both modes, and the headline changed into
    every kind of sentence) is the same text, flag and label as before gettext."""
    expected = json.loads(SNAPSHOT.read_text())
    got = {}
    for mode, result in city_results.items():
        for name, variant in variants(result, mode):
            got[name] = {lang: findings.findings(variant, language=lang) for lang in ("ja", "en")}
    assert got.keys() == expected.keys()
    for name in expected:
        for lang in ("ja", "en"):
            assert got[name][lang] == expected[name][lang], (name, lang)


@pytest.mark.parametrize("active", ["ja", "en"])
def test_the_report_language_not_the_active_one_decides(city_results: dict, active: str) -> None:
    result = city_results["internal"]
    with translation.override(active):
        english = findings.findings(result, language="en")
        japanese = findings.findings(result, language="ja")
    assert english and all(not JAPANESE.search(s["text"] + s["flag_label"]) for s in english)
    assert all(s["text"].startswith(("In Kitakyushu City", "By ")) for s in english)
    assert japanese[0]["text"].startswith("北九州市で") and japanese[0]["flag_label"]
    assert all(s["text"].endswith("。") for s in japanese)


def test_two_groups_without_a_significant_difference_read_as_before() -> None:
    def row(group: str, pct: float, low: float, high: float) -> dict[str, Any]:
        return {"indicator": "x", "breakdown": "cohab" if group else "total", "group": group,
                "answer": "はい", "city_pct": pct, "city_ci_low": low, "city_ci_high": high,
                "city_base": 200, "national_pct": None}  # fmt: skip

    result = {
        "rows": [row("", 5.0, 4.0, 6.0), row("いる", 5.5, 3.0, 9.0), row("いない", 4.5, 2.5, 8.0)],
        "labels": {"cohab": {"label": "同居", "label_en": "Living arrangement",
                             "codes": {"1": "いる", "2": "いない"},
                             "codes_en": {"1": "Yes", "2": "No"}}},
        "findings_spec": {"items": [{"indicator": "x", "answer": "はい",
                                     "subject": "「はい」と答えた人",
                                     "subject_en": "people who said yes",
                                     "breakdowns": ["cohab"]}]},
    }  # fmt: skip
    assert [f["text"] for f in findings.findings(result, language="ja")] == [
        "北九州市で「はい」と答えた人は5.0%（95%信頼区間 4.0〜6.0%）で、"
        "比較できる全国値はありません。",
        "同居別では、「いる」で5.5%と、「いない」（4.5%）との間に統計的な差はみられませんでした。",
    ]
    assert [f["text"] for f in findings.findings(result, language="en")] == [
        "In Kitakyushu City, 5.0% of respondents are people who said yes (95% CI 4.0–6.0%); "
        "there is no national figure to compare with.",
        "By living arrangement: 5.5% among “Yes” against 4.5% among “No” — not a significant "
        "difference.",
    ]


# --- A file's problems, in the reader's language ----------------------------------------------


def _bad_file() -> bytes:
    rows = [good_row("1"), good_row("2", sex=7, age_group="三十代"), good_row("1")]
    return (csv_text([r + ["x"] for r in rows], [*HEADER, "備考"]) + "9,2\n").encode()


def _problems_cell_texts(page: str) -> list[str]:
    return re.findall(r"<td><code>[^<]*</code></td><td>([^<]*)</td>", page)


def test_validation_messages_follow_the_active_language(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(_bad_file())
    variables = instrument_variables(Instrument.objects.get(slug="tsunagari-r3"))
    with translation.override("ja"):
        ja = validate_file(path, variables, max_rows=100)
    with translation.override("en"):
        en = validate_file(path, variables, max_rows=100)
    # the same problems at the same rows, only the words differ
    assert [(p.row, p.column, p.value) for p in ja.problems] == [
        (p.row, p.column, p.value) for p in en.problems
    ]
    assert [(p.row, p.message) for p in ja.problems] == [
        (2, "resp_id が重複しています"),
        (3, "数値ではありません（型が不正です）"),
        (3, "範囲外のコードです（有効: 1・2・3）"),
        (4, "resp_id が重複しています"),
        (5, "項目数がヘッダー（16）と違います（2項目）"),
    ]
    assert [p.message for p in en.problems] == [
        "resp_id is duplicated",
        "Not a number (wrong type)",
        "Code out of range (valid: 1, 2, 3)",
        "resp_id is duplicated",
        "The row has 2 fields; the header has 16",
    ]
    assert ja.notes == ["調査票にない列は読み込みません: 備考"]
    assert en.notes == ["Columns that are not in the questionnaire are not loaded: 備考"]


def test_stored_problems_are_shown_in_the_viewers_language(client: Any, analyst_user: Any) -> None:
    with translation.override("ja"):  # the validation job runs in the portal's language
        dataset = load_dataset(_bad_file())
    dataset_file = dataset.files.get()
    assert [p["code"] for p in dataset_file.problems][1:3] == ["not_a_number", "code_out_of_range"]
    client.force_login(analyst_user)
    url = reverse("surveys:file-detail", args=[dataset_file.pk])
    page = client.get(url).content.decode()
    assert _problems_cell_texts(page)[1:3] == [
        "数値ではありません（型が不正です）",
        "範囲外のコードです（有効: 1・2・3）",
    ]
    assert "調査票にない列は読み込みません: 備考" in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert _problems_cell_texts(page)[1:3] == [
        "Not a number (wrong type)",
        "Code out of range (valid: 1, 2, 3)",
    ]
    assert "Columns that are not in the questionnaire are not loaded: 備考" in page
    assert "範囲外" not in page and "調査票にない列" not in page


def test_a_refused_file_is_shown_in_the_viewers_language(client: Any, analyst_user: Any) -> None:
    with translation.override("ja"):
        dataset = load_dataset(synthetic_csv(5).decode().encode("utf-16"))
    dataset_file = dataset.files.get()
    client.force_login(analyst_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("surveys:file-detail", args=[dataset_file.pk])).content.decode()
    assert "UTF-16 files are not accepted." in page and "UTF-16 のファイル" not in page


def test_problems_stored_as_text_before_codes_still_show(client: Any, analyst_user: Any) -> None:
    with translation.override("ja"):
        dataset = load_dataset(_bad_file())
    dataset_file = dataset.files.get()
    dataset_file.problems = [
        {"row": 3, "column": "sex", "value": "7", "message": "範囲外のコードです（有効: 1・2）"},
        {"row": 4, "column": "x", "value": "", "message": "古い版の文", "code": "gone_code"},
    ]
    dataset_file.notes = ["古い版の注記"]
    dataset_file.save()
    client.force_login(analyst_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("surveys:file-detail", args=[dataset_file.pk])).content.decode()
    assert _problems_cell_texts(page) == ["範囲外のコードです（有効: 1・2）", "古い版の文"]
    assert "古い版の注記" in page


# --- Refusals of the survey services, in the user's language -------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ["2行目: pct が数値ではありません（abc）", "3行目: source がありません"]),
        ("en", ["Line 2: pct is not a number (abc)", "Line 3: source is missing"]),
    ],
)
def test_national_figures_refusals_follow_the_language(language: str, expected: list) -> None:
    from django.core.exceptions import ValidationError

    from surveys.services.national import NATIONAL_COLUMNS, national_figures_replace

    header = ",".join(NATIONAL_COLUMNS)
    rows = "\n".join(
        [
            header,
            ",".join("abc" if c == "pct" else "" for c in NATIONAL_COLUMNS),
            ",".join({"pct": "1.5", "status": "VERIFIED-P"}.get(c, "") for c in NATIONAL_COLUMNS),
        ]
    )
    with translation.override(language), pytest.raises(ValidationError) as err:
        national_figures_replace(content=rows.encode())
    assert err.value.messages == expected


def test_unknown_instrument_is_refused_in_the_users_language() -> None:
    from django.core.exceptions import ValidationError

    from surveys.services.instruments import instrument_spec_read

    with translation.override("en"), pytest.raises(ValidationError, match="no instrument x9"):
        instrument_spec_read("x9")
    with translation.override("ja"), pytest.raises(ValidationError, match="調査票 x9 がありません"):
        instrument_spec_read("x9")


# --- Report files: the same Japanese, English where the reader asked for English ------------

REPORT_SNAPSHOT = Path(__file__).parent / "data" / "report_ja_2179.json"


def _xlsx_cells(data: bytes) -> dict[str, list[list[Any]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("mode", ["internal", "publish"])
def test_japanese_report_files_read_as_before(city_results: dict, mode: str) -> None:
    """The XLSX sheets, headers, summary and findings and the PDF's fixed pages of the
    2,179-respondent file, as they were before the report texts went through gettext."""
    from surveys import renderers

    expected = json.loads(REPORT_SNAPSHOT.read_text())[f"{mode}:ja"]
    with translation.override("en"):  # the report's language, not the active one, decides
        xlsx = _xlsx_cells(renderers.render_xlsx(city_results[mode], "ja"))
        pdf = _pdf_pages(renderers.render_pdf(city_results[mode], "ja"))
    names = list(xlsx)
    assert names == expected["sheets"]
    assert [list(r) for r in xlsx[names[0]]] == expected["summary"]
    assert [list(r) for r in xlsx[names[1]]] == expected["findings"]
    assert {n: list(xlsx[n][0]) for n in names} == expected["headers"]
    statuses = {r[21] for n in names[2:-1] for r in xlsx[n][1:] if len(r) > 21 and r[21]}
    assert sorted(statuses) == expected["national_status"]
    assert len(pdf) == expected["pdf_pages"]
    assert [pdf[0], pdf[1], pdf[-1]] == expected["pdf"]
    for key, page in expected["pdf_pages_with"].items():
        assert page is None or page in pdf, key


def test_english_report_files_have_english_fixed_texts(city_results: dict) -> None:
    from surveys import renderers

    result = city_results["internal"]
    xlsx = _xlsx_cells(renderers.render_xlsx(result, "en"))
    names = list(xlsx)
    assert names[:2] == ["Summary", "Key findings"] and names[-1] == "Sources"
    summary = dict((r[0], r[1]) for r in xlsx["Summary"][1:])
    assert summary["Report type"] == "Internal (no suppression, not for publication)"
    assert summary["Confidence intervals"] == "Wilson score intervals (95%)"
    for name in names[:-1]:
        assert not JAPANESE.search(" ".join(map(str, xlsx[name][0]))), name
    assert not any("全国値なし" in map(str, row) for n in names for row in xlsx[n])
    pdf = _pdf_pages(renderers.render_pdf(result, "en"))
    assert "Internal (no suppression, not for publication)" in pdf[0]
    assert "Report type" in pdf[1] and "区分：" not in pdf[1]
    assert "全国値なし" not in "".join(pdf)


def _mode_and_trend(flag: str) -> dict[str, Any]:
    return {
        "rows": [],
        "mode_table": {
            "variable": "mode", "indicator": "x", "answer": "はい",
            "split": [{"group": "郵送", "n": 10, "pct": 50.0}],
            "difference": {"a": "郵送", "b": "WEB", "diff": 1.23, "low": -0.5, "high": 2.9,
                           "flag": flag},
        },
        "trend": {"series": [{
            "indicator": "x", "answer": "はい", "national": [], "current": {"pct": 5.0,
            "ci_low": 4.0, "ci_high": 6.0}, "change": {"diff": -1.5, "low": -2.5, "high": -0.5,
            "flag": flag},
        }]},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("flag", "language", "mode_text", "trend_text"),
    [
        ("same", "ja", "郵送 − WEB: 1.2ポイント（95%信頼区間 -0.5〜2.9）で、統計的な差は"
         "みられませんでした。",
         "前回調査からの変化: -1.5ポイント（95%信頼区間 -2.5〜-0.5）で、統計的な差は"
         "みられませんでした。"),
        ("lower", "ja", "郵送 − WEB: 1.2ポイント（95%信頼区間 -0.5〜2.9）です。",
         "前回調査からの変化: -1.5ポイント（95%信頼区間 -2.5〜-0.5）で、減少しています。"),
        ("higher", "ja", "郵送 − WEB: 1.2ポイント（95%信頼区間 -0.5〜2.9）です。",
         "前回調査からの変化: -1.5ポイント（95%信頼区間 -2.5〜-0.5）で、増加しています。"),
        ("same", "en", "郵送 − WEB: 1.2 points (95% CI -0.5〜2.9).",
         "Change since the earlier fielding: -1.5 points (95% CI -2.5〜-0.5), not significant."),
        ("lower", "en", "郵送 − WEB: 1.2 points (95% CI -0.5〜2.9).",
         "Change since the earlier fielding: -1.5 points (95% CI -2.5〜-0.5)."),
    ],
)  # fmt: skip
def test_mode_and_trend_sentences_read_as_before(
    flag: str, language: str, mode_text: str, trend_text: str
) -> None:
    from surveys import presentation

    result = _mode_and_trend(flag)
    mode = presentation.mode_view(result, language)
    assert mode is not None and mode["difference"] == mode_text
    assert (mode["note"].startswith("郵送とWEBでは")) == (language == "ja")
    (trend,) = presentation.trend_view(result, language)
    assert trend["change"] == trend_text
    assert trend["title"] == ("x「はい」の推移" if language == "ja" else "x: “はい” over time")


# --- Notes the report stores: written again in the reader's language ------------------------

WEIGHTING = {"variables": ["sex", "age_group"], "converged": True, "iterations": 7,
             "max_rel_error": 3.2e-9, "trimmed": False, "excluded_blank": 1234}  # fmt: skip


@pytest.mark.parametrize(
    ("info", "japanese"),
    [
        (WEIGHTING, "住民基本台帳の人数（sex・age_group）へのレイキング（反復比例調整）: "
         "7回の反復で収束（最大相対誤差 3.2e-09）、重みの切り詰めなし。"
         "重み付けの変数が無回答の1,234人は重み付き集計に含めていません。"
         "95%信頼区間は Kish の有効標本数による Wilson 法、"
         "deff = n·Σw²/(Σw)²。"),
        ({**WEIGHTING, "converged": False, "trimmed": True, "iterations": 1},
         "住民基本台帳の人数（sex・age_group）へのレイキング（反復比例調整）: 1回で収束せず"
         "（最大相対誤差 3.2e-09）、重みの上下限あり。重み付けの変数が無回答の1,234人は重み付き"
         "集計に含めていません。95%信頼区間は Kish の有効標本数による Wilson 法、"
         "deff = n·Σw²/(Σw)²。"),
        ({**WEIGHTING, "empty_cells": ["男性・16〜19歳", "女性・80歳以上"]},
         "母集団の構成（sex・age_group）に回答者のいない区分（男性・16〜19歳、女性・80歳以上）"
         "があるため、重み付けできませんでした。"),
    ],
)  # fmt: skip
def test_weighting_note_reads_as_before_in_japanese(info: dict, japanese: str) -> None:
    from surveys.services.calculations import weighting_note

    with translation.override("ja"):
        assert weighting_note(info) == japanese
    with translation.override("en"):
        english = weighting_note(info)
        for cell in info.get("empty_cells", []):  # the margins' own category labels
            english = english.replace(cell, "")
        assert not JAPANESE.search(english)


def test_stored_notes_are_shown_in_the_readers_language() -> None:
    from surveys.renderers import summary_lines
    from surveys.services.calculations import hikikomori_note, weighting_note

    bands = {"15〜39歳": "H27", "40〜64歳": "H30"}
    with translation.override("ja"):  # what the report job stores
        result: dict[str, Any] = {
            "meta": {"mode": "internal"},
            "weighting": {**WEIGHTING, "note": weighting_note(WEIGHTING)},
            "hikikomori": {"rule_by_band": bands, "note": hikikomori_note(bands), "steps": [],
                           "missing_effect": []},
        }  # fmt: skip
    assert result["hikikomori"]["note"] == (
        "各年齢区分を、比較する全国調査と同じ基準で判定しています（15〜39歳: H27方式、40〜64歳: "
        "H30方式）。無回答は、全国調査の慣行どおり判定不能として除く「厳格」を全国と比較し、"
        "2022年の市の集計のように広義ひきこもり群に含める「包含」を並べて示します。"
    )
    english = dict(summary_lines(result, "en"))
    assert english["Weighting"].startswith("Raking (iterative proportional fitting)")
    assert "1,234 people with a blank weighting variable" in english["Weighting"]
    assert english["Definition of hikikomori"].startswith(
        "Each age band is judged by the same rule as the national survey it is compared with "
        "(15〜39歳: H27 rule, 40〜64歳: H30 rule)."
    )
    japanese = dict(summary_lines(result, "ja"))
    assert japanese["重み付け"] == result["weighting"]["note"]
    assert japanese["ひきこもりの定義"] == result["hikikomori"]["note"]


def test_codebook_follows_the_language_of_whoever_downloads_it() -> None:
    from surveys.services.templates import codebook_header, instrument_codebook

    instrument = Instrument.objects.get(slug="tsunagari-r3")
    with translation.override("ja"):
        ja = instrument_codebook(instrument=instrument)
        assert codebook_header()[5:7] == ["入力規則", "問番号"]
    with translation.override("en"):
        en = instrument_codebook(instrument=instrument)
        assert codebook_header()[5:7] == ["Rule", "Question number"]
    rule = 5  # the "入力規則" / "Rule" column
    assert ja[0][rule] == "必須。重複不可。先頭の 0 はそのまま文字として扱います。"
    assert en[0][rule] == "Required. No duplicates. Leading zeros are kept as text."
    assert [r[:5] for r in ja] == [r[:5] for r in en]  # only the portal's words change
    assert all(not JAPANESE.search(r[rule]) for r in en if "“" not in r[rule])
