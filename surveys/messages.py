"""The survey file checks' messages: a stable code and its parameters, rendered through gettext.

A :class:`Message` is the text in the language active when it was made (it *is* a ``str``), and
also carries ``code`` and ``params``. What is stored (``DatasetFile.problems`` / ``notes``) keeps
all three, and :func:`stored_text` renders a stored problem or note again in the reader's language
at display time. Rows stored before codes existed (plain text, or a code unknown to this version)
show their stored text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, ngettext, pgettext


def _join(values: Any) -> str:
    # the separator of a list of codes or column names inside a sentence: 「1・2・3」, "1, 2, 3"
    return pgettext("list separator", ", ").join(str(v) for v in values)


def _column_names(names: Any) -> str:
    return pgettext("list of column names separator", ", ").join(
        str(n) or gettext("(empty column name)") for n in names
    )


def _int(value: Any) -> str:
    return f"{int(value):,}"


_RENDER: dict[str, Callable[[dict[str, Any]], str]] = {
    # whole-file refusals
    "xlsx_unsafe": lambda p: gettext(
        "XLSX files cannot be read safely on this server (defusedxml is required)."
    ),
    "xlsx_too_large": lambda p: gettext(
        "The file is too large or malformed (the contents of the XLSX cannot be checked)."
    ),
    "xlsx_unreadable": lambda p: gettext(
        "The file cannot be read as XLSX (it is damaged or in another format)."
    ),
    "xml_dangerous": lambda p: gettext(
        "The file is too large or malformed (its XML has dangerous definitions)."
    ),
    "file_empty": lambda p: gettext("The file is empty."),
    "header_unreadable": lambda p: gettext("The header row (variable names) cannot be read."),
    "too_many_rows": lambda p: (
        ngettext(
            "The file has more rows than the limit (%(limit)s row).",
            "The file has more rows than the limit (%(limit)s rows).",
            int(p["limit"]),
        )
        % {"limit": _int(p["limit"])}
    ),
    # the portal's text decoder (kitakyushu_pf.uploads)
    "upload_utf16": lambda p: gettext(
        "UTF-16 files are not accepted. In Excel, save as “CSV UTF-8 (Comma delimited)” "
        "or “CSV (Comma delimited)”."
    ),
    "upload_undecodable": lambda p: (
        gettext(
            "Line %(line)s (byte %(byte)s from the start) cannot be read as UTF-8 or as "
            "Shift_JIS (CP932). The file may be cut off, or saved in another encoding."
        )
        % p
    ),
    # one cell
    "not_a_number": lambda p: gettext("Not a number (wrong type)"),
    "code_out_of_range": lambda p: (
        gettext("Code out of range (valid: %(valid)s)") % {"valid": _join(p["valid"])}
    ),
    "value_out_of_range": lambda p: gettext("Value out of range (%(min)s–%(max)s)") % p,
    "required_value": lambda p: gettext("A required value is missing"),
    "duplicate_id": lambda p: gettext("resp_id is duplicated"),
    "multiple_answer_clash": lambda p: gettext(
        "In a multiple-answer question, “none” is ticked together with another option"
    ),
    # header and rows
    "duplicate_column": lambda p: gettext("More than one column has this name"),
    "required_column": lambda p: gettext("A required variable (column) is missing"),
    "field_count": lambda p: (
        ngettext(
            "The row has %(count)s field; the header has %(width)s",
            "The row has %(count)s fields; the header has %(width)s",
            int(p["count"]),
        )
        % p
    ),
    "no_data_rows": lambda p: gettext("The file has no data rows"),
    # notes
    "unknown_columns": lambda p: (
        gettext("Columns that are not in the questionnaire are not loaded: %(columns)s")
        % {"columns": _column_names(p["columns"])}
    ),
}


def render(code: str, params: dict[str, Any]) -> str:
    """The message of ``code`` in the active language."""
    return _RENDER[code](params)


class Message(str):
    """A check's message: the text in the active language, with its code and parameters."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Message:
        obj = super().__new__(cls, render(code, params))
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.code, self.params))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "message": str(self)}


def _message(code: str, params: dict[str, Any]) -> Message:
    return Message(code, **params)


def stored_text(item: Any) -> str:
    """A stored problem (``{"message", "code"?, "params"?}``) or note (text or such a dict) in
    the active language; the stored text when it has no code this version knows."""
    if isinstance(item, dict):
        code = item.get("code")
        if code in _RENDER:
            try:
                return render(code, item.get("params") or {})
            except (KeyError, TypeError, ValueError):
                pass
        return str(item.get("message", ""))
    return str(item)
