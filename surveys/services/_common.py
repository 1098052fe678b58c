"""The private storage layout and the limits shared by the survey services."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from ..models import Dataset

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent.parent
INSTRUMENT_DIR = APP_DIR / "instruments"
NATIONAL_CSV = APP_DIR / "data" / "national_reference.csv"
NATIONAL_COLUMNS = [
    "survey", "wave", "indicator", "breakdown", "group", "answer",
    "pct", "base_n", "status", "source",
]  # fmt: skip
MAX_PROBLEMS_STORED = 1000
MAX_ATTEMPTS = 3


def private_root() -> Path:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "surveys"
    root.mkdir(parents=True, exist_ok=True)
    return root


def dataset_dir(dataset: Dataset) -> Path:
    path = private_root() / str(dataset.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path
