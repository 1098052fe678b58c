"""CSV, XLSX and PDF renderings of a stored report. All three are built from `tidy_rows`, so a
suppressed cell is blank in every format."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kitakyushu_pf.exports import csv_bytes, xlsx_bytes

from .aggregation import TIDY_COLUMNS

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


def render_csv(result: dict[str, Any]) -> bytes:
    return csv_bytes(TIDY_COLUMNS, tidy_rows(result))


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
            text = (
                f"{std['rate_pct']:.1f}%（95%信頼区間 {std['ci_low']:.1f}〜{std['ci_high']:.1f}%、"
                f"粗率 {std['crude_pct']:.1f}%）"
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


def render_xlsx(result: dict[str, Any]) -> bytes:
    rows = tidy_rows(result)
    header = [*TIDY_COLUMNS, "national_status"]
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("概要", ["項目", "内容"], [list(x) for x in summary_lines(result)])
    ]
    indicators: list[str] = []
    for r in rows:
        if r[0] not in indicators:
            indicators.append(r[0])
    for ind in indicators:
        sheet_rows = [
            [*row, _national_label(src)]
            for row, src in zip(rows, result["rows"], strict=True)
            if row[0] == ind
        ]
        sheets.append((ind, header, sheet_rows))
    sheets.append(
        (
            "出典",
            [
                "indicator",
                "breakdown",
                "group",
                "answer",
                "wave",
                "pct",
                "base_n",
                "status",
                "source",
            ],
            sources(result),
        )
    )
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


def pdf_tables(result: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The table data the PDF prints, per indicator (also used to check it against the CSV)."""
    tables: dict[str, list[list[Any]]] = {}
    col = {name: i for i, name in enumerate(TIDY_COLUMNS)}
    for row, src in zip(tidy_rows(result), result.get("rows", []), strict=True):
        tables.setdefault(row[0], []).append(
            [
                row[1],
                row[2],
                row[3],
                *row[col["city_n"] : col["diff_pt"] + 1],
                row[col["p_value"]],
                _national_label(src),
                row[col["suppressed"]],
            ]
        )
    return tables


def _chart(result: dict[str, Any], indicator: str) -> bytes | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (registers the Japanese font)

    rows = [
        r
        for r in result["rows"]
        if r["indicator"] == indicator and r["breakdown"] == "total" and r["city_pct"] is not None
    ]
    if not rows:
        return None
    labels = [r["answer"] for r in rows]
    city = [r["city_pct"] for r in rows]
    err = [
        [r["city_pct"] - r["city_ci_low"] for r in rows],
        [r["city_ci_high"] - r["city_pct"] for r in rows],
    ]
    nat = [r["national_pct"] if r["national_pct"] is not None else 0 for r in rows]
    fig, ax = plt.subplots(figsize=(7, 2.8), dpi=110)
    y = range(len(rows))
    ax.barh([i - 0.2 for i in y], city, height=0.4, xerr=err, label="市", color="#2b6cb0")
    ax.barh([i + 0.2 for i in y], nat, height=0.4, label="全国", color="#a0aec0")
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel("%")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(INDICATOR_TITLES.get(indicator, indicator), fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def render_pdf(result: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    font = _register_font()
    base = ParagraphStyle("jp", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=base, fontSize=15, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=base, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4)
    mark = ParagraphStyle("mark", parent=base, fontSize=10, textColor=colors.HexColor("#b91c1c"))
    small = ParagraphStyle("small", parent=base, fontSize=7, leading=9)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="調査報告",
    )
    meta = result.get("meta", {})
    story: list[Any] = [
        Paragraph(f"{meta.get('title', '')}：全国との比較", h1),
        Paragraph(_mark(result), mark),
        Spacer(1, 4),
    ]
    for label, text in summary_lines(result):
        story.append(Paragraph(f"<b>{label}</b>：{text}", base))
    header = ["区分", "グループ", "回答", "人数", "分母", "%", "下限", "上限",
              "全国%", "全国n", "差(pt)", "p値", "全国値の状態", "秘匿"]  # fmt: skip
    for indicator, rows in pdf_tables(result).items():
        story.append(PageBreak())
        story.append(Paragraph(INDICATOR_TITLES.get(indicator, indicator), h2))
        chart = _chart(result, indicator)
        if chart:
            story.append(Image(io.BytesIO(chart), width=170 * mm, height=68 * mm))
        body = [[Paragraph(str(c), small) for c in header]]
        for row in rows:
            cells = [*row[:-1], "秘匿" if row[-1] else ""]
            body.append([Paragraph(str(c), small) for c in cells])
        widths = [22, 34, 38, 14, 14, 12, 12, 12, 13, 14, 14, 14, 30, 10]
        table = LongTable(body, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    src = sources(result)
    story.append(PageBreak())
    story.append(Paragraph("全国値の出典と確認状況", h2))
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
                f"{row[0]} / {row[1]} / {row[2]} / {row[3]}（{row[4]}）: {row[5]}% "
                f"n={row[6]} [{row[7]}] {row[8]}",
                small,
            )
        )
    doc.build(story)
    return buffer.getvalue()


RENDERERS = {
    "csv": (render_csv, "text/csv; charset=utf-8"),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (render_pdf, "application/pdf"),
}
