"""Mixed load: anonymous handbook traffic and lecture registrations together, with locust.

    DATABASE_URL=postgres://... CACHE_URL=redis://... CELERY_BROKER_URL=redis://... \\
        HANDBOOK_BENCH_BASELINE=1 make serve PORT=8120                          # one shell
    DATABASE_URL=<same> .venv/bin/python bench/load_mix.py --url http://127.0.0.1:8120   # another

Two phases in one run, each with the same number of users:
1. baseline: every user GETs the fixed-string view `/handbook/bench-baseline` (the ceiling of
   this server on this machine);
2. mix: handbook users (home, a category, results for three worries; 9 in 10 users) and
   supporters registering for one lecture (1 in 10; a fresh e-mail each time).
It prints requests/s, p50/p95 and error counts per kind, the mix/baseline ratio of requests/s,
and checks the lecture afterwards (never more confirmed than seats). Zero 5xx is the bar: the
script exits 1 otherwise. The load generator is pinned to one core when `taskset` exists.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

LOCUSTFILE = r"""
import itertools
import os
import re
import random

from locust import HttpUser, between, task

MODE = os.environ["LOAD_MIX_MODE"]
SLUG = os.environ.get("LOAD_MIX_SLUG", "")
SESSION = os.environ.get("LOAD_MIX_SESSION", "")
WORRIES = os.environ.get("LOAD_MIX_WORRIES", "").split(",")
CATEGORIES = os.environ.get("LOAD_MIX_CATEGORIES", "").split(",")
COUNTER = itertools.count()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Resident(HttpUser):
    weight = 9 if MODE == "mix" else 1
    wait_time = between(0.05, 0.2)

    @task
    def visit(self) -> None:
        if MODE == "baseline":
            self.client.get("/handbook/bench-baseline", name="baseline")
            return
        self.client.get("/handbook/?src=ad", name="handbook home")
        self.client.get(f"/handbook/c/{random.choice(CATEGORIES)}/", name="handbook category")
        picked = "&".join(f"w={w}" for w in random.sample(WORRIES, 3))
        self.client.get(f"/handbook/results/?{picked}", name="handbook results")


class Supporter(HttpUser):
    weight = 1 if MODE == "mix" else 0
    wait_time = between(0.5, 1.5)

    @task
    def register(self) -> None:
        form = f"/trainings/{SLUG}/register/"
        html = self.client.get(form, name="registration form").text
        match = TOKEN.search(html)
        if not match:
            return
        n = next(COUNTER)
        self.client.post(
            form,
            data={
                "csrfmiddlewaretoken": match.group(1),
                "sessions": [SESSION],
                "name": f"負荷 試験{os.getpid()}-{n}",
                "kana": "ふか しけん",
                "email": f"mix{os.getpid()}-{n}@example.jp",
            },
            headers={"Referer": self.host + form},
            name="registration POST",
        )
"""


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def run_locust(url: str, users: int, seconds: int, env: dict[str, str], out: Path) -> list[dict]:
    locustfile = out / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    prefix = str(out / env["LOAD_MIX_MODE"])
    cmd = [
        str(BASE_DIR / ".venv/bin/locust"), "-f", str(locustfile), "--headless",
        "-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{seconds}s",
        "--host", url, "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "1", *cmd]
    subprocess.run(cmd, env={**os.environ, **env}, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        stats = list(csv.DictReader(fh))
    failures_path = Path(f"{prefix}_failures.csv")
    five_xx: dict[str, int] = {}
    if failures_path.exists():
        with open(failures_path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if "50" in row["Error"] or "ConnectionError" in row["Error"]:
                    five_xx[row["Name"]] = five_xx.get(row["Name"], 0) + int(row["Occurrences"])
    for row in stats:
        row["5xx"] = str(five_xx.get(row["Name"], 0))
    return stats


def show(title: str, stats: list[dict]) -> dict[str, float]:
    print(f"\n{title}")
    print(f"{'request':<22}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'fail':>7}{'5xx':>6}")
    figures: dict[str, float] = {}
    for row in stats:
        print(
            f"{row['Name']:<22}{row['Request Count']:>8}{float(row['Requests/s']):>9.1f}"
            f"{row['50%']:>9}{row['95%']:>9}{row['Failure Count']:>7}{row['5xx']:>6}"
        )
        figures[row["Name"]] = float(row["Requests/s"])
        figures[f"{row['Name']}:5xx"] = float(row["5xx"])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8120")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--baseline-seconds", type=int, default=30)
    parser.add_argument("--capacity", type=int, default=75)
    args = parser.parse_args()

    out = subprocess.run(
        [sys.executable, "manage.py", "trainings_burst_session", str(args.capacity)],
        cwd=BASE_DIR, check=True, capture_output=True, text=True,
    )  # fmt: skip
    slug, session_id = out.stdout.split()
    django_setup()
    from handbook.models import Category, Worry

    worries = [str(pk) for pk in Worry.objects.values_list("pk", flat=True)[:30]]
    categories = list(Category.objects.values_list("slug", flat=True))
    if len(worries) < 3 or not categories:
        print("no handbook content: run `python manage.py seed_demo` on this database first")
        return 2
    env = {
        "LOAD_MIX_SLUG": slug,
        "LOAD_MIX_SESSION": session_id,
        "LOAD_MIX_WORRIES": ",".join(worries),
        "LOAD_MIX_CATEGORIES": ",".join(categories),
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = show(
            f"baseline: {args.users} users, {args.baseline_seconds} s, fixed-string view",
            run_locust(args.url, args.users, args.baseline_seconds,
                       {**env, "LOAD_MIX_MODE": "baseline"}, Path(tmp)),
        )  # fmt: skip
        mix = show(
            f"mix: {args.users} users (9 residents : 1 supporter), {args.seconds} s",
            run_locust(args.url, args.users, args.seconds, {**env, "LOAD_MIX_MODE": "mix"},
                       Path(tmp)),
        )  # fmt: skip
    if base.get("baseline"):
        ratio = mix.get("Aggregated", 0) / base["baseline"]
        print(f"\nmix requests/s ÷ baseline requests/s: {ratio:.2f}")
    from trainings.models import Registration, Session

    session = Session.objects.get(pk=session_id)
    confirmed = Registration.objects.filter(session=session, state="confirmed").count()
    waiting = Registration.objects.filter(session=session, state="waitlisted").count()
    print(f"lecture: capacity={session.capacity} confirmed={confirmed} waitlisted={waiting}")
    five_xx = sum(v for k, v in mix.items() if k.endswith(":5xx"))
    ok = five_xx == 0 and confirmed <= session.capacity
    print("RESULT", "OK (zero 5xx)" if ok else f"FAILED ({five_xx:.0f} 5xx)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
