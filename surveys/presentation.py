"""What the report page and the PDF show, in the reader's language: findings, one section per
indicator (question, chart data, key-answer tables), multiple-answer questions, the mode table
and trends. Built from a stored report result only."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext, pgettext

from . import charts
from .findings import findings, flag_label, label_of, value_label

NO_ANSWER = "無回答"


def _fmt(v: Any, digits: int = 1) -> str:
    if v is None or v == "":
        return ""
    return f"{float(v):.{digits}f}"


def indicator_order(result: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for r in result.get("rows", []):
        if r["indicator"] not in seen:
            seen.append(r["indicator"])
    return seen


def breakdowns_of(result: dict[str, Any], indicator: str) -> list[str]:
    seen: list[str] = []
    for r in result.get("rows", []):
        if r["indicator"] == indicator and r["breakdown"] != "total" and r["breakdown"] not in seen:
            seen.append(r["breakdown"])
    return seen


def _table(series: dict[str, Any], language: str) -> dict[str, Any]:
    w = charts.words(language)
    rows = []
    for b in series["bars"]:
        rows.append(
            {
                "label": b["label"],
                "n": "" if b["suppressed"] else (b["n"] if b["n"] is not None else ""),
                "base": b["base"] if b["base"] is not None else "",
                "pct": w["suppressed"] if b["suppressed"] else _fmt(b["pct"]),
                "ci": "" if b["suppressed"] else f"{_fmt(b['low'])}〜{_fmt(b['high'])}",
                "national": (f"{b['national']:g}" if b["national"] is not None else w["no_nat"]),
                "flag": b["flag"] or "",
                "flag_label": b["flag_label"],
                "suppressed": b["suppressed"],
            }
        )
    return {"header": series["group_header"], "rows": rows}


def sections(result: dict[str, Any], language: str = "ja") -> list[dict[str, Any]]:
    """One section per indicator: its question, the distribution, and the key answer by every
    breakdown — each as chart data plus the same numbers as a table."""
    labels = result.get("labels") or {}
    key_answers = (result.get("findings_spec") or {}).get("key_answers", {})
    out = []
    for indicator in indicator_order(result):
        info = labels.get(indicator, {})
        dist = charts.distribution_series(result, indicator, language)
        parts = []
        answer = key_answers.get(indicator)
        if answer:
            for b in breakdowns_of(result, indicator):
                series = charts.breakdown_series(result, indicator, b, answer, language)
                if series:
                    parts.append({"series": series, "table": _table(series, language)})
        out.append(
            {
                "indicator": indicator,
                "title": _title(result, indicator, language),
                "question": info.get("question", ""),
                "question_number": info.get("question_number", ""),
                "multiple": bool(info.get("multiple")),
                "answer": value_label(result, indicator, answer, language) if answer else "",
                "distribution": {"series": dist, "table": _table(dist, language)} if dist else None,
                "breakdowns": parts,
                "full": full_table(result, indicator, language),
            }
        )
    return out


def _title(result: dict[str, Any], indicator: str, language: str) -> str:
    if indicator == "hikikomori" and not (result.get("labels") or {}).get(indicator):
        with translation.override(language):
            return gettext("Hikikomori prevalence")
    return label_of(result, indicator, language)


def full_table(result: dict[str, Any], indicator: str, language: str = "ja") -> list[list[Any]]:
    """Every cell of one indicator, with labels (the page's collapsed table)."""
    with translation.override(language):
        return _full_table(result, indicator, language)


def _full_table(result: dict[str, Any], indicator: str, language: str) -> list[list[Any]]:
    w = charts.words(language)
    rows = []
    for r in result.get("rows", []):
        if r["indicator"] != indicator:
            continue
        breakdown = r["breakdown"]
        by = (
            pgettext("all respondents", "All")
            if breakdown == "total"
            else {"age_band": pgettext("breakdown", "Age band")}.get(
                breakdown, label_of(result, breakdown, language)
            )
        )
        hidden = bool(r.get("suppressed"))
        rows.append(
            [
                by,
                value_label(result, breakdown, r["group"] or "", language),
                value_label(result, indicator, r["answer"] or "", language),
                "" if hidden or r["city_n"] is None else r["city_n"],
                "" if r["city_base"] is None else r["city_base"],
                w["suppressed"] if hidden else _fmt(r["city_pct"]),
                "" if hidden or r["city_ci_low"] is None
                else f"{_fmt(r['city_ci_low'])}〜{_fmt(r['city_ci_high'])}",
                "" if r.get("national_pct") is None else f"{float(r['national_pct']):g}",
                flag_label(charts.row_flag(r), language) if not hidden else "",
                "" if hidden or r.get("diff_ci_low") is None
                else f"{_fmt(r['diff_ci_low'])}〜{_fmt(r['diff_ci_high'])}",
                "" if hidden or r.get("p_adjusted") is None else _fmt(r["p_adjusted"], 4),
                "" if hidden or r.get("weighted_pct") is None
                else f"{_fmt(r['weighted_pct'])}（{_fmt(r.get('weighted_ci_low'))}〜"
                f"{_fmt(r.get('weighted_ci_high'))}）",
                "" if hidden or r.get("deff") is None else _fmt(r["deff"], 2),
            ]
        )  # fmt: skip
    return rows


def mode_view(result: dict[str, Any], language: str = "ja") -> dict[str, Any] | None:
    mode = result.get("mode_table")
    if not mode:
        return None
    variable = mode.get("variable") or "mode"
    national = {n["group"]: n for n in mode.get("national", [])}
    # the national report says オンライン where the city's form says WEB
    alias = {"WEB": "オンライン"}
    split = []
    for s in mode["split"]:
        nat = national.get(s["group"]) or national.get(alias.get(s["group"], ""))
        split.append(
            {
                "label": value_label(result, variable, s["group"], language),
                "n": s["n"],
                "pct": _fmt(s["pct"]),
                "national": f"{nat['pct']:g}" if nat else "",
                "status": nat["status"] if nat else "",
            }
        )
    by_mode = [
        {
            "label": value_label(result, variable, m["group"], language),
            "n": m["n"],
            "base": m["base"],
            "pct": _fmt(m["pct"]),
            "ci": f"{_fmt(m['ci_low'])}〜{_fmt(m['ci_high'])}",
        }
        for m in mode.get("by_mode", [])
    ]
    diff = mode.get("difference")
    with translation.override(language):
        note = gettext(
            "Postal and web respondents differ in age and other traits, so a difference between "
            "modes mixes who answered with how they answered (a mode effect); it is not a "
            "measure of the mode effect alone."
        )
        diff_text = ""
        if diff:
            figures = {
                "a": value_label(result, variable, diff["a"], language),
                "b": value_label(result, variable, diff["b"], language),
                "diff": _fmt(diff["diff"]),
                "interval": f"{_fmt(diff['low'])}〜{_fmt(diff['high'])}",
            }
            if diff["flag"] == "same":
                diff_text = (
                    pgettext(
                        "mode difference, not significant",
                        "%(a)s − %(b)s: %(diff)s points (95%% CI %(interval)s).",
                    )
                    % figures
                )
            else:
                diff_text = (
                    pgettext(
                        "mode difference, significant",
                        "%(a)s − %(b)s: %(diff)s points (95%% CI %(interval)s).",
                    )
                    % figures
                )
    answer = mode.get("answer") or ""
    return {
        "split": split,
        "by_mode": by_mode,
        "answer": value_label(result, mode.get("indicator") or "", answer, language),
        "indicator": label_of(result, mode.get("indicator") or "", language),
        "difference": diff_text,
        "note": note,
    }


def trend_view(result: dict[str, Any], language: str = "ja") -> list[dict[str, Any]]:
    with translation.override(language):
        return _trend_view(result, language)


def _trend_view(result: dict[str, Any], language: str) -> list[dict[str, Any]]:
    trend = result.get("trend") or {}
    out = []
    w = charts.words(language)
    for item in trend.get("series", []):
        title = gettext("%(indicator)s: “%(answer)s” over time") % {
            "indicator": label_of(result, item["indicator"], language),
            "answer": value_label(result, item["indicator"], item["answer"], language),
        }
        rows = []
        for wv in item["national"]:
            rows.append([f"{w['nation']} {wv['wave']}", f"{wv['pct']:g}", "", wv["status"]])
        prev = item.get("previous")
        if prev:
            rows.append(
                [
                    f"{w['city']} {prev.get('period') or prev['title']}",
                    w["suppressed"] if prev.get("suppressed") else _fmt(prev["pct"]),
                    ""
                    if prev.get("suppressed")
                    else f"{_fmt(prev['ci_low'])}〜{_fmt(prev['ci_high'])}",
                    "",
                ]
            )
        cur = item["current"]
        rows.append(
            [
                f"{w['city']} {item.get('current_period') or ''}".strip(),
                w["suppressed"] if cur.get("suppressed") else _fmt(cur["pct"]),
                "" if cur.get("suppressed") else f"{_fmt(cur['ci_low'])}〜{_fmt(cur['ci_high'])}",
                "",
            ]
        )
        change = item.get("change")
        change_text = ""
        if change:
            figures = {
                "diff": _fmt(change["diff"]),
                "interval": f"{_fmt(change['low'])}〜{_fmt(change['high'])}",
            }
            if change["flag"] == "same":
                change_text = (
                    pgettext(
                        "trend change, not significant",
                        "Change since the earlier fielding: %(diff)s points "
                        "(95%% CI %(interval)s), not significant.",
                    )
                    % figures
                )
            elif change["flag"] == "higher":
                change_text = (
                    pgettext(
                        "trend change, increase",
                        "Change since the earlier fielding: %(diff)s points "
                        "(95%% CI %(interval)s).",
                    )
                    % figures
                )
            else:
                change_text = (
                    pgettext(
                        "trend change, decrease",
                        "Change since the earlier fielding: %(diff)s points "
                        "(95%% CI %(interval)s).",
                    )
                    % figures
                )
        out.append(
            {
                "item": item,
                "title": title,
                "rows": rows,
                "change": change_text,
                "svg": charts.svg_trend(item, title, language),
            }
        )
    return out


def page(result: dict[str, Any], language: str = "ja") -> dict[str, Any]:
    return {
        "findings": findings(result, language=language),
        "sections": sections(result, language),
        "mode": mode_view(result, language),
        "trends": trend_view(result, language),
    }
