"""CSV, XLSX and PDF renderings of a stored report. All three are built from `tidy_rows`, so a
suppressed cell is blank in every format."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.exports import csv_bytes, xlsx_bytes

from .aggregation import TIDY_COLUMNS
from .findings import label_of

HIKIKOMORI_TITLE = _("Hikikomori prevalence")
NO_NATIONAL = _("no national figure")
INTERNAL_MARK = _("Internal (no suppression, not for publication)")
PUBLISH_MARK = _("For publication (small cells suppressed)")
SYNTHETIC_MARK = _("Synthetic data (demo)")


def _num(value: Any, digits: int | None) -> Any:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if digits is None:
        return int(value)
    return round(float(value), digits)


def tidy_rows(result: dict[str, Any]) -> list[list[Any]]:
    """The published cells, in TIDY_COLUMNS order, rounded for publication."""
    out = []
    for r in result.get("rows", []):
        out.append(
            [
                r["indicator"],
                r["breakdown"],
                r["group"] or "",
                r["answer"] or "",
                _num(r["city_n"], None),
                _num(r["city_base"], None),
                _num(r["city_pct"], 1),
                _num(r["city_ci_low"], 1),
                _num(r["city_ci_high"], 1),
                _num(r["national_pct"], 2),
                _num(r["national_n"], None),
                _num(r["diff_pt"], 1),
                _num(r.get("diff_ci_low"), 1),
                _num(r.get("diff_ci_high"), 1),
                _num(r["p_value"], 4),
                _num(r.get("p_adjusted"), 4),
                _num(r.get("weighted_pct"), 1),
                _num(r.get("weighted_ci_low"), 1),
                _num(r.get("weighted_ci_high"), 1),
                _num(r.get("deff"), 3),
                1 if r.get("suppressed") else 0,
            ]
        )
    return out


def _national_label(r: dict[str, Any]) -> str:
    if r.get("national_pct") is None:
        return str(NO_NATIONAL)
    wave = f"{r.get('national_wave')} " if r.get("national_wave") else ""
    return f"{wave}{r.get('national_status') or ''}"


def _mark(result: dict[str, Any]) -> str:
    meta = result.get("meta", {})
    mark = str(PUBLISH_MARK if meta.get("mode") == "publish" else INTERNAL_MARK)
    if meta.get("synthetic"):
        mark = f"{SYNTHETIC_MARK}{pgettext('joins two marks', ' / ')}{mark}"
    return mark


def filename(result: dict[str, Any], ext: str) -> str:
    meta = result.get("meta", {})
    return f"survey-report-{meta.get('dataset_id', 'x')[:8]}-{meta.get('mode', 'internal')}.{ext}"


LABEL_COLUMNS = ["indicator_label", "breakdown_label", "question_number"]


def _label_cells(result: dict[str, Any], row: list[Any], language: str) -> list[Any]:
    indicator, breakdown = row[0], row[1]
    info = (result.get("labels") or {}).get(indicator) or {}
    with translation.override(language):
        by = (
            pgettext("all respondents", "All")
            if breakdown == "total"
            else label_of(result, breakdown, language)
        )
        title = (
            label_of(result, indicator, language)
            if indicator != "hikikomori"
            else str(HIKIKOMORI_TITLE)
        )
    return [title, by, info.get("question_number", "")]


def render_csv(result: dict[str, Any], language: str = "ja") -> bytes:
    """The tidy columns (machine-readable names) followed by label columns."""
    rows = [[*row, *_label_cells(result, row, language)] for row in tidy_rows(result)]
    return csv_bytes([*TIDY_COLUMNS, *LABEL_COLUMNS], rows)


def sources(result: dict[str, Any]) -> list[list[Any]]:
    seen: dict[tuple, list[Any]] = {}
    for r in result.get("rows", []):
        if r.get("national_pct") is None:
            continue
        key = (r["indicator"], r["breakdown"], r["group"], r["answer"])
        seen[key] = [
            *key,
            r.get("national_wave") or "",
            r["national_pct"],
            r.get("national_n") if r.get("national_n") is not None else "",
            r.get("national_status") or "",
            r.get("national_source") or "",
        ]
    std = result.get("standardised") or {}
    if std.get("national"):
        nat = std["national"]
        seen[("standardised",)] = [
            gettext("Age-standardised"), "total", "", std.get("label", ""), nat.get("wave", ""),
            nat["pct"], "", nat["status"], nat["source"],
        ]  # fmt: skip
    return list(seen.values())


def summary_lines(result: dict[str, Any], language: str | None = None) -> list[tuple[str, str]]:
    """(item, text) lines describing the report, in ``language`` (default: the active one).
    The weighting and hikikomori notes are written again from the stored figures; the response
    and standardisation notes are shown as the report stored them (in the portal's language
    when the report was built)."""
    with translation.override(language or translation.get_language()):
        return _summary_lines(result)


def _summary_lines(result: dict[str, Any]) -> list[tuple[str, str]]:
    meta = result.get("meta", {})
    lines = [
        (gettext("Report type"), _mark(result)),
        (gettext("Dataset"), meta.get("title", "")),
        (pgettext("report summary", "Questionnaire"), meta.get("instrument", "")),
        (gettext("National survey wave compared"), meta.get("national_wave", "")),
        (gettext("Respondents"), f"{meta.get('n_respondents', 0):,}"),
        (gettext("Response and non-response"), (result.get("response") or {}).get("text", "")),
        (
            gettext("Base of percentages"),
            gettext("All respondents of each group (no answer included)"),
        ),
        (gettext("Confidence intervals"), gettext("Wilson score intervals (95%)")),
        (
            gettext("Tests"),
            gettext(
                "Only where the national sample size is known: a two-sample z test of the "
                "difference in proportions (p value) and the interval of the difference (95%) "
                "by Newcombe's hybrid score method. Rows of no answer are not tested. "
                "p_adjusted is the p value adjusted by Holm's method within each table "
                "(indicator × breakdown). Whole distributions are tested by chi-square (where "
                "every national answer and the sample size are known)."
            ),
        ),
    ]
    if meta.get("mode") == "publish":
        lines.append(
            (
                gettext("Suppression"),
                gettext(
                    "Cells under %(threshold)s people, and the cells they could be worked "
                    "out from, are suppressed"
                )
                % {"threshold": meta.get("threshold")},
            )
        )
    std = result.get("standardised")
    if std:
        if std.get("suppressed"):
            text = gettext(
                "Not shown in publication mode: it would allow suppressed cells to be worked out."
            )
        else:
            crude = (
                gettext("crude rate %(pct)s%%") % {"pct": f"{std['crude_pct']:.1f}"}
                if "crude_pct" in std
                else gettext(
                    "the crude rate is not shown: it would allow suppressed cells to be worked out"
                )
            )
            text = gettext("%(rate)s%% (95%% CI %(low)s–%(high)s%%, %(crude)s)") % {
                "rate": f"{std['rate_pct']:.1f}",
                "low": f"{std['ci_low']:.1f}",
                "high": f"{std['ci_high']:.1f}",
                "crude": crude,
            }
            if std.get("national"):
                text += gettext(" / nation %(pct)s%% (%(wave)s, %(status)s)") % {
                    "pct": std["national"]["pct"],
                    "wave": std["national"]["wave"],
                    "status": std["national"]["status"],
                }
            else:
                text += pgettext("joins two marks", " / ") + str(NO_NATIONAL)
        lines.append((std["label"], text))
        lines.append((gettext("Method of age standardisation"), std["weights_note"]))
    from .services.calculations import hikikomori_note, weighting_note

    weighting = result.get("weighting")
    if weighting:
        try:  # described again from the stored weighting info, in the reader's language
            note = weighting_note(weighting)
        except (KeyError, TypeError, ValueError):
            note = weighting.get("note", "")
        lines.append((gettext("Weighting"), note))
    hik = result.get("hikikomori")
    if hik:
        note = hikikomori_note(hik["rule_by_band"]) if hik.get("rule_by_band") else ""
        lines.append(
            (gettext("Definition of hikikomori"), note or hik.get("note") or hik.get("rule", ""))
        )
        threshold = hik.get("threshold")
        hidden = gettext("under %(threshold)s") % {"threshold": threshold} if threshold else "—"

        def count(v: Any) -> str:
            return hidden if v is None else gettext("%(count)s people") % {"count": v}

        everyone = pgettext("all respondents", "All")
        for group in dict.fromkeys(s["group"] for s in hik.get("steps", [])):
            steps = [s for s in hik["steps"] if s["group"] == group]
            desc = pgettext("list separator in a sentence", ", ").join(
                gettext("%(step)s %(strict)s (inclusive %(inclusive)s)")
                % {
                    "step": s["step"],
                    "strict": count(s["strict"]),
                    "inclusive": count(s["inclusive"]),
                }
                for s in steps
            )
            label = gettext("People excluded (%(group)s, %(rule)s, strict / inclusive)") % {
                "group": group or everyone,
                "rule": steps[0]["rule"],
            }
            lines.append((label, desc))
        for e in hik.get("missing_effect", []):
            lines.append(
                (
                    gettext("Effect of the handling of no answer (%(group)s)")
                    % {"group": e["group"] or everyone},
                    gettext(
                        "strict %(strict)s, inclusive %(inclusive)s (%(moved)s more when inclusive)"
                    )
                    % {
                        "strict": count(e["strict"]),
                        "inclusive": count(e["inclusive"]),
                        "moved": count(e["moved"]),
                    },
                )
            )
    return lines


COLUMN_LABELS = {
    "city_n": pgettext_lazy("report column", "n"),
    "city_base": pgettext_lazy("report column", "Base"),
    "city_pct": pgettext_lazy("report column", "%"),
    "city_ci_low": pgettext_lazy("report column", "95% CI low"),
    "city_ci_high": pgettext_lazy("report column", "95% CI high"),
    "national_pct": pgettext_lazy("report column", "National %"),
    "national_n": pgettext_lazy("report column", "National n"),
    "diff_pt": pgettext_lazy("report column", "Difference (points)"),
    "diff_ci_low": pgettext_lazy("report column", "Difference CI low"),
    "diff_ci_high": pgettext_lazy("report column", "Difference CI high"),
    "p_value": pgettext_lazy("report column", "p"),
    "p_adjusted": pgettext_lazy("report column", "p (Holm)"),
    "weighted_pct": pgettext_lazy("report column", "Weighted %"),
    "weighted_ci_low": pgettext_lazy("report column", "Weighted CI low"),
    "weighted_ci_high": pgettext_lazy("report column", "Weighted CI high"),
    "deff": pgettext_lazy("report column", "Design effect"),
    "suppressed": pgettext_lazy("report column", "Suppressed"),
}


def xlsx_header() -> list[str]:
    """The header of an indicator's sheet, in the active language."""
    return [
        pgettext("report column", "Indicator"),
        pgettext("report column", "Breakdown"),
        pgettext("report column", "Group"),
        pgettext("report column", "Answer"),
        *[str(COLUMN_LABELS.get(c, c)) for c in TIDY_COLUMNS[4:]],
        pgettext("report column", "National figure"),
        pgettext("report column", "Compared with the nation"),
        pgettext("report column", "Variable"),
        pgettext("report column", "Breakdown variable"),
        pgettext("report column", "Question"),
    ]


