"""Templates and codebooks for data-entry contractors."""

from __future__ import annotations

from typing import Any

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
            rule = "必須。重複不可。先頭の 0 はそのまま文字として扱います。"
        elif var["type"] == "integer":
            rule = f"整数 {var.get('min')}〜{var.get('max')}。空欄は無回答。"
        elif group:
            rule = (
                f"複数回答「{group.get('question', '')}」の選択肢。1 = 選択、0 または空欄 = 選択なし"  # noqa: E501
                "（どれも選ばれていない人は無回答）。"
            )
        else:
            rule = "空欄は無回答。"
        if var.get("column_optional"):
            rule += "列は省略できます（省略時は全員が無回答）。"
        if var.get("asked_if"):
            cond = var["asked_if"]
            rule += f"{cond['variable']} が {'・'.join(map(str, cond['codes']))} の人にたずねます。"
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


CODEBOOK_HEADER = [
    "変数名", "質問", "型", "コード", "ラベル", "入力規則",
    "問番号", "質問文（調査票の文言）", "文言の確認状況", "複数回答の設問",
]  # fmt: skip


def instrument_template_csv(*, instrument: Instrument) -> bytes:
    return csv_bytes([v["name"] for v in instrument.spec["variables"]], [])


def instrument_template_xlsx(*, instrument: Instrument) -> bytes:
    from kitakyushu_pf.exports import xlsx_bytes

    return xlsx_bytes(
        [
            ("data", [v["name"] for v in instrument.spec["variables"]], []),
            ("codebook", CODEBOOK_HEADER, instrument_codebook(instrument=instrument)),
        ]
    )
