"""Reading and validating uploaded microdata: one pass over the file, vectorised checks.

Each column is factorised once (a survey column has a handful of distinct values even with a
million rows), every distinct value is checked in Python, and the verdicts are mapped back to the
rows with NumPy. Text is decoded strictly (UTF-8 with or without BOM, then CP932); a byte that is
valid in neither is refused with its line and byte, never replaced.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kitakyushu_pf.uploads import UploadRefused, decode_text_upload

from .messages import Message

MISSING = -1
CHUNK_ROWS = 250_000
_INT_RE = re.compile(r"[+-]?\d+(?:\.0*)?")


class FileRefused(UploadRefused):
    """The file cannot be read at all (size, zip bomb…); its message is a :class:`Message`
    (``.message``). A file that is not UTF-8 or CP932 text is refused by the portal's decoder
    (its ``UndecodableUpload``)."""


@dataclass
class Problem:
    row: int | None
    column: str
    value: str
    message: str  # a Message (code and parameters kept) or, for a foreign refusal, plain text

    def as_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "column": self.column, "value": self.value}
        if isinstance(self.message, Message):
            return {**out, **self.message.as_dict()}
        return {**out, "message": self.message}


@dataclass
class Validated:
    columns: dict[str, np.ndarray]
    n_rows: int
    encoding: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- XLSX safety ----------------------------------------------------------------------------


def check_xlsx_archive(
    path: Path, *, max_uncompressed: int, max_entries: int, max_ratio: int
) -> None:
    """Refuse zip bombs before any XML is parsed."""
    import openpyxl

    # Entity-expansion bombs are refused by defusedxml inside openpyxl; never parse without it.
    if openpyxl.DEFUSEDXML is not True:  # pragma: no cover - guarded by requirements.txt
        raise FileRefused(Message("xlsx_unsafe"))
    refused = FileRefused(Message("xlsx_too_large"))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(Message("xlsx_unreadable")) from exc
    if len(infos) > max_entries:
        raise refused
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1_000_000 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise refused
    if total > max_uncompressed:
        raise refused


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, *, max_rows: int) -> pd.DataFrame:
    import openpyxl
    from defusedxml.common import DefusedXmlException

    def defused(exc: BaseException | None) -> bool:
        while exc is not None:
            if isinstance(exc, DefusedXmlException):
                return True
            exc = exc.__cause__ or exc.__context__
        return False

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        if defused(exc):
            raise FileRefused(Message("xml_dangerous")) from exc
        raise FileRefused(Message("xlsx_unreadable")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused(Message("file_empty"))
        names = [_xlsx_cell(h).strip() for h in header]
        while names and names[-1] == "":
            names.pop()
        width = len(names)
        data: list[list[str]] = []
        for row in rows:
            if len(data) >= max_rows:
                raise FileRefused(Message("too_many_rows", limit=max_rows))
            cells = [_xlsx_cell(v) for v in row[:width]]
            if not any(cells):
                continue
            cells += [""] * (width - len(cells))
            data.append(cells)
    except DefusedXmlException as exc:
        raise FileRefused(Message("xml_dangerous")) from exc
    finally:
        workbook.close()
    return pd.DataFrame(data, columns=names, dtype=str)


# --- Per-column checks ----------------------------------------------------------------------


def _parse_int(text: str) -> int | None:
    """NFKC-normalised integer (全角 digits accepted) or None when it is not an integer."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not _INT_RE.fullmatch(t):
        return None
    return int(float(t)) if "." in t else int(t)


def _value_verdict(text: str, var: dict[str, Any], allowed: frozenset[int]) -> tuple[int, str]:
    """One value of a coded or integer column: (value, "") when valid, (MISSING, "") when blank
    (無回答), else (MISSING, the problem's message). The one rule for files and web answers."""
    if text.strip() == "":
        return MISSING, ""
    value = _parse_int(text)
    if value is None:
        return MISSING, Message("not_a_number")
    if var["type"] == "code" and value not in allowed:
        return MISSING, Message("code_out_of_range", valid=sorted(allowed))
    lo, hi = var.get("min"), var.get("max")
    if var["type"] == "integer" and (
        (lo is not None and value < lo) or (hi is not None and value > hi)
    ):
        return MISSING, Message("value_out_of_range", min=lo, max=hi)
    return value, ""


def _allowed(var: dict[str, Any]) -> frozenset[int]:
    return frozenset(int(k) for k in var.get("codes", {}))


