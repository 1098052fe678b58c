"""CSV and XLSX exports that open correctly in Japanese Excel and cannot smuggle formulas.

Every export of the portal goes through these functions (OWASP CSV injection, ASVS 5.0 1.2.10):
text cells starting with = + - @ tab, CR, LF or NUL get a leading apostrophe; real numbers stay
numbers. CSV is UTF-8 with a BOM so Excel does not read it as Shift_JIS, and dates are ISO text
(``2026-01-05``, ``2026-01-05 09:30`` in Asia/Tokyo). In XLSX, dates and times are real Excel
dates (Asia/Tokyo wall-clock time, as Excel has no time zones) with a date number format, and
sheet names are made valid for Excel (31 characters, none of ``[]:*?/\\``, unique).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula; keep numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units, which is how Excel counts a sheet name."""
    while _utf16_length(text) > limit:
        text = text[:-1]
    return text.rstrip()


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts and not yet in ``taken`` (lower-cased names, as Excel ignores
    case; the new name is added): forbidden characters become spaces, 31 characters at most, no
    apostrophe at either end, not the reserved "History"; a repeat gets " (2)", " (3)"…"""
    base = " ".join(str(title).translate(SHEET_NAME_FORBIDDEN).split()).strip("'").strip()
    base = _shorten(base, SHEET_NAME_MAX).strip("'").strip() or "Sheet"
    if base.lower() == "history":
        base = f"{base} 1"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = _shorten(base, SHEET_NAME_MAX - len(suffix)).strip("'") + suffix
        n += 1
    taken.add(name.lower())
    return name


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """(cell value, number format): dates as Excel dates in Asia/Tokyo, the rest as safe_cell."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_default_timezone())
        return value.replace(microsecond=0), DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    return _xlsx_text(safe_cell(value)), None


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Build a workbook; each sheet is (title, header, rows). Text is written as text, always;
    dates and times as Excel dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_name(title, taken))
        sheet.append([safe_cell(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            converted = [_xlsx_value(v) for v in row]
            sheet.append([value for value, _format in converted])
            for cell, (value, number_format) in zip(sheet[sheet.max_row], converted, strict=False):
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would otherwise treat "=..." as a formula
                elif number_format:
                    cell.number_format = number_format
        for column in sheet.columns:
            width = max((_shown_length(c.value) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width * 1.6, 8), 60)
        sheet.freeze_panes = "A2"
    if not workbook.worksheets:  # Excel refuses a workbook without a sheet
        workbook.create_sheet(title="Sheet")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _shown_length(value: Any) -> int:
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return len(str(value))


def _xlsx_text(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return attachment_response(
        csv_bytes(header, rows), filename=filename, content_type="text/csv; charset=utf-8"
    )


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> HttpResponse:
    return attachment_response(xlsx_bytes(sheets), filename=filename, content_type=XLSX_MIME)
