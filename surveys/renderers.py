"""CSV, XLSX and PDF renderings of a stored report. All three are built from `tidy_rows`, so a
suppressed cell is blank in every format."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kitakyushu_pf.exports import csv_bytes, xlsx_bytes

from .aggregation import TIDY_COLUMNS
from .findings import label_of

INDICATOR_TITLES = {
    "lonely_direct": "孤独感（直接質問）",
    "ucla_band": "孤独感（UCLA尺度）",
    "contact_freq": "同居していない家族や友人と直接会う頻度",
    "participation": "社会活動への参加",
    "has_confidant": "相談相手の有無",
    "hikikomori": "ひきこもり出現率",
}
NO_NATIONAL = "全国値なし"
INTERNAL_MARK = "内部資料（秘匿処理なし・外部公表不可）"
PUBLISH_MARK = "公表用（少数セル秘匿処理済み）"
SYNTHETIC_MARK = "合成データ（デモ用）"


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
        return NO_NATIONAL
    wave = f"{r.get('national_wave')} " if r.get("national_wave") else ""
    return f"{wave}{r.get('national_status') or ''}"


def _mark(result: dict[str, Any]) -> str:
    meta = result.get("meta", {})
    mark = PUBLISH_MARK if meta.get("mode") == "publish" else INTERNAL_MARK
    if meta.get("synthetic"):
        mark = f"{SYNTHETIC_MARK}／{mark}"
    return mark


def filename(result: dict[str, Any], ext: str) -> str:
    meta = result.get("meta", {})
    return f"survey-report-{meta.get('dataset_id', 'x')[:8]}-{meta.get('mode', 'internal')}.{ext}"


LABEL_COLUMNS = ["indicator_label", "breakdown_label", "question_number"]


def _label_cells(result: dict[str, Any], row: list[Any], language: str) -> list[Any]:
    indicator, breakdown = row[0], row[1]
    info = (result.get("labels") or {}).get(indicator) or {}
    by = (
        ("All" if language == "en" else "全体")
        if breakdown == "total"
        else label_of(result, breakdown, language)
    )
    return [
        label_of(result, indicator, language)
        if indicator != "hikikomori"
        else INDICATOR_TITLES["hikikomori"],
        by,
        info.get("question_number", ""),
    ]


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
            "年齢調整", "total", "", std.get("label", ""), nat.get("wave", ""),
            nat["pct"], "", nat["status"], nat["source"],
        ]  # fmt: skip
    return list(seen.values())


def summary_lines(result: dict[str, Any]) -> list[tuple[str, str]]:
    meta = result.get("meta", {})
    lines = [
        ("区分", _mark(result)),
        ("データセット", meta.get("title", "")),
        ("調査票", meta.get("instrument", "")),
        ("比較する全国調査の回", meta.get("national_wave", "")),
        ("回答者数", f"{meta.get('n_respondents', 0):,}"),
        ("回収率と非回答", (result.get("response") or {}).get("text", "")),
        ("百分率の分母", "各グループの全回答者（無回答を含む）"),
        ("信頼区間", "Wilson 法による95%信頼区間"),
        (
            "検定",
            "全国の標本数が分かる場合のみ、2標本の比率の差の z 検定（p 値）と Newcombe の"
            "ハイブリッド・スコア法による差の95%信頼区間。無回答の行は検定しません。"
            "p_adjusted は表（指標×内訳）ごとの Holm 法による調整済み p 値。"
            "分布全体はカイ二乗検定（全国の全選択肢と標本数が分かる場合）。",
        ),
    ]
    if meta.get("mode") == "publish":
        lines.append(
            ("秘匿", f"{meta.get('threshold')}人未満のセルと、そこから逆算できるセルを秘匿")
        )
    std = result.get("standardised")
    if std:
        if std.get("suppressed"):
            text = "公表モードでは、秘匿したセルを逆算できるため表示しません。"
        else:
            crude = (
                f"粗率 {std['crude_pct']:.1f}%"
                if "crude_pct" in std
                else "粗率は秘匿したセルを逆算できるため表示しません"
            )
            text = (
                f"{std['rate_pct']:.1f}%（95%信頼区間 {std['ci_low']:.1f}〜{std['ci_high']:.1f}%、"
                f"{crude}）"
            )
            if std.get("national"):
                text += (
                    f"／全国 {std['national']['pct']}%（{std['national']['wave']}、"
                    f"{std['national']['status']}）"
                )
            else:
                text += f"／{NO_NATIONAL}"
        lines.append((std["label"], text))
        lines.append(("年齢調整の方法", std["weights_note"]))
    weighting = result.get("weighting")
    if weighting:
        lines.append(("重み付け", weighting.get("note", "")))
    hik = result.get("hikikomori")
    if hik:
        lines.append(("ひきこもりの定義", hik.get("note") or hik.get("rule", "")))
        threshold = hik.get("threshold")
        hidden = f"{threshold}人未満" if threshold else "—"

        def count(v: Any) -> str:
            return hidden if v is None else f"{v}人"

        for group in dict.fromkeys(s["group"] for s in hik.get("steps", [])):
            steps = [s for s in hik["steps"] if s["group"] == group]
            desc = "、".join(
                f"{s['step']} {count(s['strict'])}（包含 {count(s['inclusive'])}）" for s in steps
            )
            label = group or "全体"
            lines.append((f"除外の人数（{label}、{steps[0]['rule']}、厳格／包含）", desc))
        for e in hik.get("missing_effect", []):
            lines.append(
                (
                    f"無回答の扱いの影響（{e['group'] or '全体'}）",
                    f"厳格 {count(e['strict'])}・包含 {count(e['inclusive'])}"
                    f"（包含で {count(e['moved'])} 増える）",
                )
            )
    return lines


COLUMN_LABELS = {
    "ja": {
        "city_n": "人数", "city_base": "分母", "city_pct": "割合(%)",
        "city_ci_low": "95%信頼区間 下限", "city_ci_high": "95%信頼区間 上限",
        "national_pct": "全国(%)", "national_n": "全国の標本数", "diff_pt": "差(ポイント)",
        "diff_ci_low": "差の95%信頼区間 下限", "diff_ci_high": "差の95%信頼区間 上限",
        "p_value": "p値", "p_adjusted": "調整済みp値（Holm）", "weighted_pct": "重み付け割合(%)",
        "weighted_ci_low": "重み付け 下限", "weighted_ci_high": "重み付け 上限",
        "deff": "デザイン効果", "suppressed": "秘匿",
    },
    "en": {
        "city_n": "n", "city_base": "Base", "city_pct": "%", "city_ci_low": "95% CI low",
        "city_ci_high": "95% CI high", "national_pct": "National %", "national_n": "National n",
        "diff_pt": "Difference (points)", "diff_ci_low": "Difference CI low",
        "diff_ci_high": "Difference CI high", "p_value": "p", "p_adjusted": "p (Holm)",
        "weighted_pct": "Weighted %", "weighted_ci_low": "Weighted CI low",
        "weighted_ci_high": "Weighted CI high", "deff": "Design effect",
        "suppressed": "Suppressed",
    },
}  # fmt: skip
XLSX_HEADER = {
    "ja": ["指標", "区分", "グループ", "回答",
           *[COLUMN_LABELS["ja"].get(c, c) for c in TIDY_COLUMNS[4:]],
           "全国値の状態", "全国との比較", "変数名", "区分の変数名", "問番号"],
    "en": ["Indicator", "Breakdown", "Group", "Answer",
           *[COLUMN_LABELS["en"].get(c, c) for c in TIDY_COLUMNS[4:]],
           "National figure", "Compared with the nation", "Variable", "Breakdown variable",
           "Question"],
}  # fmt: skip
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
    from .findings import findings, flag_label, row_flag, value_label

    rows = tidy_rows(result)
    en = language == "en"
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("Summary" if en else "概要", ["Item", "Text"] if en else ["項目", "内容"],
         [list(x) for x in summary_lines(result)]),
        ("Key findings" if en else "主な結果",
         ["Finding", "Compared with the nation"] if en else ["結果", "全国との比較"],
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
        title = labels_title = label_of(result, ind, language)
        if ind == "hikikomori":
            title = labels_title = INDICATOR_TITLES["hikikomori"]
        sheets.append((_sheet_name(labels_title, used), XLSX_HEADER[language if en else "ja"],
                       sheet_rows))  # fmt: skip
        del title
    sheets.append(
        (
            "Sources" if en else "出典",
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

    en = language == "en"
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
        title=f"{meta.get('title', '')} 調査報告" if not en else f"{meta.get('title', '')} report",
    )

    def esc(text: Any) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    view = presentation.page(result, language)
    story: list[Any] = [
        Paragraph(esc(meta.get("title", "")), h1),
        Paragraph(esc(_mark(result)), mark),
        Spacer(1, 4),
        Paragraph("Key findings" if en else "主な結果", h2),
    ]
    for f in view["findings"]:
        text = esc(f["text"])
        if f.get("flag_label"):
            colour = flag_colours.get(f["flag"] or "", "#eeeeee")
            text = f'<font backColor="{colour}">［{esc(f["flag_label"])}］</font> ' + text
        story.append(Paragraph(text, finding if f["kind"] == "headline" else sub))
        story.append(Spacer(1, 2))
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            "Flags compare the city with the nation on the 95% interval of the difference."
            if en
            else "「全国より高い／差はみられない／全国より低い」は、全国との差の95%信頼区間が"
            "0を含むかどうかで判定しています。",
            small,
        )
    )
    story.append(PageBreak())
    story.append(Paragraph("About this report" if en else "調査の概要と集計の方法", h2))
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
        multiple = (
            (" （複数回答）" if not en else " (multiple answers)") if section["multiple"] else ""
        )
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
        story.append(
            Paragraph("Postal and web responses" if en else "回答方法（郵送・WEB）別の状況", h2)
        )
        body = [["回答方法" if not en else "Mode", "n", "%", "全国(%)" if not en else "National %"]]
        body += [[m["label"], m["n"], m["pct"], f"{m['national']} {m['status']}".strip()]
                 for m in mode["split"]]  # fmt: skip
        story.append(_pdf_table(body, [40, 20, 20, 50], font))
        if mode["by_mode"]:
            story.append(Spacer(1, 6))
            story.append(Paragraph(esc(f"{mode['indicator']}「{mode['answer']}」"), base))
            body = [["回答方法" if not en else "Mode", "n", "分母" if not en else "Base", "%",
                     "95%信頼区間" if not en else "95% CI"]]  # fmt: skip
            body += [[m["label"], m["n"], m["base"], m["pct"], m["ci"]] for m in mode["by_mode"]]
            story.append(_pdf_table(body, [40, 20, 20, 20, 40], font))
            if mode["difference"]:
                story.append(Paragraph(esc(mode["difference"]), base))
        story.append(Spacer(1, 4))
        story.append(Paragraph(esc(mode["note"]), small))
    if view["trends"]:
        story.append(PageBreak())
        story.append(Paragraph("Trends" if en else "経年比較（前回調査・全国調査の各回）", h2))
        for t in view["trends"]:
            png = charts.png_trend(t["item"], t["title"], language)
            header = ["調査" if not en else "Survey", "%", "95%信頼区間" if not en else "95% CI",
                      "状態" if not en else "Status"]  # fmt: skip
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
    header = ["区分", "グループ", "回答", "人数", "分母", "%", "下限", "上限",
              "全国%", "全国n", "差(pt)", "差 下限", "差 上限", "調整p値", "全国値の状態",
              "秘匿"]  # fmt: skip
    if en:
        header = ["Breakdown", "Group", "Answer", "n", "Base", "%", "Low", "High", "National %",
                  "National n", "Diff (pt)", "Diff low", "Diff high", "p (Holm)",
                  "National figure", "Suppressed"]  # fmt: skip
    first = True
    for indicator, rows in pdf_tables(result).items():
        story.append(PageBreak())
        if first:
            story.append(Paragraph("Appendix: tables" if en else "付録：集計表", h1))
            story.append(
                Paragraph(
                    "Every answer of all respondents and the key answer of each group; every "
                    "cell is in the XLSX and CSV downloads."
                    if en
                    else "全体のすべての回答と、グループ別の主な回答の割合です。"
                    "すべてのセルは XLSX・CSV に収録しています。",
                    base,
                )
            )
            first = False
        title = (
            INDICATOR_TITLES["hikikomori"]
            if indicator == "hikikomori"
            else label_of(result, indicator, language)
        )
        story.append(Paragraph(esc(title), h2))
        body = [[Paragraph(str(c), small) for c in header]]
        for row in rows:
            by = row[0]
            by_label = (
                ("全体" if not en else "All") if by == "total" else label_of(result, by, language)
            )
            body.append(
                [
                    Paragraph(esc(by_label), small),
                    Paragraph(esc(value_label(result, by, row[1], language)), small),
                    Paragraph(esc(value_label(result, indicator, row[2], language)), small),
                    *[str(c) for c in row[3:-2]],
                    Paragraph(esc(row[-2]), small),
                    ("秘匿" if not en else "suppressed") if row[-1] else "",
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
    story.append(
        Paragraph("National figures: sources and status" if en else "全国値の出典と確認状況", h2)
    )
    story.append(
        Paragraph(
            "VERIFIED-P: 公的文書の複製で確認／VERIFIED-S: 報道等の二次資料で確認／"
            "DERIVED: 確認済みの数値からの計算。全国値のない項目は「全国値なし」と表示しています。",
            base,
        )
    )
    for row in src:
        story.append(
            Paragraph(
                esc(
                    f"{label_of(result, row[0], language)} / {row[1]} / {row[2]} / {row[3]}"
                    f"（{row[4]}）: {row[5]}% n={row[6]} [{row[7]}] {row[8]}"
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
