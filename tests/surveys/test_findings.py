"""主な結果, charts, labels, multiple answers, trends, SPSS/Stata and sharing, as their readers
would check them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyreadstat
import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys import findings, services
from surveys.models import AuditLog, Dataset, ReportJob, SharedReport
from surveys.services.instruments import instrument_spec_read

from .factories import load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db
_CACHE: dict[str, object] = {}


def _client(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def _report(dataset: Dataset, mode: str = ReportJob.Mode.INTERNAL) -> dict:
    job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
    return services.report_job_run(job=job).result


@pytest.fixture
def city() -> tuple[Dataset, dict]:
    """The demo-sized city dataset (2,179 respondents, as fielded) and its internal report."""
    from surveys import synthetic

    buffer = io.StringIO()
    synthetic.tsunagari(2179).to_csv(buffer, index=False)
    dataset = load_dataset(buffer.getvalue().encode(), sample_size=7000)
    return dataset, _report(dataset)


# --- The flag rests on the difference interval ---------------------------------------------


def test_the_flag_uses_the_reports_own_difference_interval_when_it_has_one() -> None:
    row = {"city_pct": 6.0, "city_ci_low": 5.0, "city_ci_high": 7.0, "national_pct": 4.5,
           "diff_ci_low": -0.2, "diff_ci_high": 3.1}  # fmt: skip
    assert findings.difference_interval(row) == (-0.2, 3.1)
    assert findings.row_flag(row) == findings.SAME


def test_newcombe_interval_from_two_wilson_intervals() -> None:
    # City 42/1000, nation 450/10000: Newcombe's method 10 (hybrid score).
    _, l1, u1 = findings.wilson(42, 1000)
    row = {"city_pct": 4.2, "city_ci_low": l1, "city_ci_high": u1, "national_pct": 4.5,
           "national_n": 10000}  # fmt: skip
    low, high = findings.difference_interval(row)
    assert low == pytest.approx(-1.6, abs=0.15) and high == pytest.approx(1.3, abs=0.15)
    assert findings.row_flag(row) == findings.SAME
    higher = {**row, "city_pct": 9.0, "city_ci_low": 7.4, "city_ci_high": 10.9}
    assert findings.row_flag(higher) == findings.HIGHER


# --- 主な結果 on the city's data -----------------------------------------------------------


def test_headline_sentence_reads_like_the_citys_report(city: tuple[Dataset, dict]) -> None:
    _, result = city
    first = findings.findings(result)[0]
    assert re.fullmatch(
        r"北九州市で孤独感が「しばしばある・常にある」と答えた人は\d+\.\d%（95%信頼区間 "
        r"\d+\.\d〜\d+\.\d%）で、全国（4\.5%）(と統計的な差はみられませんでした|より高くなって"
        r"います|より低くなっています)。",
        first["text"],
    ), first["text"]
    assert first["flag_label"] in ("全国より高い", "差はみられない", "全国より低い")


def test_the_demo_data_reproduces_the_citys_published_findings(city: tuple[Dataset, dict]) -> None:
    """北九州市: 4.2 % 「しばしばある・常にある」; more often without someone living with them or
    to consult, out of work, with household income under 2 million yen; most in their 40s
    and over 80."""
    _, result = city

    def share(breakdown: str, group: str) -> float:
        row = findings._row(result, "lonely_direct", breakdown, group, "しばしばある・常にある")
        assert row is not None
        return float(row["city_pct"])

    assert round(share("total", ""), 1) == 4.2
    ages = ["16〜19歳", "20〜29歳", "30〜39歳", "40〜49歳", "50〜59歳", "60〜69歳", "70〜79歳",
            "80歳以上"]  # fmt: skip
    top_two = sorted(ages[1:], key=lambda g: -share("age_group", g))[:2]
    assert set(top_two) == {"40〜49歳", "80歳以上"}
    assert share("cohabitant", "同居人がいない") > 2 * share("cohabitant", "同居人がいる")
    assert share("has_confidant", "いない") > 2 * share("has_confidant", "いる")
    assert share("employment", "仕事なし（失業中）") > share("employment", "正規の職員・従業員")
    low_income = min(share("income", "100万円未満"), share("income", "100〜199万円"))
    assert low_income > max(share("income", g) for g in ["300〜399万円", "400〜499万円",
                                                        "500〜699万円", "700〜999万円"])  # fmt: skip  # noqa: E501
    texts = " ".join(f["text"] for f in findings.findings(result))
    assert "「同居人がいない」で" in texts and "「いない」で" in texts


def test_suppressed_cells_never_reach_a_sentence() -> None:
    result = {
        "rows": [{"indicator": "lonely_direct", "breakdown": "total", "group": "",
                  "answer": "しばしばある・常にある", "city_n": None, "city_base": 40,
                  "city_pct": None, "city_ci_low": None, "city_ci_high": None,
                  "national_pct": 4.5, "national_n": 11867, "suppressed": True}],
        "findings_spec": {"items": [{"indicator": "lonely_direct", "answer": "しばしばある・常にある",  # noqa: E501
                                     "subject": "孤独感が「しばしばある・常にある」と答えた人"}]},
    }  # fmt: skip
    (sentence,) = findings.findings(result)
    assert "掲載していません" in sentence["text"] and not re.search(r"\d\.\d%", sentence["text"])
    assert sentence["flag"] is None


def test_english_interface_gets_english_sentences_and_labels(city: tuple[Dataset, dict]) -> None:
    _, result = city
    sentences = findings.findings(result, language="en")
    assert sentences[0]["text"].startswith("In Kitakyushu City, ")
    assert "80 and over" in " ".join(s["text"] for s in sentences)
    assert findings.value_label(result, "has_confidant", "いない", "en") == "No"


# --- Multiple answers, marital status, mode, trends ----------------------------------------


def test_each_multiple_answer_option_is_a_share_of_everyone_asked(
    city: tuple[Dataset, dict],
) -> None:
    dataset, result = city
    frame = services.microdata_frame(dataset)
    rows = [r for r in result["rows"] if r["indicator"] == "triggers" and r["breakdown"] == "total"]
    by_answer = {r["answer"]: r for r in rows}
    assert by_answer["家族との死別"]["city_base"] == len(frame)
    assert by_answer["家族との死別"]["city_n"] == int((frame["trig_bereavement"] == 1).sum())
    ticked_nothing = int(((frame.filter(like="trig_") == 1).sum(axis=1) == 0).sum())
    assert by_answer["無回答"]["city_n"] == ticked_nothing
    assert sum(r["city_pct"] for r in rows) > 100  # options overlap: not a distribution


def test_marital_status_and_mode_are_tabulated(city: tuple[Dataset, dict]) -> None:
    _, result = city
    assert any(r["breakdown"] == "marital" and r["group"] == "未婚" for r in result["rows"])
    mode = result["mode_table"]
    assert [s["group"] for s in mode["split"]] == ["郵送", "WEB"]
    assert {n["group"] for n in mode["national"]} == {"郵送", "オンライン"}
    assert mode["difference"]["low"] < mode["difference"]["diff"] < mode["difference"]["high"]


def test_duration_is_tabulated_among_those_asked_only(city: tuple[Dataset, dict]) -> None:
    dataset, result = city
    frame = services.microdata_frame(dataset)
    total = [r for r in result["rows"]
             if r["indicator"] == "loneliness_duration" and r["breakdown"] == "total"]  # fmt: skip
    assert total[0]["city_base"] == int(frame["lonely_direct"].isin([2, 3, 4, 5]).sum())
    five = [r for r in result["rows"] if r["indicator"] == "loneliness_duration"
            and r["breakdown"] == "lonely_direct" and r["group"] == "しばしばある・常にある"
            and r["answer"] == "5年以上"]  # fmt: skip
    assert five and five[0]["national_pct"] == 54.0


def test_trend_compares_with_the_earlier_fielding_and_every_national_wave() -> None:
    earlier = load_dataset(synthetic_csv(400, seed=21))
    current = load_dataset(synthetic_csv(400, seed=22))
    current.previous = earlier
    current.save()
    result = _report(current)
    series = {s["indicator"]: s for s in result["trend"]["series"]}
    lonely = series["lonely_direct"]
    assert [w["wave"] for w in lonely["national"]] == ["R3", "R4", "R5", "R6"]
    assert lonely["previous"]["base"] == 400
    change = lonely["change"]
    assert change["low"] < change["diff"] < change["high"]


def test_a_report_without_an_earlier_fielding_or_waves_has_no_city_trend() -> None:
    result = _report(load_dataset(synthetic_csv(120, seed=3)))
    assert all(s["previous"] is None for s in (result["trend"] or {"series": []})["series"])


# --- Labels, not names ---------------------------------------------------------------------


def test_the_report_page_shows_labels_charts_and_tables_not_variable_names(
    analyst_client, city: tuple[Dataset, dict]
) -> None:  # type: ignore[no-untyped-def]
    dataset, _ = city
    page = analyst_client.get(reverse("surveys:report-detail", args=[dataset.pk, "internal"]))
    html = page.content.decode()
    assert page.status_code == 200, html[:3000]
    assert "主な結果" in html and 'role="img"' in html and "<desc" in html
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    for name in ("lonely_direct", "age_group", "has_confidant", "ucla_band", "contact_freq",
                 "employment", "household", "total"):  # fmt: skip
        assert name not in visible, name
    assert "孤独感（直接質問）" in visible and "年齢" in visible


def test_codebook_has_question_numbers() -> None:
    from surveys.models import Instrument
    from surveys.services.templates import CODEBOOK_HEADER, instrument_codebook

    rows = instrument_codebook(instrument=Instrument.objects.get(slug="tsunagari-r3"))
    assert "問番号" in CODEBOOK_HEADER
    col = CODEBOOK_HEADER.index("問番号")
    assert any(r[col] == "問8" and r[0] == "lonely_direct" for r in rows)
    assert any(r[col] == "問16" and r[0] == "trig_bereavement" for r in rows)


# --- SPSS and Stata ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_survey_report_writes_labelled_spss_and_stata_files(tmp_path: Path, fmt: str) -> None:
    dataset = load_dataset(synthetic_csv(150, seed=8))
    out = tmp_path / f"city.{fmt}"
    call_command("survey_report", str(dataset.pk), format=fmt, out=str(out), stdout=io.StringIO())
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    frame, meta = reader(str(out))
    assert len(frame) == 150
    assert meta.variable_value_labels["lonely_direct"][5] == "しばしばある・常にある"
    assert meta.column_names_to_labels["lonely_direct"].startswith("問8 ")
    assert "ucla_band" in frame.columns
    entry = AuditLog.objects.get(dataset=dataset, format=fmt)
    assert entry.action == AuditLog.Action.DOWNLOAD and entry.mode == "microdata"


def test_microdata_export_on_the_web_is_for_analysts_and_logged_first(
    analyst_user, member_user
) -> None:  # type: ignore[no-untyped-def]
    analyst_client, member_client = _client(analyst_user), _client(member_user)
    dataset = load_dataset(synthetic_csv(60, seed=2))
    url = reverse("surveys:microdata-export", args=[dataset.pk, "sav"])
    assert member_client.get(url).status_code == 403
    assert not AuditLog.objects.filter(dataset=dataset, format="sav").exists()
    response = analyst_client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.sav"')
    assert AuditLog.objects.filter(
        dataset=dataset, format="sav", username=analyst_user.username
    ).exists()


# --- Sharing with member organisations ----------------------------------------------------


def test_secretariat_shares_the_publication_pdf_and_member_downloads_are_logged(
    secretariat_user, member_user, analyst_user
) -> None:  # type: ignore[no-untyped-def]
    secretariat_client, member_client = _client(secretariat_user), _client(member_user)
    analyst_client = _client(analyst_user)
    dataset = load_dataset(synthetic_csv(80, seed=6))
    _report(dataset, ReportJob.Mode.PUBLISH)
    share = reverse("surveys:report-share", args=[dataset.pk])
    assert analyst_client.post(share).status_code == 403  # analysts cannot publish
    assert secretariat_client.post(share, {"note": "協議会資料"}).status_code == 302
    shared = SharedReport.objects.get(dataset=dataset)
    page = member_client.get(reverse("surveys:shared-list")).content.decode()
    assert dataset.title in page and "協議会資料" in page
    url = reverse("surveys:shared-download", args=[shared.pk])
    assert analyst_client.get(url).status_code == 403
    response = member_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    entry = AuditLog.objects.get(dataset=dataset, action=AuditLog.Action.SHARED_DOWNLOAD)
    assert entry.username == member_user.username and entry.mode == "publish"
    services.shared_report_withdraw(shared=shared)
    assert member_client.get(url).status_code == 404


def test_only_a_finished_publication_report_can_be_shared(secretariat_client) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(synthetic_csv(60, seed=7))  # only the internal report exists
    secretariat_client.post(reverse("surveys:report-share", args=[dataset.pk]))
    assert not SharedReport.objects.filter(dataset=dataset).exists()


def test_instrument_keeps_its_older_keys_for_other_readers() -> None:
    spec = instrument_spec_read("tsunagari-r3")
    for var in spec["variables"]:
        assert {"name", "question", "type"} <= set(var)
