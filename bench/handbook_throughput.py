"""Throughput of the handbook's public pages against a bare Django app, in the same run.

Two servers under the same gunicorn flags (`-c kitakyushu_pf/gunicorn_conf.py --workers N`):
the portal (`make serve`, PostgreSQL + Redis) and `bench/bare_wsgi.py`, a separate tiny Django
app with one fixed-string view and only SecurityMiddleware + CommonMiddleware:

    DATABASE_URL=postgres://… CACHE_URL=redis://…/10 GUNICORN_WORKERS=2 make serve PORT=8400
    .venv/bin/gunicorn bench.bare_wsgi:application -c kitakyushu_pf/gunicorn_conf.py \
        --bind 127.0.0.1:8401 --workers 2 --timeout 60

then:  .venv/bin/python bench/handbook_throughput.py --base-url http://127.0.0.1:8400 \
           --bare-url http://127.0.0.1:8401/bare

Uses wrk (apt-get install -y wrk). Prints requests/s of the bare view, the handbook home, a
category page, results for three worries and the search API, and each one's ratio to the bare
view (the goal is ≥ 0.8). Bare view and pages are interleaved in rounds so that a noisy
neighbour hurts both alike; the median of the rounds is reported.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import datetime

GOAL = 0.8


def wrk(url: str, *, seconds: int, connections: int, threads: int) -> float:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} non-2xx responses\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise SystemExit(f"cannot read wrk output for {url}:\n{out}")
    return float(match.group(1))


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
        return response.status, response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8400")
    parser.add_argument("--bare-url", default="http://127.0.0.1:8401/bare")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--category", default="money")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    base = args.base_url.rstrip("/")
    try:
        get(args.bare_url)
    except Exception as exc:  # noqa: BLE001
        raise SystemExit(
            f"{args.bare_url} does not answer ({exc}); start bench/bare_wsgi.py under gunicorn"
        ) from exc
    # Three worries, found through the API like another channel would.
    worry_ids: list[int] = []
    for q in ("お金がない", "仕事が見つからない", "家賃が払えない"):
        _, body = get(f"{base}/handbook/api/search?q={urllib.parse.quote(q)}")
        worry_ids.append(json.loads(body)["worries"][0]["id"])
    targets = {
        "baseline (bare Django)": args.bare_url,
        "home": f"{base}/handbook/",
        f"category ({args.category})": f"{base}/handbook/c/{args.category}/",
        "results (3 worries)": f"{base}/handbook/results/?" + "&".join(f"w={w}" for w in worry_ids),
        "search API": f"{base}/handbook/api/search?q=" + urllib.parse.quote("家賃が払えない"),
    }
    for url in targets.values():  # warm the caches and the connections
        status, _ = get(url)
        assert status == 200, url
        wrk(url, seconds=2, connections=args.connections, threads=args.threads)
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, url in targets.items():
            samples[name].append(
                wrk(url, seconds=args.seconds, connections=args.connections, threads=args.threads)
            )
    rps = {name: statistics.median(values) for name, values in samples.items()}
    baseline = rps["baseline (bare Django)"]
    print(f"# handbook throughput — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"# machine: {platform.node()} {platform.machine()} {platform.processor() or ''}".rstrip()
    )
    print(
        f"# python {sys.version.split()[0]}; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.seconds}s x {args.rounds} rounds (median); server {base}"
    )
    ok = True
    for name, value in rps.items():
        ratio = value / baseline
        mark = "" if name.startswith("baseline") else ("  OK" if ratio >= GOAL else "  BELOW GOAL")
        ok &= name.startswith("baseline") or ratio >= GOAL
        print(f"{name:28s} {value:10.1f} req/s   ratio {ratio:5.2f}{mark}   rounds {samples[name]}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
