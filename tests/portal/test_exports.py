import csv
import io

import openpyxl

from kitakyushu_pf.exports import csv_bytes, safe_cell, xlsx_bytes

HOSTILE = ['=HYPERLINK("http://x")', "+cmd", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\0=1", 'a";=1+2']


def test_safe_cell_neutralises_formulas_and_keeps_numbers() -> None:
    for value in HOSTILE:
        cleaned = safe_cell(value)
        assert not str(cleaned).startswith(("=", "+", "-", "@", "\t", "\r", "\0"))
    assert safe_cell(-5) == -5
    assert safe_cell(3.5) == 3.5
    assert safe_cell("北九州") == "北九州"


def test_csv_has_bom_and_every_cell_is_safe() -> None:
    data = csv_bytes(["名前", "値"], [[v, -3] for v in HOSTILE])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["名前", "値"]
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r", "\0"))
        assert row[1] == "-3"


def test_xlsx_text_cells_are_text_and_numbers_stay_numbers() -> None:
    data = xlsx_bytes([("一覧", ["名前", "値"], [[v, -3] for v in HOSTILE])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    for name_cell, value_cell in sheet.iter_rows(min_row=2):
        assert name_cell.data_type == "s"
        assert not str(name_cell.value).startswith(("=", "+", "-", "@"))
        assert value_cell.value == -3 and value_cell.data_type == "n"


def test_xlsx_dates_are_excel_dates_in_tokyo_and_csv_stays_iso_text() -> None:
    from datetime import UTC, date, datetime

    when = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)  # 09:30 in Asia/Tokyo
    rows = [[date(2026, 1, 5), when]]
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes([("一覧", ["日付", "日時"], rows)]))
    ).active
    day, moment = sheet["A2"], sheet["B2"]
    assert day.is_date and moment.is_date
    assert day.value == datetime(2026, 1, 5) and day.number_format == "yyyy-mm-dd"
    assert moment.value == datetime(2026, 1, 5, 9, 30)
    assert moment.number_format == "yyyy-mm-dd hh:mm"
    text = csv_bytes(["日付", "日時"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["2026-01-05", "2026-01-05 09:30"]


def test_xlsx_sheet_names_are_valid_for_excel_and_unique() -> None:
    long_title = "3 孤独・孤立対策の現状と課題――支援の現場から見えてきたこと"
    titles = [
        "1 相談/支援: [基礎]*?\\",
        long_title,
        long_title,
        "'引用'",
        "",
        "History",
        "ABC",
        "abc",
    ]
    data = xlsx_bytes([(title, ["a"], [[1]]) for title in titles])
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == len(titles)
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
        assert name.lower() != "history"
    assert names[0] == "1 相談 支援 基礎"
    assert names[1] == long_title[:31] and names[2] != names[1]
    assert names[3] == "引用"
