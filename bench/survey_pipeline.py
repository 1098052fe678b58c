"""Survey pipeline benchmark: validate + load + report through the portal's real code path,
against a bare pandas read_csv + the same crosstabs on the same file, in the same run.

    .venv/bin/python bench/survey_pipeline.py            # 1,000,000 synthetic respondents
    .venv/bin/python bench/survey_pipeline.py --n 100000
    DATABASE_URL=postgres://... .venv/bin/python bench/survey_pipeline.py

Without DATABASE_URL a fresh SQLite database in a temporary directory is used. Prints both
timings, their ratio (goal: ≤ 1.5×, weighting on) and the peak resident memory of each phase.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


class PeakRSS:
    """Samples the process RSS every 20 ms while a phase runs."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.peak = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with PeakRSS() as rss:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return elapsed, rss.peak, result


# Synthetic population margins (sex, age group) for the weighted run; not real counts.
BENCH_MARGINS = "variable,code,count\n" + "".join(
    f"{v},{c},{n}\n"
    for v, c, n in [
        ("sex", 1, 420000), ("sex", 2, 470000),
        ("age_group", 1, 36000), ("age_group", 2, 95000), ("age_group", 3, 100000),
        ("age_group", 4, 125000), ("age_group", 5, 120000), ("age_group", 6, 130000),
        ("age_group", 7, 150000), ("age_group", 8, 134000),
    ]
)  # fmt: skip


def bare_pandas(path: Path, indicators: list[str], breakdowns: list[str]) -> int:
    """What an analyst would do by hand: read_csv, derive the UCLA band, crosstab everything."""
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path)
    items = df[["ucla_1", "ucla_2", "ucla_3"]]
    score = items.sum(axis=1, min_count=3)
    df["ucla_band"] = pd.cut(score, [2, 3, 6, 9, 12], labels=[1, 2, 3, 4]).astype(float)
    cells = 0
    for ind in indicators:
        col = df[ind].fillna(-1)
        cells += len(col.value_counts())
        for b in breakdowns:
            if b == ind:
                continue
            table = pd.crosstab(df[b].fillna(-1), col)
            cells += int(np.prod(table.shape))
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents (default 1e6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-weighting", action="store_true", help="report without margins")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kpf-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_PRIVATE_ROOT"] = str(workdir / "private")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from surveys import services, synthetic
    from surveys.models import Instrument, ReportJob

    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")  # fmt: skip
    from django.db import connection

    print(f"database: {connection.vendor}")
    print(f"respondents: {args.n:,}")
    start = time.perf_counter()
    path = workdir / "respondents.csv"
    synthetic.tsunagari(args.n, seed=args.seed).to_csv(path, index=False)
    print(f"generated {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")

    instrument = Instrument.objects.get(slug="tsunagari-r3")
    report = instrument.spec["report"]

    def pipeline() -> dict[str, float]:
        phases = {}
        t0 = time.perf_counter()
        dataset = services.dataset_create(instrument=instrument, title="bench", sample_size=args.n)
        with open(path, "rb") as fh:
            dataset_file = services.datasetfile_store(
                dataset=dataset,
                name=path.name,
                chunks=iter(lambda: fh.read(4 * 1024 * 1024), b""),
                dispatch=False,
            )
        t1 = time.perf_counter()
        dataset_file = services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
        assert dataset_file.status == "loaded", dataset_file.problems[:5]
        if not args.no_weighting:
            services.dataset_margins_set(
                dataset=dataset, content=BENCH_MARGINS.encode(), dispatch=False
            )
        t2 = time.perf_counter()
        job = services.report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL, dispatch=False)
        job = services.report_job_run(job=job)
        assert job.is_ready
        if not args.no_weighting:
            assert job.result["weighting"]["converged"], job.result["weighting"]
        t3 = time.perf_counter()
        phases["store upload"] = t1 - t0
        phases["validate + load"] = t2 - t1
        phases["report"] = t3 - t2
        phases["rows"] = len(job.result["rows"])
        return phases

    bare_s, bare_rss, cells = timed(
        lambda: bare_pandas(path, report["indicators"], report["breakdowns"])
    )
    pipe_s, pipe_rss, phases = timed(pipeline)
    print(f"bare pandas read_csv + crosstabs: {bare_s:7.2f} s  peak RSS {bare_rss / 1e6:,.0f} MB"
          f"  ({cells} cells)")  # fmt: skip
    print(f"portal validate + load + report:  {pipe_s:7.2f} s  peak RSS {pipe_rss / 1e6:,.0f} MB"
          f"  ({phases.pop('rows')} report rows)")  # fmt: skip
    for name, seconds in phases.items():
        print(f"    {name:<18} {seconds:7.2f} s")
    print(f"ratio: {pipe_s / bare_s:.2f}× (goal ≤ 1.5×), peak memory {pipe_rss / bare_rss:.2f}× "
          f"(goal ≤ 1.2×), weighting {'off' if args.no_weighting else 'on'}")  # fmt: skip


if __name__ == "__main__":
    main()