def _check_numeric(
    series: pd.Series, var: dict[str, Any], first_row: int, problems: list[Problem]
) -> np.ndarray:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    n = len(uniques)
    lut = np.full(n + 1, MISSING, dtype=np.int32)  # index -1 (missing field) → MISSING
    bad_msg: dict[int, str] = {}
    allowed = _allowed(var)
    for i, raw in enumerate(uniques):  # each distinct value once
        value, message = _value_verdict(str(raw), var, allowed)
        if message:
            bad_msg[i] = message
        else:
            lut[i] = value
    if bad_msg:
        bad = np.zeros(n + 1, dtype=bool)
        bad[list(bad_msg)] = True
        for idx in np.flatnonzero(bad[codes]):
            code = int(codes[idx])
            problems.append(
                Problem(first_row + int(idx), var["name"], str(uniques[code]), bad_msg[code])
            )
    return lut[codes].astype(_stored_dtype(var, allowed))


def _stored_dtype(var: dict[str, Any], allowed: frozenset[int]) -> type[np.signedinteger]:
    """The smallest integer type the column's valid values fit in."""
    lo, hi = var.get("min"), var.get("max")
    top = max(allowed | {abs(lo or 0), abs(hi or 0), 1})
    return np.int8 if top < 127 else np.int16


def _check_id(
    series: pd.Series | list[str],
    var: dict[str, Any],
    first_row: int,
    problems: list[Problem],
    *,
    strip: bool = True,
) -> np.ndarray:
    """The ids as stored (surrounding spaces removed; ``strip=False`` when the caller knows
    there are none); a blank id is a problem."""
    values = series if isinstance(series, list) else _texts(series)
    stripped = np.array([v.strip() for v in values] if strip else values, dtype=str)
    missing = Message("required_value")
    for idx in np.flatnonzero(stripped == ""):
        problems.append(Problem(first_row + int(idx), var["name"], "", missing))
    return stripped


def _texts(series: pd.Series) -> list[str]:
    """A text column's values as a list of str, a missing value as ""."""
    return [str(v) for v in series.to_numpy(dtype=object, na_value="").tolist()]


