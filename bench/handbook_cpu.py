"""CPU per request of the handbook's public pages against the bare Django app, in-process.

    .venv/bin/python bench/handbook_cpu.py [--count 3000 --rounds 5] [--profile results]

Two child processes, each calling its WSGI application directly with a prepared environ (no
server, no network, no client threads): the portal (`kitakyushu_pf.test_settings` with DEBUG
off, SQLite in memory loaded with the demo catalogue, the content version remembered for
`HANDBOOK_VERSION_CHECK_SECONDS` = 1 s as in production; local-memory cache unless
`CACHE_URL` is set) and `bench/bare_wsgi.py`. Each page is requested once untimed (so the timed
requests are early-cache hits, as under load), then rounds of `--count` requests per page are
timed with `time.process_time()`, pages and the bare app interleaved; the median per page is
reported with its ratio (bare CPU ÷ page CPU, i.e. the throughput ratio one CPU would give;
the goal of bench/handbook_throughput.py is ≥ 0.8). The counts the pages take are flushed to
the database every `HANDBOOK_USAGE_FLUSH_SECONDS` inside the timed requests, as in production.

This compares code versions on one machine; it is not a load test (handbook_throughput.py is).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
GOAL = 0.8
Environ = dict[str, Any]


def environ_for(url: str) -> Environ:
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote(path),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8400",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8400",
        "HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        "HTTP_ACCEPT_LANGUAGE": "ja,en;q=0.8",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: Callable[..., Iterable[bytes]], environ: Environ) -> str:
    status: list[str] = []

    def start_response(s: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(s)

    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(b"")
    result = app(env, start_response)
    try:
        for _ in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return status[0]


def portal_setup() -> tuple[Callable[..., Iterable[bytes]], dict[str, str]]:
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ENV"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.test_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    settings.DEBUG = False
    settings.HANDBOOK_VERSION_CHECK_SECONDS = 1.0
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    cache.clear()
    from handbook.demo import seed_demo

    seed_demo()
    app = WSGIHandler()
    worry_ids = []
    for q in ("お金がない", "仕事が見つからない", "家賃が払えない"):
        url = "/handbook/api/search?q=" + urllib.parse.quote(q)
        body = b"".join(_get(app, url))
        worry_ids.append(json.loads(body)["worries"][0]["id"])
    targets = {
        "home": "/handbook/",
        "category (money)": "/handbook/c/money/",
        "results (3 worries)": "/handbook/results/?" + "&".join(f"w={w}" for w in worry_ids),
        "search API": "/handbook/api/search?q=" + urllib.parse.quote("家賃が払えない"),
    }
    return app, targets


def _get(app: Callable[..., Iterable[bytes]], url: str) -> list[bytes]:
    env = environ_for(url)
    return list(app(env, lambda s, h, e=None: None))


def bare_setup() -> tuple[Callable[..., Iterable[bytes]], dict[str, str]]:
    sys.path.insert(0, str(BASE_DIR))
    from bench.bare_wsgi import application

    return application, {"bare app": "/bare"}


def child(kind: str, profile: str, sort: str) -> None:
    """Answer `name count` lines on stdin with the CPU ms per request on stdout."""
    sys.path.insert(0, str(BASE_DIR))
    app, targets = portal_setup() if kind == "portal" else bare_setup()
    environs = {name: environ_for(url) for name, url in targets.items()}
    for name, env in environs.items():
        status = call(app, env)
        assert status.startswith("200"), (name, status)
    print(json.dumps({"targets": targets}), flush=True)
    for line in sys.stdin:
        name, count = line.rsplit(" ", 1)
        env = environs[name]
        n = int(count)
        if profile and name.startswith(profile):
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for _ in range(n):
                call(app, env)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(sort).print_stats(30)
            print(out.getvalue(), file=sys.stderr, flush=True)
        start = time.process_time()
        for _ in range(n):
            call(app, env)
        ms = (time.process_time() - start) * 1000 / n
        print(json.dumps({"ms": ms}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default="", help="profile this page (name prefix) once")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (e.g. cumulative)")
    parser.add_argument("--child", choices=("portal", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.profile, args.sort)
        return 0
    procs = {}
    targets: dict[str, str] = {}
    for kind in ("bare", "portal"):
        cmd = [sys.executable, __file__, "--child", kind]
        if args.profile:
            cmd += ["--profile", args.profile, "--sort", args.sort]
        proc = subprocess.Popen(  # noqa: S603 - this script, with fixed arguments
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR
        )
        assert proc.stdout is not None
        for name in json.loads(proc.stdout.readline())["targets"]:
            procs[name] = proc
            targets[name] = kind
    samples: dict[str, list[float]] = {name: [] for name in procs}
    for _ in range(args.rounds):
        for name, proc in procs.items():
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(f"{name} {args.count}\n")
            proc.stdin.flush()
            samples[name].append(json.loads(proc.stdout.readline())["ms"])
    for proc in set(procs.values()):
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    ms = {name: statistics.median(values) for name, values in samples.items()}
    bare = ms["bare app"]
    print(f"# handbook CPU per request, in-process — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(
        f"# python {sys.version.split()[0]}; {args.count} requests x {args.rounds} rounds "
        f"(median); cache {os.environ.get('CACHE_URL') or 'local memory'}"
    )
    ok = True
    for name, value in ms.items():
        ratio = bare / value
        below = name != "bare app" and ratio < GOAL
        ok &= not below
        mark = "" if name == "bare app" else ("  BELOW GOAL" if below else "  OK")
        rounds = " ".join(f"{v:.3f}" for v in samples[name])
        print(f"{name:22s} {value:7.3f} ms   ratio {ratio:5.2f}{mark}   rounds {rounds}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
