"""Templates and codebooks for data-entry contractors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext, pgettext_lazy

from kitakyushu_pf.exports import csv_bytes

from ..models import Instrument

# --- Templates for data-entry contractors -----------------------------------------------------


def instrument_codebook(*, instrument: Instrument) -> list[list[Any]]:
    spec = instrument.spec
    groups = {g["name"]: g for g in spec.get("multiple_answer", [])}
    rows: list[list[Any]] = []
    for var in spec["variables"]:
        codes = var.get("codes", {})
        group = groups.get(var.get("multiple_answer") or "")
        if var["type"] == "id":
            rule = gettext("Required. No duplicates. Leading zeros are kept as text.")
        elif var["type"] == "integer":
            rule = gettext("Whole number %(min)s–%(max)s. Blank is no answer.") % {
                "min": var.get("min"),
                "max": var.get("max"),
            }
        elif group:
            rule = gettext(
                "An option of the multiple-answer question “%(question)s”. 1 = ticked, 0 or "
                "blank = not ticked (someone who ticked nothing is no answer)."
            ) % {"question": group.get("question", "")}
        else:
            rule = gettext("Blank is no answer.")
        if var.get("column_optional"):
            rule += gettext("The column may be left out (then everyone is no answer).")
        if var.get("asked_if"):
            cond = var["asked_if"]
            rule += gettext("Asked of people whose %(variable)s is %(codes)s.") % {
                "variable": cond["variable"],
                "codes": pgettext("list separator", ", ").join(map(str, cond["codes"])),
            }
        number = (group or var).get("question_number") or ""
        wording = (group or var).get("wording") or ""
        status = (group or var).get("wording_status") or (group or var).get(
            "national_question_number_status", ""
        )
        extra = [number, wording, status, group["name"] if group else ""]
        if codes:
            for code, label in codes.items():
                rows.append(
                    [var["name"], var.get("question", ""), var["type"], code, label, rule, *extra]
                )
        else:
            rows.append([var["name"], var.get("question", ""), var["type"], "", "", rule, *extra])
    return rows


CODEBOOK_HEADER = [  # lazy: the language of whoever downloads the codebook
    pgettext_lazy("codebook column", "Variable"),
    pgettext_lazy("codebook column", "Question"),
    pgettext_lazy("codebook column", "Type"),
    pgettext_lazy("codebook column", "Code"),
    pgettext_lazy("codebook column", "Label"),
    pgettext_lazy("codebook column", "Rule"),
    pgettext_lazy("codebook column", "Question number"),
    pgettext_lazy("codebook column", "Wording (as on the questionnaire)"),
    pgettext_lazy("codebook column", "Wording checked"),
    pgettext_lazy("codebook column", "Multiple-answer question"),
]


def codebook_header() -> list[str]:
    """The codebook's column names in the active language."""
    return [str(c) for c in CODEBOOK_HEADER]


def instrument_template_csv(*, instrument: Instrument) -> bytes:
    return csv_bytes([v["name"] for v in instrument.spec["variables"]], [])


def instrument_template_xlsx(*, instrument: Instrument) -> bytes:
    from kitakyushu_pf.exports import xlsx_bytes

    return xlsx_bytes(
        [
            ("data", [v["name"] for v in instrument.spec["variables"]], []),
            ("codebook", codebook_header(), instrument_codebook(instrument=instrument)),
        ]
    )