def _ragged_records(text: str, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(record indices, field counts) of data rows whose field count differs from the header.

    ``text`` has "\\n" line endings (``validate_file`` folds "\\r\\n" and "\\r"). pandas pads
    short rows with "" (indistinguishable from 無回答) and may drop extra fields, so the count is
    taken from the text: commas per non-empty line, counted on the UTF-8 bytes (a comma byte
    never occurs inside a multi-byte character) when the file has no quotes, else with the csv
    module (quoted fields may hold commas and newlines).
    """
    if '"' not in text:
        counts = _unquoted_field_counts(text)[1:]
    else:
        import csv

        records = (r for r in csv.reader(io.StringIO(text)) if r)
        next(records, None)
        counts = np.fromiter((len(r) for r in records), dtype=np.int64)
    bad = np.flatnonzero(counts != width)
    return bad, counts[bad]


def _unquoted_field_counts(text: str, block: int = 1 << 22) -> np.ndarray:
    """Fields of each non-empty line (header included) of a quote-free text with "\\n"
    endings, counted block by block (about 4 MB of text at a time) to keep memory flat."""
    parts: list[np.ndarray] = []
    start = 0
    while start < len(text):
        stop = text.find("\n", min(start + block, len(text)))  # blocks end at a newline
        stop = len(text) if stop < 0 else stop + 1
        raw = np.frombuffer(text[start:stop].encode("utf-8"), dtype=np.uint8)
        commas = np.flatnonzero(raw == ord(","))
        ends = np.flatnonzero(raw == ord("\n"))
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [len(raw)]))
        starts = starts[stops > starts]
        # Commas from each non-empty line's start to the next one's (empty lines hold none).
        at = np.searchsorted(commas, starts)
        parts.append(np.diff(np.append(at, len(commas))) + 1)
        start = stop
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


# Bytes a numeric column may hold for the numeric reader: digits, the minus sign, the
# separators. Any other byte outside the id columns (a decimal point, a space, a letter, a
# full-width digit) sends the file through the text reader, whose messages quote each value as
# written.
_PLAIN = b"0123456789-,\n"


_SPACE = re.compile(r"\s")


def _odd_bytes(text: str) -> int:
    return len(text.encode("utf-8").translate(None, _PLAIN))


def validate_frame(
    frame: pd.DataFrame,
    variables: list[dict[str, Any]],
    *,
    first_row: int,
    problems: list[Problem],
) -> dict[str, np.ndarray]:
    """Check one chunk (all text); first_row is the spreadsheet row number of its first record."""
    out: dict[str, np.ndarray] = {}
    for var in variables:
        if var["name"] not in frame.columns:
            continue
        series = frame[var["name"]]
        if var["type"] == "id":
            out[var["name"]] = _check_id(series, var, first_row, problems)
        else:
            out[var["name"]] = _check_numeric(series, var, first_row, problems)
    return out


def _check_header(
    columns: list[str], variables: list[dict[str, Any]], problems: list[Problem], notes: list[str]
) -> None:
    names = [v["name"] for v in variables]
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            problems.append(Problem(1, col, col, Message("duplicate_column")))
        seen.add(col)
    for var in variables:
        if var["name"] not in seen and not var.get("column_optional"):
            problems.append(Problem(1, var["name"], "", Message("required_column")))
    unknown = [c for c in columns if c not in names]
    if unknown:
        notes.append(Message("unknown_columns", columns=unknown))


def _fill_optional(
    columns_out: dict[str, np.ndarray], variables: list[dict[str, Any]], n_rows: int
) -> None:
    """Optional columns left out of the file are 無回答 for every row (the stored microdata
    always has every variable)."""
    if not columns_out:
        return
    for var in variables:
        if var.get("column_optional") and var["name"] not in columns_out:
            columns_out[var["name"]] = np.full(n_rows, MISSING, dtype=np.int8)


def none_columns(spec: dict[str, Any]) -> dict[str, str]:
    """{multiple-answer question: its 「特にない」-type column} from the instrument."""
    return {
        g["name"]: g["none_column"]
        for g in spec.get("multiple_answer") or []
        if g.get("none_column")
    }


def multiple_answer_groups(variables: list[dict[str, Any]]) -> dict[str, list[str]]:
    """{question name: [option columns in order]} from the variables' `multiple_answer` key."""
    groups: dict[str, list[str]] = {}
    for var in variables:
        if var.get("multiple_answer"):
            groups.setdefault(var["multiple_answer"], []).append(var["name"])
    return groups


def check_multiple_answer(
    columns_out: dict[str, np.ndarray],
    variables: list[dict[str, Any]],
    none_columns: dict[str, str],
    problems: list[Problem],
) -> None:
    """A 「特にない」-type option ticked together with another option of the same question."""
    for group, names in multiple_answer_groups(variables).items():
        none = none_columns.get(group)
        if not none or none not in columns_out or not all(n in columns_out for n in names):
            continue
        others = [columns_out[n] == 1 for n in names if n != none]
        if not others:
            continue
        clash = (columns_out[none] == 1) & np.logical_or.reduce(others)
        message = Message("multiple_answer_clash")
        for idx in np.flatnonzero(clash):
            problems.append(Problem(int(idx) + 2, none, "1", message))


class RecordChecker:
    """The file checks for one record at a time (a web answer), prepared once per instrument:
    every column through the same per-value rule as a file (``_value_verdict``), the same
    required id and the same 「特にない」 rule, with the same messages. No pandas: a file's
    checks factorise columns of many rows, a single record has one value per column."""

    def __init__(self, variables: list[dict[str, Any]], none_columns: dict[str, str]) -> None:
        self.columns = [(v["name"], v, v["type"] == "id", _allowed(v)) for v in variables]
        self.clashes: list[tuple[str, list[str]]] = []
        for group, names in multiple_answer_groups(variables).items():
            none = none_columns.get(group)
            if none in names:
                self.clashes.append((none, [n for n in names if n != none]))

    def check(
        self, record: dict[str, str], *, row: int = 2
    ) -> tuple[dict[str, Any], list[Problem]]:
        """(values as a file stores them, problems); a column missing from the record is blank."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, var, is_id, allowed in self.columns:
            text = record.get(name) or ""
            if is_id:
                values[name] = text.strip()
                if not values[name]:
                    problems.append(Problem(row, name, "", Message("required_value")))
                continue
            values[name], message = _value_verdict(text, var, allowed)
            if message:
                problems.append(Problem(row, name, text, message))
        for none, others in self.clashes:
            if values.get(none) == 1 and any(values.get(n) == 1 for n in others):
                problems.append(Problem(row, none, "1", Message("multiple_answer_clash")))
        return values, problems


def _duplicates(ids: np.ndarray, existing: set[str], problems: list[Problem]) -> None:
    series = pd.Series(ids, dtype=object)
    dup = series.duplicated(keep=False).to_numpy() & (ids != "")
    if existing:
        dup |= series.isin(existing).to_numpy()
    message = Message("duplicate_id")
    for idx in np.flatnonzero(dup):
        problems.append(Problem(int(idx) + 2, "resp_id", str(ids[idx]), message))


class _NeedsText(Exception):
    """A value the numeric reader cannot judge as written: read the file as text."""


def _plain_numeric(series: pd.Series, var: dict[str, Any], allowed: frozenset[int]) -> np.ndarray:
    """The stored values of a column pandas parsed as numbers; raises ``_NeedsText`` when a
    value is not valid (its problem must quote it as written)."""
    values = series.to_numpy(dtype=np.float64)
    blank = np.isnan(values)
    whole = ~blank & (np.abs(values) < 2**31)
    if not (blank | whole).all():
        raise _NeedsText
    ints = np.where(blank, MISSING, values).astype(np.int64)
    if var["type"] == "code":
        first, last = min(allowed, default=0), max(allowed, default=0)
        table = np.zeros(last - first + 2, dtype=bool)  # the last slot: outside first..last
        table[np.fromiter(allowed, dtype=np.int64) - first] = True
        inside = (ints >= first) & (ints <= last)
        valid = blank | table[np.where(inside, ints - first, last - first + 1)]
    else:
        lo, hi = var.get("min"), var.get("max")
        valid = blank | ((lo is None or ints >= lo) & (hi is None or ints <= hi))
    if not np.all(valid):
        raise _NeedsText  # the problem's message quotes the value as written
    return ints.astype(_stored_dtype(var, allowed))


def _read_plain(
    text: str,
    raw_columns: list[str],
    variables: list[dict[str, Any]],
    *,
    max_rows: int,
) -> tuple[dict[str, list[np.ndarray]], int, list[Problem]]:
    """The numeric reader for a quote-free file whose data rows hold only digits, "-" and
    commas outside the id columns: pandas parses the numbers in C (no string per value).

    Gives exactly what the text reader gives, or raises ``_NeedsText`` where the text reader
    must speak: a record with more fields than the header (pandas refuses it) or fewer (the
    commas of the file then fall short of rows × header), any other byte outside the id columns
    (the file's count of such bytes exceeds the id values'), a value out of range or not a
    whole number (its message quotes it as written)."""
    data = text.encode("utf-8")  # the C reader parses bytes; and counted without copies
    header = data[: data.find(b"\n") + 1 or len(data)]
    odd_in_file = len(data.translate(None, _PLAIN)) - len(header.translate(None, _PLAIN))
    kinds = {v["name"]: v for v in variables}
    # Ids and columns the instrument does not know are read as text, exactly as written.
    free = [c for c in raw_columns if kinds.get(c.strip(), {"type": "id"})["type"] == "id"]
    if odd_in_file and not free:
        raise _NeedsText
    chunks = pd.read_csv(
        io.BytesIO(data),
        encoding="utf-8",
        dtype=dict.fromkeys(free, str),
        keep_default_na=False,
        na_values=[""],
        chunksize=CHUNK_ROWS,
        skip_blank_lines=True,
        index_col=False,
        engine="c",
        on_bad_lines="error",
    )
    problems: list[Problem] = []
    parts: dict[str, list[np.ndarray]] = {}
    n_rows = odd_in_ids = 0
    try:
        with warnings.catch_warnings():
            # A first record longer than the header makes pandas guess an index column (a warning).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            for chunk in chunks:
                ids: dict[str, tuple[list[str], bool]] = {}
                for column in free:
                    values = _texts(chunk[column])
                    joined = "".join(values)
                    odd_in_ids += _odd_bytes(joined)
                    ids[column.strip()] = (values, bool(_SPACE.search(joined)))
                chunk.columns = [str(c).strip() for c in chunk.columns]
                if n_rows + len(chunk) > max_rows:
                    raise FileRefused(Message("too_many_rows", limit=max_rows))
                first_row = n_rows + 2
                for var in variables:
                    if var["name"] not in chunk.columns:
                        continue
                    series = chunk[var["name"]]
                    if var["type"] == "id":
                        values, spaced = ids[var["name"]]
                        out = _check_id(values, var, first_row, problems, strip=spaced)
                    elif series.dtype.kind in "if":
                        out = _plain_numeric(series, var, _allowed(var))
                    else:  # "-" or "1-2" among the numbers: the text rule, on the values as written
                        out = _check_numeric(series, var, first_row, problems)
                    parts.setdefault(var["name"], []).append(out)
                n_rows += len(chunk)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:  # a record too long
        raise _NeedsText from exc
    if odd_in_ids != odd_in_file or data.count(b",") != (n_rows + 1) * (len(raw_columns) - 1):
        raise _NeedsText
    return parts, n_rows, problems


def validate_file(
    path: Path,
    variables: list[dict[str, Any]],
    *,
    max_rows: int,
    existing_ids: set[str] | None = None,
    xlsx_limits: dict[str, int] | None = None,
    none_columns: dict[str, str] | None = None,
) -> Validated:
    """Read the file once and check every row. Raises ``UploadRefused`` (the decoder's
    ``UndecodableUpload`` or :class:`FileRefused`) when it cannot be read."""
    problems: list[Problem] = []
    notes: list[str] = []
    if path.suffix.lower() == ".xlsx":
        check_xlsx_archive(path, **(xlsx_limits or {}))
        frame = read_xlsx(path, max_rows=max_rows)
        encoding = "xlsx"
        chunks: Any = [frame]
        columns = list(frame.columns)
        ragged, ragged_counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        plain, text, raw_columns = False, "", columns
    else:
        text, encoding = decode_text_upload(path.read_bytes())
        if "\r" in text:  # Windows and old Mac (Excel "CSV (Macintosh)") line endings
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text or text.isspace():
            raise FileRefused(Message("file_empty"))
        try:
            head = pd.read_csv(io.StringIO(text), dtype=str, nrows=0, index_col=False)
        except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
            raise FileRefused(Message("header_unreadable")) from exc
        raw_columns = [str(c) for c in head.columns]
        columns = [c.strip() for c in raw_columns]
        plain = '"' not in text
        chunks = None  # the text reader, opened below unless the numeric reader is enough
        ragged, ragged_counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _check_header(columns, variables, problems, notes)
    header_broken = any(p.row == 1 for p in problems)
    parts: dict[str, list[np.ndarray]] = {}
    n_rows = 0
    if plain and not header_broken:
        try:
            parts, n_rows, found = _read_plain(text, raw_columns, variables, max_rows=max_rows)
            problems += found
            chunks = []
        except _NeedsText:
            parts, n_rows = {}, 0
    if chunks is None:
        ragged, ragged_counts = _ragged_records(text, len(columns))
        width = len(columns)
        options: dict[str, Any] = {"engine": "c", "on_bad_lines": "error"}
        if len(ragged):
            # Slow path for broken files only: keep every record aligned with its row number.
            options = {"engine": "python", "on_bad_lines": lambda fields: fields[:width]}
        chunks = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=[],
            chunksize=CHUNK_ROWS,
            skip_blank_lines=True,
            index_col=False,
            **options,
        )
    del text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        for chunk in chunks:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            if n_rows + len(chunk) > max_rows:
                raise FileRefused(Message("too_many_rows", limit=max_rows))
            if not header_broken:
                checked = validate_frame(chunk, variables, first_row=n_rows + 2, problems=problems)
                for name, arr in checked.items():
                    parts.setdefault(name, []).append(arr)
            n_rows += len(chunk)
    for idx, count in zip(ragged, ragged_counts, strict=True):
        message = Message("field_count", width=len(columns), count=int(count))
        problems.append(Problem(int(idx) + 2, "", "", message))
    columns_out = {name: np.concatenate(arrs) for name, arrs in parts.items()}
    _fill_optional(columns_out, variables, n_rows)
    check_multiple_answer(columns_out, variables, none_columns or {}, problems)
    if "resp_id" in columns_out:
        _duplicates(columns_out["resp_id"], existing_ids or set(), problems)
    if n_rows == 0 and not problems:
        problems.append(Problem(None, "", "", Message("no_data_rows")))
    problems.sort(key=lambda p: (p.row if p.row is not None else 0, p.column))
    return Validated(columns_out, n_rows, encoding, problems, notes)
