"""Charts of a stored report: city vs nation bars with 95 % interval whiskers, and trend lines.

One data shape (``series``) feeds two drawings: an accessible SVG for the page (role="img",
<title>/<desc>, always shown next to a table with the same numbers) and a matplotlib PNG for
the PDF (drawn with the embedded Japanese font). Suppressed cells are never drawn.
"""

from __future__ import annotations

import io
import math
from html import escape
from typing import Any

from django.utils import translation
from django.utils.translation import pgettext

from .findings import flag_label, label_of, row_flag, value_label

CITY = "#1f5fa8"
NATION = "#111827"
GRID = "#d1d5db"
NO_ANSWER = "無回答"


def _f(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        out = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _bar(result: dict[str, Any], r: dict[str, Any], label: str, language: str) -> dict[str, Any]:
    suppressed = bool(r.get("suppressed")) or _f(r.get("city_pct")) is None
    flag = row_flag(r)
    return {
        "label": label,
        "pct": None if suppressed else _f(r["city_pct"]),
        "low": None if suppressed else _f(r.get("city_ci_low")),
        "high": None if suppressed else _f(r.get("city_ci_high")),
        "n": None if suppressed else r.get("city_n"),
        "base": r.get("city_base"),
        "national": _f(r.get("national_pct")),
        "national_wave": r.get("national_wave") or "",
        "national_status": r.get("national_status") or "",
        "flag": flag,
        "flag_label": flag_label(flag, language),
        "suppressed": suppressed,
    }


def words(language: str) -> dict[str, str]:
    """The charts' own words in ``language``."""
    from .renderers import NO_NATIONAL

    with translation.override(language):
        return {
            "city": pgettext("chart series", "City"),
            "nation": pgettext("chart series", "National"),
            "all": pgettext("chart bar", "All respondents"),
            "suppressed": pgettext("cell", "suppressed"),
            "ci": pgettext("report column", "95% CI"),
            "no_nat": str(NO_NATIONAL),
            "city_short": pgettext("chart series, short", "city"),
            "answer": pgettext("report column", "Answer"),
        }


def breakdown_series(
    result: dict[str, Any], indicator: str, breakdown: str, answer: str, language: str = "ja"
) -> dict[str, Any] | None:
    """The share giving ``answer`` in each group of ``breakdown`` (the whole sample first)."""
    w = words(language)
    rows = result.get("rows", [])
    total = next(
        (r for r in rows if r["indicator"] == indicator and r["breakdown"] == "total"
         and r["answer"] == answer),
        None,
    )  # fmt: skip
    bars = [_bar(result, total, w["all"], language)] if total else []
    for r in rows:
        if (
            r["indicator"] == indicator
            and r["breakdown"] == breakdown
            and r["answer"] == answer
            and (r["group"] or "") not in ("", NO_ANSWER)
        ):
            bars.append(
                _bar(result, r, value_label(result, breakdown, r["group"], language), language)
            )
    if len(bars) < 2:
        return None
    ind, by = label_of(result, indicator, language), label_of(result, breakdown, language)
    ans = value_label(result, indicator, answer, language)
    with translation.override(language):
        title = pgettext("chart title", "%(indicator)s: “%(answer)s” by %(by)s") % {
            "indicator": ind,
            "answer": ans,
            # an English label is capitalised; mid-sentence it is not
            "by": by.lower() if language == "en" else by,
        }
    return {
        "id": f"chart-{indicator}-{breakdown}",
        "indicator": indicator,
        "breakdown": breakdown,
        "title": title,
        "group_header": by,
        "bars": bars,
    }


def distribution_series(
    result: dict[str, Any], indicator: str, language: str = "ja"
) -> dict[str, Any] | None:
    """Every answer of an indicator, whole sample (無回答 included as the national report does)."""
    combined = set((result.get("labels") or {}).get("_combined", {}))
    bars = [
        _bar(result, r, value_label(result, indicator, r["answer"], language), language)
        for r in result.get("rows", [])
        if r["indicator"] == indicator and r["breakdown"] == "total" and r["answer"] not in combined
    ]
    if not bars:
        return None
    ind = label_of(result, indicator, language)
    return {
        "id": f"chart-{indicator}-total",
        "indicator": indicator,
        "breakdown": "total",
        "title": ind,
        "group_header": words(language)["answer"],
        "bars": bars,
    }


def _describe(series: dict[str, Any], language: str) -> str:
    w = words(language)
    parts = []
    for b in series["bars"]:
        if b["suppressed"]:
            parts.append(f"{b['label']}: {w['suppressed']}")
            continue
        text = f"{b['label']}: {b['pct']:.1f}% ({w['ci']} {b['low']:.1f}–{b['high']:.1f}%)"
        if b["national"] is not None:
            text += f", {w['nation']} {b['national']:g}%"
        parts.append(text)
    return "; ".join(parts)


def svg_bars(series: dict[str, Any], language: str = "ja") -> str:
    """Horizontal bars with interval whiskers and the national value as a black tick."""
    w = words(language)
    bars = series["bars"]
    label_w, plot_w, row_h, top = 150, 300, 26, 30
    values = [v for b in bars for v in (b["high"], b["national"], b["pct"]) if v is not None]
    vmax = max(values + [1.0])
    scale_max = min(100.0, math.ceil(vmax * 1.1 / 5) * 5) or 5.0
    height = top + row_h * len(bars) + 28
    width = label_w + plot_w + 70

    def x(v: float) -> float:
        return label_w + plot_w * v / scale_max

    sid = escape(series["id"])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{sid}-t {sid}-d">',
        f'<title id="{sid}-t">{escape(series["title"])}</title>',
        f'<desc id="{sid}-d">{escape(_describe(series, language))}</desc>',
    ]
    # legend
    out.append(f'<rect x="{label_w}" y="6" width="12" height="10" fill="{CITY}"/>')
    out.append(
        f'<text x="{label_w + 16}" y="15" font-size="11">{escape(w["city"])}（{escape(w["ci"])}）</text>'  # noqa: E501
    )
    out.append(f'<rect x="{label_w + 170}" y="4" width="3" height="14" fill="{NATION}"/>')
    out.append(f'<text x="{label_w + 178}" y="15" font-size="11">{escape(w["nation"])}</text>')
    for step in range(0, 6):
        v = scale_max * step / 5
        gx = x(v)
        out.append(
            f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{top + row_h * len(bars)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{gx:.1f}" y="{top + row_h * len(bars) + 14}" font-size="10" '
            f'text-anchor="middle" fill="#4b5563">{v:g}%</text>'
        )
    for i, b in enumerate(bars):
        y = top + i * row_h
        label = b["label"] if len(b["label"]) <= 14 else b["label"][:13] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + 16}" font-size="11" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if b["suppressed"]:
            out.append(
                f'<text x="{label_w + 4}" y="{y + 16}" font-size="11" fill="#6b7280">'
                f"{escape(w['suppressed'])}</text>"
            )
        else:
            out.append(
                f'<rect x="{label_w}" y="{y + 5}" width="{max(x(b["pct"]) - label_w, 0.5):.1f}" '
                f'height="{row_h - 10}" fill="{CITY}" opacity="0.85"/>'
            )
            if b["low"] is not None and b["high"] is not None:
                cy = y + row_h / 2
                out.append(
                    f'<line x1="{x(b["low"]):.1f}" y1="{cy}" x2="{x(b["high"]):.1f}" y2="{cy}" '
                    f'stroke="#111" stroke-width="1.2"/>'
                )
                for end in (b["low"], b["high"]):
                    out.append(
                        f'<line x1="{x(end):.1f}" y1="{cy - 5}" x2="{x(end):.1f}" y2="{cy + 5}" '
                        f'stroke="#111" stroke-width="1.2"/>'
                    )
            out.append(
                f'<text x="{label_w + plot_w + 8}" y="{y + 16}" font-size="11">{b["pct"]:.1f}%</text>'  # noqa: E501
            )
        if b["national"] is not None:
            nx = x(b["national"])
            out.append(
                f'<rect x="{nx - 1.5:.1f}" y="{y + 2}" width="3" height="{row_h - 4}" '
                f'fill="{NATION}"/>'
            )
    out.append("</svg>")
    return "".join(out)


