"""Command-line equivalents; survey_report's numbers against an independent pandas count."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from statsmodels.stats.proportion import proportion_confint

from surveys.aggregation import TIDY_COLUMNS
from surveys.models import Dataset, DatasetFile, ReportJob
from surveys.renderers import LABEL_COLUMNS

from .factories import csv_text, good_row, synthetic_csv

pytestmark = pytest.mark.django_db


def import_file(path: Path) -> str:
    out = io.StringIO()
    call_command("survey_import", str(path), instrument="tsunagari-r3", title="CLI", stdout=out)
    return out.getvalue().strip()


def test_survey_import_prints_the_dataset_id(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(synthetic_csv(150))
    dataset_id = import_file(path)
    dataset = Dataset.objects.get(pk=dataset_id)
    assert dataset.n_respondents == 150
    assert ReportJob.objects.get(dataset=dataset, mode="internal").is_ready


def test_survey_import_invalid_prints_problems_and_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([good_row("1"), good_row("2", sex=5)]), encoding="cp932")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 件の問題"):
        call_command("survey_import", str(path), instrument="tsunagari-r3", title="X", stderr=err)
    assert "3行目\tsex\t5\t範囲外のコード" in err.getvalue()
    assert Dataset.objects.count() == 0 and DatasetFile.objects.count() == 0


def independent_crosstab(raw: pd.DataFrame, indicator: str, breakdown: str) -> pd.DataFrame:
    """Plain pandas on the original text cells: blank = 無回答, all respondents as base."""
    table = pd.crosstab(raw[breakdown].replace("", "NA"), raw[indicator].replace("", "NA"))
    long = table.stack().rename("n").reset_index()
    long.columns = ["group_code", "answer_code", "n"]
    long["base"] = long["group_code"].map(table.sum(axis=1))
    return long


def test_survey_report_csv_agrees_with_independent_pandas(tmp_path: Path) -> None:
    content = synthetic_csv(500, seed=9)
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    dataset_id = import_file(path)
    out = tmp_path / "r.csv"
    call_command("survey_report", dataset_id, format="csv", out=str(out), stdout=io.StringIO())
    raw_bytes = out.read_bytes()
    assert raw_bytes.startswith(b"\xef\xbb\xbf")
    report = pd.read_csv(out, encoding="utf-8-sig", dtype={"group": str}, keep_default_na=False)
    assert list(report.columns) == [*TIDY_COLUMNS, *LABEL_COLUMNS]
    raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    sex = {"1": "男性", "2": "女性", "3": "その他・答えたくない", "NA": "無回答"}
    lonely = {"1": "決してない", "2": "ほとんどない", "3": "たまにある", "4": "時々ある",
              "5": "しばしばある・常にある", "NA": "無回答"}  # fmt: skip
    expected = independent_crosstab(raw, "lonely_direct", "sex")
    got = report[(report["indicator"] == "lonely_direct") & (report["breakdown"] == "sex")]
    got = got.set_index(["group", "answer"])
    checked = 0
    for row in expected.itertuples():
        key = (sex[row.group_code], lonely[row.answer_code])
        assert int(got.loc[key, "city_n"]) == row.n
        assert int(got.loc[key, "city_base"]) == row.base
        assert float(got.loc[key, "city_pct"]) == pytest.approx(100 * row.n / row.base, abs=0.05)
        low, high = proportion_confint(row.n, row.base, method="wilson")
        assert float(got.loc[key, "city_ci_low"]) == pytest.approx(100 * low, abs=0.05)
        assert float(got.loc[key, "city_ci_high"]) == pytest.approx(100 * high, abs=0.05)
        checked += 1
    assert checked >= 15
    total = report[(report["indicator"] == "lonely_direct") & (report["breakdown"] == "total")]
    five = total[total["answer"] == "しばしばある・常にある"].iloc[0]
    assert int(five["city_n"]) == int((raw["lonely_direct"] == "5").sum())
    assert float(five["national_pct"]) == 4.5 and int(five["national_n"]) == 11867
    assert float(five["diff_pt"]) == pytest.approx(float(five["city_pct"]) - 4.5, abs=0.051)
    # UCLA bands from the raw items, missing if any item is blank.
    items = raw[["ucla_1", "ucla_2", "ucla_3"]]
    blank = (items == "").any(axis=1)
    score = items.replace("", "0").astype(int).sum(axis=1)
    high = int(((score >= 10) & ~blank).sum())
    band = report[(report["indicator"] == "ucla_band") & (report["breakdown"] == "total")]
    assert int(band[band["answer"] == "10〜12点"]["city_n"].iloc[0]) == high
    assert int(band[band["answer"] == "無回答"]["city_n"].iloc[0]) == int(blank.sum())


def test_survey_report_publish_and_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(synthetic_csv(200))
    dataset_id = import_file(path)
    out = tmp_path / "p.csv"
    call_command("survey_report", dataset_id, format="csv", out=str(out), publish=True,
                 stdout=io.StringIO())  # fmt: skip
    report = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    hidden = report[report["suppressed"] == 1]
    assert len(hidden) and (hidden["city_n"] == "").all()
    shown = pd.to_numeric(report.loc[report["suppressed"] == 0, "city_n"])
    assert not (shown[report.loc[report["suppressed"] == 0, "breakdown"] != "total"] < 10).any()
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        target = tmp_path / f"r.{fmt}"
        call_command("survey_report", dataset_id, format=fmt, out=str(target), stdout=io.StringIO())
        assert target.read_bytes().startswith(magic)


def test_survey_template_writes_columns_and_codebook(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    call_command("survey_template", "tsunagari-r3", out=str(out), stdout=io.StringIO())
    header = out.read_bytes().decode("utf-8-sig").strip().split(",")
    assert header[:3] == ["resp_id", "mode", "sex"] and "participation" in header
    codebook = (tmp_path / "t.codebook.csv").read_bytes().decode("utf-8-sig")
    assert "しばしばある・常にある" in codebook
    xlsx = tmp_path / "t.xlsx"
    call_command("survey_template", "seikatsu-h30", out=str(xlsx), stdout=io.StringIO())
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["data", "codebook"]
    assert [c.value for c in wb["data"][1]][:3] == ["resp_id", "sex", "age"]


def test_survey_retention_command(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("survey_retention", stdout=out)
    assert "0 dataset(s) purged" in out.getvalue()


def test_load_reference_is_idempotent() -> None:
    out = io.StringIO()
    call_command("survey_load_reference", stdout=out)
    call_command("survey_load_reference", stdout=out)
    assert "2 instruments, 115 national figures" in out.getvalue()
    assert np.isfinite(1)


def test_survey_margins_weights_the_report_and_clears(tmp_path: Path) -> None:
    from surveys.models import Dataset, ReportJob

    path = tmp_path / "d.csv"
    path.write_bytes(synthetic_csv(400))
    dataset_id = import_file(path)
    margins = tmp_path / "margins.csv"
    margins.write_text(
        "variable,code,count\nsex,1,420000\nsex,2,470000\n"
        + "".join(f"age_group,{c},{n}\n" for c, n in
                  zip(range(1, 9), [36000, 95000, 100000, 125000, 120000, 130000, 150000, 134000],
                      strict=True)),
        encoding="utf-8",
    )  # fmt: skip
    out = io.StringIO()
    call_command("survey_margins", dataset_id, str(margins), stdout=out)
    assert "10 margin rows" in out.getvalue() and "converged" in out.getvalue()
    job = ReportJob.objects.get(dataset_id=dataset_id, mode="internal")
    assert job.result["weighting"]["converged"]
    call_command("survey_margins", dataset_id, clear=True, stdout=io.StringIO())
    assert Dataset.objects.get(pk=dataset_id).margins == []
    job.refresh_from_db()
    assert job.result["weighting"] is None
    assert all(r["weighted_pct"] is None for r in job.result["rows"])
