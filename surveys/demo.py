"""Demo datasets: synthetic, clearly labelled 「合成データ（デモ用）」, built through the real
upload, validation, load and report path. Idempotent (natural key: the title)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import TypedDict

import pandas as pd
from django.contrib.auth import get_user_model

from . import services, synthetic
from .models import Dataset, Instrument, ReportJob


class Demo(TypedDict):
    slug: str
    title: str
    population: str
    sample_size: int
    modes: str
    fielding_start: date
    fielding_end: date
    frame: Callable[[], pd.DataFrame]
    previous: str


EARLIER_TITLE = "北九州市 孤独・孤立に関する市民意識調査 前回（合成データ・デモ用、経年比較の例）"
DEMOS: tuple[Demo, ...] = (
    {
        "slug": "tsunagari-r3",
        "title": EARLIER_TITLE,
        "population": "北九州市在住の16歳以上の市民（住民基本台帳から無作為抽出）",
        "sample_size": 6000,
        "modes": "郵送・WEB",
        "fielding_start": date(2021, 12, 1),
        "fielding_end": date(2022, 1, 20),
        "frame": lambda: synthetic.tsunagari(1800, seed=20201201, lonely_share=0.037),
        "previous": "",
    },
    {
        "slug": "tsunagari-r3",
        "title": "北九州市 孤独・孤立に関する市民意識調査（合成データ・デモ用）",
        "population": "北九州市在住の16歳以上の市民（住民基本台帳から無作為抽出）",
        "sample_size": 7000,
        "modes": "郵送 1,691件／WEB 488件",
        "fielding_start": date(2022, 12, 1),
        "fielding_end": date(2023, 1, 20),
        "frame": lambda: synthetic.tsunagari(2179),
        "previous": EARLIER_TITLE,
    },
    {
        "slug": "seikatsu-h30",
        "title": "北九州市 生活状況に関する実態調査（合成データ・デモ用）",
        "population": "北九州市在住の15〜64歳の市民（住民基本台帳から無作為抽出）",
        "sample_size": 5000,
        "modes": "郵送",
        "fielding_start": date(2022, 2, 1),
        "fielding_end": date(2022, 2, 28),
        "frame": lambda: synthetic.seikatsu(1951),
        "previous": "",
    },
)


def seed_demo() -> str:
    services.instrument_load_all()
    services.national_figures_load_shipped()
    get_user_model().objects.filter(username="analyst").update(is_staff=True)
    built = []
    for demo in DEMOS:
        instrument = Instrument.objects.get(slug=demo["slug"])
        dataset = Dataset.objects.filter(title=demo["title"], is_synthetic=True).first()
        if dataset is None:
            dataset = services.dataset_create(
                instrument=instrument,
                title=demo["title"],
                population=demo["population"],
                sample_size=demo["sample_size"],
                modes=demo["modes"],
                fielding_start=demo["fielding_start"],
                fielding_end=demo["fielding_end"],
                retain_until=date(2099, 12, 31),
                is_synthetic=True,
                previous=Dataset.objects.filter(title=demo["previous"], is_synthetic=True).first()
                if demo["previous"]
                else None,
            )
        if dataset.status != Dataset.Status.LOADED:
            buffer = io.StringIO()
            demo["frame"]().to_csv(buffer, index=False)
            dataset_file = services.datasetfile_store(
                dataset=dataset,
                name=f"{demo['slug']}-synthetic.csv",
                chunks=[buffer.getvalue().encode("utf-8")],
                dispatch=False,
            )
            services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
        modes = ReportJob.Mode.values if demo["title"] != EARLIER_TITLE else ["internal"]
        for mode in modes:
            job = ReportJob.objects.select_related("job").filter(dataset=dataset, mode=mode).first()
            if job is None or not job.is_ready:
                job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
                services.report_job_run(job=job)
        built.append(dataset.title)
    return f"{len(built)} synthetic survey datasets with reports"