def _figure(width_in: float, height_in: float, dpi: int = 120) -> Any:
    """A bare matplotlib Figure (no pyplot state) with the Japanese font registered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib_fontja  # noqa: F401  (registers the IPAex font)
    from matplotlib.figure import Figure

    matplotlib.rcParams["font.family"] = "IPAexGothic"
    return Figure(figsize=(width_in, height_in), dpi=dpi)


def png_bars(series: dict[str, Any], language: str = "ja", *, width_in: float = 5.2) -> bytes:
    """The same chart for the PDF (matplotlib, the IPAex font)."""
    w = words(language)
    bars = series["bars"]
    height = 0.95 + 0.28 * len(bars)
    fig = _figure(width_in, height)
    labels = [_wrap(b["label"], 13 if language != "en" else 24) for b in bars]
    longest = max(len(line) for label in labels for line in label.split("\n"))
    left = min(0.42, 0.06 + (0.017 if language != "en" else 0.01) * longest)
    fig.subplots_adjust(left=left, right=0.86, top=1 - 0.32 / height, bottom=0.55 / height)
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(len(bars)))
    values = [v for b in bars for v in (b["high"], b["national"], b["pct"]) if v is not None]
    vmax = min(100.0, max(values + [1.0]) * 1.15)
    for y, b in zip(ys, bars, strict=True):
        if b["suppressed"]:
            ax.text(0, y, f" {w['suppressed']}", va="center", fontsize=7, color="#6b7280")
            continue
        ax.barh(y, b["pct"], height=0.6, color=CITY, alpha=0.85)
        if b["low"] is not None:
            ax.errorbar(
                b["pct"], y,
                xerr=[[max(b["pct"] - b["low"], 0.0)], [max(b["high"] - b["pct"], 0.0)]],
                fmt="none", ecolor="#111", elinewidth=0.9, capsize=2.5,
            )  # fmt: skip
        ax.text(1.02, y, f"{b['pct']:.1f}%", va="center", ha="left", fontsize=7,
                transform=ax.get_yaxis_transform())  # fmt: skip
    nat = [(y, b["national"]) for y, b in zip(ys, bars, strict=True) if b["national"] is not None]
    if nat:
        ax.scatter([v for _, v in nat], [y for y, _ in nat], marker="|", s=160, color=NATION,
                   linewidths=2, label=w["nation"], zorder=3)  # fmt: skip
    ax.set_yticks(ys, labels, fontsize=6.5 if len(bars) > 8 else 7)
    ax.invert_yaxis()
    ax.set_xlim(0, vmax)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_title(_wrap(series["title"], 40 if language != "en" else 70), fontsize=8.5, loc="left")
    key = f"■ {w['city']}（— {w['ci']}）" + (f"　｜ {w['nation']}" if nat else "")
    fig.text(left, 0.12 / height, key, fontsize=6.5, color="#374151")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _wrap(text: str, width: int) -> str:
    """Break a long label into lines of at most ``width`` characters (Japanese has no spaces)."""
    if len(text) <= width:
        return text
    if " " in text:
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        return "\n".join(lines[:3])
    return "\n".join(text[i : i + width] for i in range(0, min(len(text), 3 * width), width))


def trend_points(item: dict[str, Any], language: str = "ja") -> list[dict[str, Any]]:
    """National waves and the city's fieldings of one trend series, in time order."""
    points = []
    wave_year = {"R3": 2021, "R4": 2022, "R5": 2023, "R6": 2024, "R7": 2025}
    for wv in item["national"]:
        points.append({"series": "nation", "x": wave_year.get(wv["wave"], 0), "label": wv["wave"],
                       "pct": wv["pct"], "low": None, "high": None, "status": wv["status"]})  # fmt: skip  # noqa: E501
    prev = item.get("previous")
    if prev and not prev.get("suppressed"):
        year = int(prev["period"][:4]) if prev.get("period") else 0
        points.append({"series": "city", "x": year, "label": prev.get("period") or prev["title"],
                       "pct": prev["pct"], "low": prev["ci_low"], "high": prev["ci_high"],
                       "status": ""})  # fmt: skip
    cur = item["current"]
    if cur.get("pct") is not None and not cur.get("suppressed"):
        points.append({"series": "city", "x": item.get("current_year") or 0,
                       "label": item.get("current_period") or "", "pct": cur["pct"],
                       "low": cur["ci_low"], "high": cur["ci_high"], "status": ""})  # fmt: skip
    return sorted(points, key=lambda p: (p["x"], p["series"]))


