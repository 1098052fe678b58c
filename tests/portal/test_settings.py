import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8#2Lq!v9Zr@x4Wm$7Tn%1Yp^6Gb&3Hc*5Jd(0Fs)8Ke_2Qa+9Ul=4Ro"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"):
        clean.pop(name, None)
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "kitakyushu_pf.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_are_japanese_tokyo_and_embedded() -> None:
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]


def test_production_check_deploy_prints_no_warning() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="tsunagaru.example.jp",
        AXES_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key() -> None:
    result = run_manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="x.example.jp")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_debug() -> None:
    result = run_manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="x.example.jp",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("sqlite3", True, "locmem", "console")),
        (
            {
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
                "CACHE_URL": "redis://127.0.0.1:6379/2",
                "EMAIL_URL": "smtp://mail.example.jp:25",
            },
            ("postgresql", False, "redis", "smtp"),
        ),
    ],
)
def test_environment_switches_backends(env: dict[str, str], expected: tuple[object, ...]) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'].rsplit('.',1)[-1], s.CELERY_TASK_ALWAYS_EAGER,"
        " 'redis' if 'redis' in s.CACHES['default']['BACKEND'].lower() else 'locmem',"
        " s.EMAIL_BACKEND.rsplit('.',2)[-2])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    engine, eager, cache, mail = result.stdout.split()
    assert (engine, eager == "True", cache, mail) == expected


# Settings that settings.py does not define on purpose: a third-party library's own optional one.
OPTIONAL_THIRD_PARTY = {"SIMPLE_HISTORY_ENABLED"}


def test_code_reads_settings_directly_without_repeating_defaults() -> None:
    """settings.py holds every default: code says ``settings.NAME``, no getattr with a default."""
    pattern = re.compile(r"getattr\(\s*settings\s*,\s*([^,)]+)")
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {name}"
        for path in BASE_DIR.glob("*/**/*.py")
        if not path.relative_to(BASE_DIR).parts[0].startswith((".", "tests"))
        for name in pattern.findall(path.read_text(encoding="utf-8"))
        if name.strip("\"' ") not in OPTIONAL_THIRD_PARTY
    ]
    assert offenders == []
