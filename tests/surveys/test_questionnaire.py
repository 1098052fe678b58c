"""The extended R3 questionnaire: question numbers, multiple-answer questions, optional items."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from surveys import services, synthetic
from surveys.ingest import multiple_answer_groups, validate_file
from surveys.services import instrument_spec_read

from .factories import HEADER, csv_text, good_row, load_dataset

SPEC = instrument_spec_read("tsunagari-r3")
VARIABLES = SPEC["variables"]
NONE_COLUMNS = {g["name"]: g["none_column"] for g in SPEC["multiple_answer"]}


def _validate(tmp_path: Path, content: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "city.csv"
    path.write_bytes(content)
    return validate_file(path, VARIABLES, max_rows=10_000, none_columns=NONE_COLUMNS)


def test_every_multiple_answer_question_lists_its_columns_in_the_variables() -> None:
    groups = multiple_answer_groups(VARIABLES)
    for question in SPEC["multiple_answer"]:
        assert groups[question["name"]] == question["columns"]
        assert question["none_column"] in question["columns"]


def test_a_cp932_file_with_multiple_answer_columns_validates(tmp_path: Path) -> None:
    frame = synthetic.tsunagari(200, seed=5)
    frame["備考"] = "髙①～"  # written by Japanese Excel: Shift_JIS (CP932)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    result = _validate(tmp_path, buffer.getvalue().encode("cp932"))
    assert result.encoding == "cp932"
    assert result.ok, result.problems[:3]
    ticked = result.columns["trig_bereavement"]
    assert set(ticked.tolist()) <= {-1, 0, 1} and (ticked == 1).any()


def test_none_ticked_together_with_an_option_is_a_problem(tmp_path: Path) -> None:
    frame = synthetic.tsunagari(20, seed=5)
    frame.loc[3, ["trig_none", "trig_poverty"]] = "1"
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    result = _validate(tmp_path, buffer.getvalue().encode("cp932"))
    assert [(p.row, p.column) for p in result.problems] == [(5, "trig_none")]
    assert "特にない" in result.problems[0].message


def test_a_multiple_answer_column_accepts_only_zero_one_or_blank(tmp_path: Path) -> None:
    frame = synthetic.tsunagari(20, seed=5)
    frame.loc[0, "act_hobby"] = "2"
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    result = _validate(tmp_path, buffer.getvalue().encode("utf-8"))
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "act_hobby", "2")]


@pytest.mark.django_db
def test_a_file_in_the_older_layout_still_loads_with_the_new_items_blank() -> None:
    dataset = load_dataset(csv_text([good_row("1"), good_row("2")], header=HEADER).encode())
    frame = services.microdata_frame(dataset)
    assert dataset.n_respondents == 2
    assert (frame["health"] == -1).all() and (frame["trig_none"] == -1).all()


def test_question_numbers_are_unique_and_national_numbers_marked_unverified() -> None:
    numbers = [v["question_number"] for v in VARIABLES if v.get("question_number")]
    numbers += [g["question_number"] for g in SPEC["multiple_answer"]]
    assert len(numbers) == len(set(numbers))
    for item in [*VARIABLES, *SPEC["multiple_answer"]]:
        if "national_question_number" in item:
            assert item["national_question_number"] is None
            assert item["national_question_number_status"] == "UNVERIFIED"
