"""Templates and codebooks for data-entry contractors."""

from __future__ import annotations

from typing import Any

from kitakyushu_pf.exports import csv_bytes

from ..models import Instrument

# --- Templates for data-entry contractors -----------------------------------------------------


def instrument_codebook(*, instrument: Instrument) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for var in instrument.spec["variables"]:
        codes = var.get("codes", {})
        if var["type"] == "id":
            rule = "必須。重複不可。先頭の 0 はそのまま文字として扱います。"
        elif var["type"] == "integer":
            rule = f"整数 {var.get('min')}〜{var.get('max')}。空欄は無回答。"
        else:
            rule = "空欄は無回答。"
        if codes:
            for code, label in codes.items():
                rows.append([var["name"], var.get("question", ""), var["type"], code, label, rule])
        else:
            rows.append([var["name"], var.get("question", ""), var["type"], "", "", rule])
    return rows


CODEBOOK_HEADER = ["変数名", "質問", "型", "コード", "ラベル", "入力規則"]


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