def svg_trend(item: dict[str, Any], title: str, language: str = "ja") -> str:
    w = words(language)
    points = [p for p in trend_points(item, language) if p["x"]]
    if len(points) < 2:
        return ""
    xs = [p["x"] for p in points]
    x0, x1 = min(xs), max(xs)
    span = max(x1 - x0, 1)
    vmax = max([p["high"] or p["pct"] for p in points] + [1.0]) * 1.2
    left, width, top, height = 40, 380, 24, 150
    sid = escape(f"trend-{item['indicator']}")

    def px(x: float) -> float:
        return left + width * (x - x0) / span

    def py(v: float) -> float:
        return top + height * (1 - v / vmax)

    desc = "; ".join(
        f"{p['label']} {w['city_short'] if p['series'] == 'city' else w['nation']} {p['pct']:.1f}%"
        for p in points
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" role="img" '
        f'viewBox="0 0 {left + width + 60} {top + height + 40}" aria-labelledby="{sid}-t {sid}-d">',
        f'<title id="{sid}-t">{escape(title)}</title><desc id="{sid}-d">{escape(desc)}</desc>',
    ]
    for step in range(5):
        v = vmax * step / 4
        out.append(
            f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + width}" y2="{py(v):.1f}" stroke="{GRID}"/>'  # noqa: E501
        )
        out.append(
            f'<text x="{left - 4}" y="{py(v) + 4:.1f}" font-size="10" text-anchor="end">{v:.0f}%</text>'  # noqa: E501
        )
    for year in range(x0, x1 + 1):
        out.append(
            f'<text x="{px(year):.1f}" y="{top + height + 16}" font-size="10" text-anchor="middle">{year}</text>'  # noqa: E501
        )
    for series, colour in (("nation", NATION), ("city", CITY)):
        pts = [p for p in points if p["series"] == series]
        if len(pts) >= 2:
            path = " ".join(f"{px(p['x']):.1f},{py(p['pct']):.1f}" for p in pts)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for p in pts:
            if p["low"] is not None:
                out.append(
                    f'<line x1="{px(p["x"]):.1f}" y1="{py(p["low"]):.1f}" x2="{px(p["x"]):.1f}" y2="{py(p["high"]):.1f}" stroke="{colour}" stroke-width="1.2"/>'  # noqa: E501
                )
            out.append(
                f'<circle cx="{px(p["x"]):.1f}" cy="{py(p["pct"]):.1f}" r="3.5" fill="{colour}"/>'
            )
    out.append(
        f'<text x="{left + 4}" y="14" font-size="11" fill="{CITY}">● {escape(w["city"])}</text>'
    )
    out.append(
        f'<text x="{left + 110}" y="14" font-size="11" fill="{NATION}">● {escape(w["nation"])}</text>'  # noqa: E501
    )
    out.append("</svg>")
    return "".join(out)


def png_trend(item: dict[str, Any], title: str, language: str = "ja") -> bytes | None:
    w = words(language)
    points = [p for p in trend_points(item, language) if p["x"]]
    if len(points) < 2:
        return None
    fig = _figure(5.2, 2.4)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.14)
    ax = fig.add_subplot(1, 1, 1)
    for series, colour, name in (("nation", NATION, w["nation"]), ("city", CITY, w["city"])):
        pts = [p for p in points if p["series"] == series]
        if not pts:
            continue
        ax.plot(
            [p["x"] for p in pts], [p["pct"] for p in pts], marker="o", color=colour, label=name
        )
        for p in pts:
            if p["low"] is not None:
                ax.vlines(p["x"], p["low"], p["high"], color=colour, linewidth=1)
    ax.set_xticks(sorted({p["x"] for p in points}))
    ax.tick_params(labelsize=7)
    ax.set_ylabel("%", fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=8.5, loc="left")
    ax.legend(fontsize=6.5, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
