"""Downloads: exact CSV columns, safe XLSX text cells, an embedded Japanese font in the PDF, and
identical suppression in all three formats."""

from __future__ import annotations

import io

import openpyxl
import pytest

from surveys import services
from surveys.aggregation import TIDY_COLUMNS
from surveys.models import ReportJob
from surveys.renderers import (
    LABEL_COLUMNS,
    pdf_tables,
    render_csv,
    render_pdf,
    render_xlsx,
    tidy_rows,
)

from .factories import load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db


_CACHE: dict[str, dict] = {}


@pytest.fixture
def published() -> dict:
    """A published report (plain JSON), built once for the module through the real path."""
    if "result" not in _CACHE:
        dataset = load_dataset(synthetic_csv(600, seed=4))
        job = services.report_request(dataset=dataset, mode=ReportJob.Mode.PUBLISH, dispatch=False)
        _CACHE["result"] = services.report_job_run(job=job).result
    return _CACHE["result"]


def csv_table(result: dict) -> list[list[str]]:
    import csv

    text = render_csv(result).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_exactly_the_published_columns(published: dict) -> None:
    rows = csv_table(published)
    assert rows[0] == [*TIDY_COLUMNS, *LABEL_COLUMNS]
    assert len(rows) - 1 == len(published["rows"])


def test_xlsx_sheets_text_cells_and_sources(published: dict) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(published)))
    assert wb.sheetnames[:2] == ["概要", "主な結果"] and wb.sheetnames[-1] == "出典"
    # Sheets are named by question, not by variable name.
    assert {"孤独感（直接質問）", "孤独感（UCLA尺度）", "家族・友人と直接会って話す頻度",
            "社会活動への参加", "相談相手の有無"} <= set(wb.sheetnames)  # fmt: skip
    assert not {"lonely_direct", "ucla_band"} & set(wb.sheetnames)
    summary = {r[0].value: r[1].value for r in wb["概要"].iter_rows(min_row=2)}
    assert summary["区分"].startswith("公表用")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(("=", "+", "-", "@"))
    sources = list(wb["出典"].iter_rows(min_row=2, values_only=True))
    assert any(r[7] == "VERIFIED-P" and "wic-net" in r[8] for r in sources)
    sheet = wb["家族・友人と直接会って話す頻度"]
    assert sheet["A1"].value == "指標" and sheet["A2"].value == "家族・友人と直接会って話す頻度"
    statuses = [r[len(TIDY_COLUMNS)].value for r in sheet.iter_rows(min_row=2)]
    assert "全国値なし" in statuses


def test_pdf_embeds_the_ipaex_font(published: dict) -> None:
    pdf = render_pdf(published)
    assert pdf.startswith(b"%PDF") and b"IPAexGothic" in pdf and b"FontFile2" in pdf


def test_suppression_is_identical_in_csv_xlsx_and_pdf(published: dict) -> None:
    csv_rows = csv_table(published)[1:]
    hid = TIDY_COLUMNS.index("suppressed")
    csv_hidden = [tuple(r[:4]) for r in csv_rows if r[hid] == "1"]
    assert csv_hidden
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(published)))
    xlsx_hidden = []
    for name in wb.sheetnames[2:-1]:
        for r in wb[name].iter_rows(min_row=2, values_only=True):
            if r[hid] == 1:
                assert r[4] is None and r[6] is None  # blank count and percentage
                key = (r[-3], r[-2], r[2], r[3])  # variable names are kept in the last columns
                xlsx_hidden.append(tuple("" if v is None else str(v) for v in key))
    assert csv_hidden == xlsx_hidden
    # The PDF prints a subset (every answer overall, the key answer by group): the same cells
    # are hidden there.
    csv_flags = {tuple(r[:4]): r[hid] == "1" for r in csv_rows}
    printed = 0
    for indicator, rows in pdf_tables(published).items():
        for r in rows:
            assert csv_flags[(indicator, r[0], r[1] or "", r[2] or "")] == (r[-1] == 1)
            if r[-1] == 1:
                assert r[3] == "" and r[5] == ""
            printed += 1
    assert 0 < printed < len(csv_rows)
    assert [tuple(map(str, r[:4])) for r in tidy_rows(published) if r[hid]] == csv_hidden


def test_formula_like_labels_are_neutralised() -> None:
    result = {"rows": [{"indicator": "=cmd()", "breakdown": "total", "group": "@x",
                        "answer": "-1", "city_n": -3, "city_base": 10, "city_pct": -1.5,
                        "city_ci_low": None, "city_ci_high": None, "national_pct": None,
                        "national_n": None, "diff_pt": -2.0, "p_value": None,
                        "suppressed": False}]}  # fmt: skip
    row = csv_table(result)[1]
    assert row[:4] == ["'=cmd()", "total", "'@x", "'-1"]
    assert row[4] == "-3" and row[11] == "-2.0"  # real negative numbers stay numbers
