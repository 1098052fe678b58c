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
