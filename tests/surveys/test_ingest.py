"""Reading and validation: every problem kind, encodings, XLSX and hostile files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kitakyushu_pf.uploads import UndecodableUpload, decode_text_upload
from surveys.ingest import FileRefused, RecordChecker, none_columns, validate_file
from surveys.services import instrument_spec_read

from .factories import HEADER, csv_text, good_row

VARIABLES = instrument_spec_read("tsunagari-r3")["variables"]
LIMITS = {"max_uncompressed": 50_000_000, "max_entries": 100, "max_ratio": 100}


def run(tmp_path: Path, content: bytes, name: str = "f.csv", **kw):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    max_rows = kw.pop("max_rows", 1000)
    return validate_file(path, VARIABLES, max_rows=max_rows, xlsx_limits=LIMITS, **kw)


def messages(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(p.row, p.column, p.value, p.message) for p in result.problems]


def test_clean_file_validates_with_codes_and_blanks(tmp_path: Path) -> None:
    text = csv_text([good_row("0001"), good_row("0002", lonely_direct="", income="")])
    result = run(tmp_path, text.encode())
    assert result.ok and result.n_rows == 2
    assert result.columns["resp_id"].tolist() == ["0001", "0002"]  # leading zeros kept
    assert result.columns["lonely_direct"].tolist() == [2, -1]
    assert result.columns["income"].dtype == np.int8


def test_out_of_range_code_is_reported_with_row_column_value(tmp_path: Path) -> None:
    text = csv_text([good_row("1"), good_row("2", lonely_direct=6), good_row("3", sex=9)])
    result = run(tmp_path, text.encode())
    probs = messages(result)
    assert probs[0][:3] == (3, "lonely_direct", "6") and "範囲外のコード" in probs[0][3]
    assert probs[1][:3] == (4, "sex", "9")
    assert len(probs) == 2


def test_wrong_type_is_reported(tmp_path: Path) -> None:
    result = run(tmp_path, csv_text([good_row("1", age_group="三十代")]).encode())
    assert messages(result) == [(2, "age_group", "三十代", "数値ではありません（型が不正です）")]


def test_duplicate_resp_id_reports_every_occurrence(tmp_path: Path) -> None:
    text = csv_text([good_row("007"), good_row("008"), good_row("007")])
    result = run(tmp_path, text.encode())
    assert [(p.row, p.value) for p in result.problems] == [(2, "007"), (4, "007")]
    assert all("重複" in p.message for p in result.problems)


def test_duplicate_against_already_loaded_ids(tmp_path: Path) -> None:
    result = run(tmp_path, csv_text([good_row("A1")]).encode(), existing_ids={"A1"})
    assert [p.message for p in result.problems] == ["resp_id が重複しています"]


def test_leading_zero_ids_differ_from_unpadded(tmp_path: Path) -> None:
    result = run(tmp_path, csv_text([good_row("01"), good_row("1")]).encode())
    assert result.ok
    assert result.columns["resp_id"].tolist() == ["01", "1"]


def test_missing_required_variable_and_blank_id(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "participation"]
    row = good_row("")[: len(header)]
    result = run(tmp_path, csv_text([row], header=header).encode())
    assert (1, "participation", "", "必須の変数（列）がありません") in messages(result)
    row2 = good_row("")
    result2 = run(tmp_path, csv_text([row2]).encode())
    assert messages(result2) == [(2, "resp_id", "", "必須の値がありません")]


def test_unknown_columns_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    text = csv_text([[*good_row("1"), "メモ"]], header=[*HEADER, "備考"])
    result = run(tmp_path, text.encode())
    assert result.ok
    assert result.notes and "備考" in result.notes[0]
    assert "備考" not in result.columns


def test_zenkaku_digits_are_normalised_in_code_columns_only(tmp_path: Path) -> None:
    text = csv_text([good_row("０１", lonely_direct="５", sex=" ２ ")])
    result = run(tmp_path, text.encode())
    assert result.ok
    assert result.columns["lonely_direct"].tolist() == [5]
    assert result.columns["sex"].tolist() == [2]
    assert result.columns["resp_id"].tolist() == ["０１"]  # ids are not normalised


def test_quoted_newline_inside_a_cell(tmp_path: Path) -> None:
    header = [*HEADER, "備考"]
    text = ",".join(header) + "\n" + ",".join(map(str, good_row("1"))) + ',"二行の\nメモ"\n'
    text += ",".join(map(str, good_row("2"))) + ",x\n"
    result = run(tmp_path, text.encode())
    assert result.ok and result.n_rows == 2


def test_ragged_rows_are_reported(tmp_path: Path) -> None:
    long_row = ",".join(map(str, good_row("1"))) + ",extra"
    short_row = ",".join(map(str, good_row("2")[:5]))
    text = ",".join(HEADER) + "\n" + long_row + "\n" + short_row + "\n"
    result = run(tmp_path, text.encode())
    msgs = [p.message for p in result.problems]
    assert any("項目数がヘッダー（15）と違います（16項目）" in m for m in msgs)
    assert any("項目数がヘッダー（15）と違います（5項目）" in m for m in msgs)
    assert [p.row for p in result.problems if "項目数" in p.message] == [2, 3]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_ragged_rows_keep_their_row_numbers_across_line_endings_and_blank_lines(
    tmp_path: Path, newline: str
) -> None:
    rows = [
        ",".join(map(str, good_row("1"))),
        "",  # a blank line is skipped, as the reader skips it
        ",".join(map(str, good_row("2")[:5])),
        "山田,太郎",  # two fields, non-ASCII
        ",".join(map(str, good_row("3"))),
    ]
    text = newline.join([",".join(HEADER), *rows])  # no newline after the last record
    result = run(tmp_path, text.encode())
    ragged = [(p.row, p.message) for p in result.problems if "項目数" in p.message]
    assert ragged == [
        (3, "項目数がヘッダー（15）と違います（5項目）"),
        (4, "項目数がヘッダー（15）と違います（2項目）"),
    ]


@given(
    st.lists(
        st.lists(st.sampled_from(["", "1", "2", "あ", " "]), min_size=1, max_size=18),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
@hypothesis_settings(max_examples=60, deadline=None)
def test_field_counts_agree_with_the_csv_module(records: list[list[str]], newline: str) -> None:
    import csv

    from surveys.ingest import _ragged_records

    width = len(HEADER)
    text = newline.join([",".join(HEADER), *(",".join(r) for r in records)]) + newline
    parsed = [r for r in csv.reader(io.StringIO(text)) if r][1:]
    expected = [(i, len(r)) for i, r in enumerate(parsed) if len(r) != width]
    bad, counts = _ragged_records(text, width)
    assert list(zip(bad.tolist(), counts.tolist(), strict=True)) == expected


# --- Encodings --------------------------------------------------------------------------------


def test_utf8_bom_and_cp932_parse_identically(tmp_path: Path) -> None:
    header = [*HEADER, "備考"]
    text = csv_text([[*good_row("1"), "①㈱髙～"]], header=header)
    plain = run(tmp_path, text.encode("utf-8"))
    bom = run(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    sjis = run(tmp_path, text.encode("cp932"))
    assert (plain.encoding, bom.encoding, sjis.encoding) == ("utf-8", "utf-8-sig", "cp932")
    for result in (plain, bom, sjis):
        assert result.ok
        assert result.columns["resp_id"].tolist() == ["1"]


def test_cp932_special_characters_decode_exactly() -> None:
    text, encoding = decode_text_upload("①㈱髙～".encode("cp932"))
    assert (text, encoding) == ("①㈱髙～", "cp932")


def test_truncated_cp932_multibyte_is_refused_naming_the_line(tmp_path: Path) -> None:
    raw = (",".join(HEADER) + "\n").encode() + "1,髙".encode("cp932")[:-1]
    with pytest.raises(UndecodableUpload, match="2行目"):
        run(tmp_path, raw)


def test_utf16_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(UndecodableUpload, match="UTF-16"):
        run(tmp_path, csv_text([good_row("1")]).encode("utf-16"))


def test_row_cap(tmp_path: Path) -> None:
    text = csv_text([good_row(str(i)) for i in range(5)])
    with pytest.raises(FileRefused, match="上限"):
        run(tmp_path, text.encode(), max_rows=3)


# --- XLSX ---------------------------------------------------------------------------------------


def xlsx_bytes_of(rows: list[list]) -> bytes:  # type: ignore[type-arg]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_numbers_and_text_are_read(tmp_path: Path) -> None:
    rows = [good_row("0001"), good_row("0002", lonely_direct=None)]
    rows[0][HEADER.index("lonely_direct")] = 5.0  # Excel stores numbers as floats
    result = run(tmp_path, xlsx_bytes_of(rows), name="f.xlsx")
    assert result.ok, result.problems
    assert result.columns["resp_id"].tolist() == ["0001", "0002"]
    assert result.columns["lonely_direct"].tolist() == [5, -1]


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 30_000_000)
    with pytest.raises(FileRefused, match="ファイルが大きすぎるか不正です"):
        run(tmp_path, out.getvalue(), name="bomb.xlsx")


def test_xlsx_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(150):
            z.writestr(f"x{i}.xml", "<a/>")
    with pytest.raises(FileRefused, match="ファイルが大きすぎるか不正です"):
        run(tmp_path, out.getvalue(), name="many.xlsx")


def test_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    assert openpyxl.DEFUSEDXML is True
    good = xlsx_bytes_of([good_row("1")])
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            z.writestr(item, data)
    with pytest.raises(FileRefused, match="ファイルが大きすぎるか不正です"):
        run(tmp_path, out.getvalue(), name="entities.xlsx")


def test_not_an_xlsx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="XLSX"):
        run(tmp_path, b"plain text", name="fake.xlsx")


# --- One record (a web answer) is checked exactly like a row of a file ------------------------

SPEC = instrument_spec_read("tsunagari-r3")
TEXTS = ["", " ", "0", "1", "2", "3", "5", "8", "9", "99", "-1", "x", "１", "2.0", " 3 "]


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.fixed_dictionaries(
        {v["name"]: st.sampled_from(["", " ", "P-1", " C1 "] if v["type"] == "id" else TEXTS)
         for v in VARIABLES}
    )
)  # fmt: skip
def test_a_single_record_gets_the_values_and_messages_of_the_same_row_in_a_file(
    tmp_path: Path, record: dict[str, str]
) -> None:
    names = [v["name"] for v in VARIABLES]
    text = ",".join(names) + "\n" + ",".join(record[n] for n in names) + "\n"
    in_file = run(tmp_path, text.encode("utf-8"), none_columns=none_columns(SPEC))
    values, problems = RecordChecker(VARIABLES, none_columns(SPEC)).check(record)
    assert values == {n: in_file.columns[n][0].item() for n in names}
    assert sorted((p.row, p.column, p.value, p.message) for p in problems) == sorted(
        messages(in_file)
    )


# Values a numeric file may hold: valid codes, blanks, and what must be refused as written.
_PLAIN_TOKENS = [
    "",
    "1",
    "2",
    "3",
    "4",
    "5",
    "007",
    "-0",
    "-1",
    "99",
    "99999999999999999999",
    "-",
    "1-2",
]


@given(
    st.lists(
        st.lists(st.sampled_from(_PLAIN_TOKENS), min_size=len(HEADER), max_size=len(HEADER)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([None, "1.0", "1.5", ".0", " 2", "２", "a"]),
    st.sampled_from(["", "long first", "short last", "long first, short last", "blank line"]),
)
@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_numeric_reader_gives_exactly_what_the_text_reader_gives(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str]],
    odd: str | None,
    shape: str,
) -> None:
    """Files of plain integers are read as numbers (fast); whatever they hold, the columns and
    every problem (row, column, value as written, message) are those of the text reader."""
    from surveys import ingest

    rows = [[f"id{i}", *r[1:]] for i, r in enumerate(rows)]  # the id column first, unique
    if odd is not None:
        rows[-1][3] = odd
    if "long first" in shape:
        rows[0].append("1")
    if "short last" in shape:
        rows[-1].pop()  # with "long first" the file's commas still add up
    content = csv_text(rows, header=HEADER).encode()
    if shape == "blank line":
        content = content.replace(b"\n", b"\n \n", 1)
    fast = run(tmp_path, content)

    def text_only(*args: object, **kwargs: object) -> None:
        raise ingest._NeedsText

    with monkeypatch.context() as patched:
        patched.setattr(ingest, "_read_plain", text_only)
        slow = run(tmp_path, content)
    assert fast.n_rows == slow.n_rows
    assert messages(fast) == messages(slow)
    assert fast.columns.keys() == slow.columns.keys()
    for name, values in slow.columns.items():
        assert fast.columns[name].dtype == values.dtype, name
        assert fast.columns[name].tolist() == values.tolist(), name


@pytest.mark.parametrize(
    ("odd", "numeric", "ok"), [(None, True, True), ("1.0", False, True), ("99", False, False)]
)
def test_a_clean_file_of_integers_is_read_as_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str | None, numeric: bool, ok: bool
) -> None:
    from surveys import ingest

    used: list[bool] = []
    original = ingest._read_plain

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            result = original(*args, **kwargs)
        except ingest._NeedsText:
            used.append(False)
            raise
        used.append(True)
        return result

    monkeypatch.setattr(ingest, "_read_plain", spy)
    rows = [good_row("1"), good_row("2")]
    if odd is not None:
        rows[1][3] = odd
    result = run(tmp_path, csv_text(rows).encode())
    assert used[-1:] == [True] if numeric else used in ([], [False])
    assert result.n_rows == 2
    assert result.ok == ok


@pytest.mark.parametrize("rows_changed", ["long first, short last", "short first", "long last"])
def test_ragged_records_of_a_clean_numeric_file_are_reported(
    tmp_path: Path, rows_changed: str
) -> None:
    """A record with one field too many and another with one too few leave the file's comma
    count right; pandas then guesses an index column from the long first record. The numeric
    reader must not take that file: both records are reported, by their row numbers."""
    rows = [good_row("1"), good_row("2"), good_row("3")]
    expected = []
    if rows_changed.startswith("long first"):
        rows[0].append("1")
        expected.append((2, "項目数がヘッダー（15）と違います（16項目）"))
    if rows_changed == "short first":
        rows[0].pop()
        expected.append((2, "項目数がヘッダー（15）と違います（14項目）"))
    if rows_changed.endswith("short last"):
        rows[-1].pop()
        expected.append((4, "項目数がヘッダー（15）と違います（14項目）"))
    if rows_changed == "long last":
        rows[-1].append("1")
        expected.append((4, "項目数がヘッダー（15）と違います（16項目）"))
    result = run(tmp_path, csv_text(rows).encode())
    assert [(p.row, p.message) for p in result.problems if "項目数" in p.message] == expected