SUPPRESSED = TIDY_COLUMNS.index("suppressed")
_SHEET_BAD = str.maketrans({c: "・" for c in "[]:*?/\\"})


def _sheet_name(label: str, used: set[str]) -> str:
    base = label.translate(_SHEET_BAD)[:28] or "sheet"
    name, i = base, 2
    while name in used:
        name, i = f"{base[:26]}({i})", i + 1
    used.add(name)
    return name


def render_xlsx(result: dict[str, Any], language: str = "ja") -> bytes:
    """Sheets named by question, rows labelled (variable names kept in the last columns)."""
    with translation.override(language):
        return _render_xlsx(result, language)


def _render_xlsx(result: dict[str, Any], language: str) -> bytes:
    from .findings import findings, flag_label, row_flag, value_label

    rows = tidy_rows(result)
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (pgettext("sheet", "Summary"), [gettext("Item"), gettext("Text")],
         [list(x) for x in summary_lines(result)]),
        (gettext("Key findings"),
         [gettext("Finding"), pgettext("report column", "Compared with the nation")],
         [[f["text"], f["flag_label"]] for f in findings(result, language=language)]),
    ]  # fmt: skip
    used = {sheets[0][0], sheets[1][0]}
    indicators: list[str] = []
    for r in rows:
        if r[0] not in indicators:
            indicators.append(r[0])
    for ind in indicators:
        sheet_rows = []
        for row, src in zip(rows, result["rows"], strict=True):
            if row[0] != ind:
                continue
            labels = _label_cells(result, row, language)
            flag = "" if src.get("suppressed") else flag_label(row_flag(src), language)
            sheet_rows.append(
                [
                    labels[0],
                    labels[1],
                    value_label(result, row[1], row[2], language),
                    value_label(result, row[0], row[3], language),
                    *row[4:],
                    _national_label(src),
                    flag,
                    row[0],
                    row[1],
                    labels[2],
                ]
            )
        title = label_of(result, ind, language) if ind != "hikikomori" else str(HIKIKOMORI_TITLE)
        sheets.append((_sheet_name(title, used), xlsx_header(), sheet_rows))
    sheets.append(
        (
            pgettext("sheet", "Sources"),
            ["indicator", "breakdown", "group", "answer", "wave", "pct", "base_n", "status",
             "source"],
            sources(result),
        )
    )  # fmt: skip
    return xlsx_bytes(sheets)


