"""Factories and small builders for survey tests."""

from __future__ import annotations

import io
from typing import Any

import factory
import pandas as pd

from surveys import services, synthetic
from surveys.models import Dataset, Instrument


def instrument(slug: str = "tsunagari-r3") -> Instrument:
    return Instrument.objects.get(slug=slug)


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    instrument = factory.LazyFunction(instrument)
    title = factory.Sequence(lambda n: f"テスト調査 {n}")
    sample_size = 100


HEADER = synthetic.TSUNAGARI_COLUMNS


def csv_text(rows: list[list[Any]], header: list[str] | None = None) -> str:
    lines = [",".join(header or HEADER)]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def good_row(resp_id: str = "0001", **overrides: Any) -> list[Any]:
    values = {
        "resp_id": resp_id, "mode": 1, "sex": 1, "age_group": 3, "household": 1, "marital": 1,
        "employment": 1, "income": 3, "has_confidant": 1, "lonely_direct": 2, "ucla_1": 1,
        "ucla_2": 2, "ucla_3": 1, "contact_freq": 3, "participation": 2,
    }  # fmt: skip
    values.update(overrides)
    return [values[c] for c in HEADER]


def synthetic_csv(n: int = 300, seed: int = 1) -> bytes:
    buffer = io.StringIO()
    synthetic.tsunagari(n, seed=seed).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def load_dataset(content: bytes, *, name: str = "data.csv", **kwargs: Any) -> Dataset:
    dataset = DatasetFactory(**kwargs)
    dataset_file = services.datasetfile_store(
        dataset=dataset, name=name, chunks=[content], dispatch=False
    )
    services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
    dataset.refresh_from_db()
    return dataset


def frame_of(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