# --- PDF --------------------------------------------------------------------------------------


def _font_path() -> Path:
    import matplotlib_fontja

    return Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "IPAexGothic"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(_font_path())))
    return name


PDF_COLUMNS = ["city_n", "city_base", "city_pct", "city_ci_low", "city_ci_high", "national_pct",
               "national_n", "diff_pt", "diff_ci_low", "diff_ci_high", "p_adjusted"]  # fmt: skip


def pdf_tables(result: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The table data the PDF prints, per indicator (also used to check it against the CSV):
    every answer of the whole sample, and the key answer in every group (all cells are in the
    XLSX and CSV)."""
    key = (result.get("findings_spec") or {}).get("key_answers", {})
    tables: dict[str, list[list[Any]]] = {}
    for row, src in zip(tidy_rows(result), result.get("rows", []), strict=True):
        if key and row[1] != "total" and row[0] in key and row[3] != key[row[0]]:
            continue
        if key and row[1] != "total" and row[0] not in key and row[0] != "hikikomori":
            continue
        tables.setdefault(row[0], []).append(
            [
                row[1],
                row[2],
                row[3],
                *[row[TIDY_COLUMNS.index(c)] for c in PDF_COLUMNS],
                _national_label(src),
                row[SUPPRESSED],
            ]
        )
    return tables


def render_pdf(result: dict[str, Any], language: str = "ja") -> bytes:
    """主な結果 first, then each question's charts (city vs nation with interval whiskers), the
    mode and trend tables, the full tables as an appendix and the sources."""
    with translation.override(language):
        return _render_pdf(result, language)


def _render_pdf(result: dict[str, Any], language: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus.tables import Table as _T  # noqa: F401

    from . import charts, presentation
    from .findings import value_label

    font = _register_font()
    base = ParagraphStyle("jp", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=base, fontSize=16, leading=21, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=6, spaceAfter=4)
    mark = ParagraphStyle("mark", parent=base, fontSize=10, textColor=colors.HexColor("#b91c1c"))
    small = ParagraphStyle("small", parent=base, fontSize=7, leading=9)
    finding = ParagraphStyle("finding", parent=base, fontSize=10.5, leading=15)
    sub = ParagraphStyle("sub", parent=base, fontSize=9, leading=13, leftIndent=10)
    flag_colours = {"higher": "#fee2e2", "lower": "#dbeafe", "same": "#fef9c3"}
    buffer = io.BytesIO()
    meta = result.get("meta", {})
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=gettext("%(title)s report") % {"title": meta.get("title", "")},
    )

    def esc(text: Any) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    view = presentation.page(result, language)
    story: list[Any] = [
        Paragraph(esc(meta.get("title", "")), h1),
        Paragraph(esc(_mark(result)), mark),
        Spacer(1, 4),
        Paragraph(esc(gettext("Key findings")), h2),
    ]
    for f in view["findings"]:
        text = esc(f["text"])
        if f.get("flag_label"):
            colour = flag_colours.get(f["flag"] or "", "#eeeeee")
            flag = pgettext("flag in brackets", "[%(flag)s]") % {"flag": f["flag_label"]}
            text = f'<font backColor="{colour}">{esc(flag)}</font> ' + text
        story.append(Paragraph(text, finding if f["kind"] == "headline" else sub))
        story.append(Spacer(1, 2))
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            esc(
                gettext(
                    "Flags compare the city with the nation on the interval of the difference "
                    "(95%)."
                )
            ),
            small,
        )
    )
    story.append(PageBreak())
    story.append(Paragraph(esc(pgettext("PDF heading", "About this report")), h2))
    for label, text in summary_lines(result):
        story.append(Paragraph(f"<b>{esc(label)}</b>：{esc(text)}", base))

    def chart_image(series: dict[str, Any]) -> Any:
        png = charts.png_bars(series, language)
        bars = len(series["bars"])
        height_in = 0.8 + 0.28 * bars
        width = 132 * mm
        return Image(io.BytesIO(png), width=width, height=width * height_in / 5.2)

    for section in view["sections"]:
        story.append(PageBreak())
        number = f"{section['question_number']} " if section["question_number"] else ""
        multiple = gettext(" (multiple answers)") if section["multiple"] else ""
        story.append(Paragraph(esc(f"{number}{section['title']}{multiple}"), h2))
        if section["question"]:
            story.append(Paragraph(esc(section["question"]), base))
            story.append(Spacer(1, 3))
        images = []
        if section["distribution"]:
            images.append(chart_image(section["distribution"]["series"]))
        for part in section["breakdowns"]:
            images.append(chart_image(part["series"]))
        for k in range(0, len(images), 2):
            pair = images[k : k + 2]
            if len(pair) == 1:
                pair.append("")
            grid = Table([pair], colWidths=[136 * mm, 136 * mm])
            grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(grid)
    mode = view["mode"]
    if mode:
        story.append(PageBreak())
        story.append(Paragraph(esc(gettext("Postal and web responses")), h2))
        body = [[esc(pgettext("report column", "Mode")), "n", "%",
                 esc(pgettext("report column", "National %"))]]  # fmt: skip
        body += [[m["label"], m["n"], m["pct"], f"{m['national']} {m['status']}".strip()]
                 for m in mode["split"]]  # fmt: skip
        story.append(_pdf_table(body, [40, 20, 20, 50], font))
        if mode["by_mode"]:
            story.append(Spacer(1, 6))
            story.append(Paragraph(esc(f"{mode['indicator']}「{mode['answer']}」"), base))
            body = [[esc(pgettext("report column", "Mode")), "n",
                     esc(pgettext("report column", "Base")), "%",
                     esc(pgettext("report column", "95% CI"))]]  # fmt: skip
            body += [[m["label"], m["n"], m["base"], m["pct"], m["ci"]] for m in mode["by_mode"]]
            story.append(_pdf_table(body, [40, 20, 20, 20, 40], font))
            if mode["difference"]:
                story.append(Paragraph(esc(mode["difference"]), base))
        story.append(Spacer(1, 4))
        story.append(Paragraph(esc(mode["note"]), small))
    if view["trends"]:
        story.append(PageBreak())
        story.append(Paragraph(esc(pgettext("PDF heading", "Trends")), h2))
        for t in view["trends"]:
            png = charts.png_trend(t["item"], t["title"], language)
            header = [esc(pgettext("report column", "Survey")), "%",
                      esc(pgettext("report column", "95% CI")),
                      esc(pgettext("report column", "Status"))]  # fmt: skip
            table = _pdf_table([header, *t["rows"]], [45, 15, 30, 25], font)
            cells = [Image(io.BytesIO(png), width=132 * mm, height=132 * mm * 2.4 / 5.2) if png
                     else Paragraph(esc(t["title"]), base), table]  # fmt: skip
            grid = Table([cells], colWidths=[136 * mm, 136 * mm])
            grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(
                KeepTogether(
                    [grid, Paragraph(esc(t["change"]), base) if t["change"] else Spacer(1, 2)]
                )
            )
            story.append(Spacer(1, 6))
    header = [
        pgettext("PDF table column", "Breakdown"),
        pgettext("PDF table column", "Group"),
        pgettext("PDF table column", "Answer"),
        pgettext("PDF table column", "n"),
        pgettext("PDF table column", "Base"),
        pgettext("PDF table column", "%"),
        pgettext("PDF table column", "Low"),
        pgettext("PDF table column", "High"),
        pgettext("PDF table column", "National %"),
        pgettext("PDF table column", "National n"),
        pgettext("PDF table column", "Diff (pt)"),
        pgettext("PDF table column", "Diff low"),
        pgettext("PDF table column", "Diff high"),
        pgettext("PDF table column", "p (Holm)"),
        pgettext("PDF table column", "National figure"),
        pgettext("PDF table column", "Suppressed"),
    ]
    first = True
    for indicator, rows in pdf_tables(result).items():
        story.append(PageBreak())
        if first:
            story.append(Paragraph(esc(gettext("Appendix: tables")), h1))
            story.append(
                Paragraph(
                    esc(
                        gettext(
                            "Every answer of all respondents and the key answer of each group; "
                            "every cell is in the XLSX and CSV downloads."
                        )
                    ),
                    base,
                )
            )
            first = False
        title = (
            str(HIKIKOMORI_TITLE)
            if indicator == "hikikomori"
            else label_of(result, indicator, language)
        )
        story.append(Paragraph(esc(title), h2))
        body = [[Paragraph(str(c), small) for c in header]]
        for row in rows:
            by = row[0]
            by_label = (
                pgettext("all respondents", "All")
                if by == "total"
                else label_of(result, by, language)
            )
            body.append(
                [
                    Paragraph(esc(by_label), small),
                    Paragraph(esc(value_label(result, by, row[1], language)), small),
                    Paragraph(esc(value_label(result, indicator, row[2], language)), small),
                    *[str(c) for c in row[3:-2]],
                    Paragraph(esc(row[-2]), small),
                    pgettext("cell", "suppressed") if row[-1] else "",
                ]
            )
        widths = [20, 30, 34, 12, 12, 11, 11, 11, 12, 13, 12, 12, 12, 14, 26, 10]
        table = LongTable(body, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 1), (-1, -1), 7),
                    ("ALIGN", (3, 1), (13, -1), "RIGHT"),
                ]
            )
        )
        story.append(table)
    src = sources(result)
    story.append(PageBreak())
    story.append(Paragraph(esc(gettext("National figures: sources and status")), h2))
    story.append(
        Paragraph(
            esc(
                gettext(
                    "VERIFIED-P: checked against a copy of the official document / VERIFIED-S: "
                    "checked against secondary sources such as the press / DERIVED: calculated "
                    "from checked figures. Items without a national figure say “%(none)s”."
                )
                % {"none": NO_NATIONAL}
            ),
            base,
        )
    )
    for row in src:
        story.append(
            Paragraph(
                esc(
                    gettext(
                        "%(indicator)s / %(breakdown)s / %(group)s / %(answer)s (%(wave)s): "
                        "%(pct)s%% n=%(n)s [%(status)s] %(source)s"
                    )
                    % dict(
                        zip(
                            ("breakdown", "group", "answer", "wave", "pct", "n", "status"),
                            row[1:8],
                            strict=True,
                        ),
                        indicator=label_of(result, row[0], language),
                        source=row[8],
                    )
                ),
                small,
            )
        )
    doc.build(story)
    return buffer.getvalue()


def _pdf_table(body: list[list[Any]], widths_mm: list[int], font: str) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    cells = [[Paragraph(str(c), style) for c in row] for row in body]
    table = Table(cells, colWidths=[w * mm for w in widths_mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


RENDERERS = {
    "csv": (render_csv, "text/csv; charset=utf-8"),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (render_pdf, "application/pdf"),
}
