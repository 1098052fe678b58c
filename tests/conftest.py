"""Shared fixtures: users per role, the real Celery worker, and the browser."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from kitakyushu_pf.roles import ANALYST, MEMBER, SECRETARIAT

BASE_DIR = Path(__file__).resolve().parent.parent
# Property tests draw the same examples on every run (CI must not pass or fail by chance);
# `HYPOTHESIS_PROFILE=explore` draws new ones when hunting for counterexamples.
hypothesis.settings.register_profile("ci", derandomize=True, database=None)
hypothesis.settings.register_profile("explore", derandomize=False)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _portal_language() -> Iterator[None]:
    """Each test starts in the portal's language: a request (e.g. ``?lang=en``) leaves its
    language active in the thread, and translated model fields read the active language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """Transactional tests flush the database: put back what the data migrations made.

    (``serialized_rollback`` would do it too, but it clashes with the content types that other
    transactional tests re-create after their flush.)
    """
    import importlib

    from django.apps import apps

    importlib.import_module("kitakyushu_pf.migrations.0001_roles").create_groups(apps, None)
    importlib.import_module("members.migrations.0002_taxonomy_and_wards").seed(apps, None)


def make_user(django_user_model: Any, username: str, *roles: str, **extra: Any) -> Any:
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.jp", password="pw-for-tests-123", **extra
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def secretariat_user(django_user_model: Any) -> Any:
    return make_user(django_user_model, "sec", SECRETARIAT, is_staff=True)


@pytest.fixture
def member_user(django_user_model: Any) -> Any:
    return make_user(django_user_model, "mem", MEMBER)


@pytest.fixture
def analyst_user(django_user_model: Any) -> Any:
    return make_user(django_user_model, "ana", ANALYST)


@pytest.fixture
def plain_user(django_user_model: Any) -> Any:
    return make_user(django_user_model, "plain")


@pytest.fixture
def secretariat_client(client: Any, secretariat_user: Any) -> Any:
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def member_client(client: Any, member_user: Any) -> Any:
    client.force_login(member_user)
    return client


@pytest.fixture
def analyst_client(client: Any, analyst_user: Any) -> Any:
    client.force_login(analyst_user)
    return client


# --- The real Celery worker (make test-services) ---------------------------------------------


def _broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", "")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    """Start `celery worker` against the test database; yield its pid; stop it by that pid."""
    if not _broker_url():
        pytest.skip("needs CELERY_BROKER_URL and a real worker: run `make test-services`")
    from django.db import connection

    from kitakyushu_pf.celery import app

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the real worker shares the test database only on PostgreSQL")
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
        "CELERY_VISIBILITY_TIMEOUT": os.environ.get("CELERY_VISIBILITY_TIMEOUT", "30"),
        # The worker must see the files a test uploads (each test session has its own roots).
        "DJANGO_PRIVATE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with django_db_blocker.unblock():
        app.control.purge()
    log = open(Path(settings.MEDIA_ROOT) / "celery-worker.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "kitakyushu_pf", "worker",
            "--loglevel=INFO", "--concurrency=2", "--pool=prefork", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early, see {log.name}")
        replies = app.control.ping(timeout=1.0)
        if replies:
            break
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer a ping within 60 s")
    try:
        yield proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def real_worker(celery_worker_process: int, transactional_db: Any) -> Iterator[int]:
    """For tests marked `worker`: tasks go through the broker to the real worker."""
    from kitakyushu_pf.celery import app

    app.conf.task_always_eager = False
    try:
        yield celery_worker_process
    finally:
        app.conf.task_always_eager = True


# --- Browser (make test-e2e) -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(f"no browser at {CHROMIUM}: `make test-e2e` installs Debian's chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page that records Content-Security-Policy violations and JS errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.csp_violations = []  # type: ignore[attr-defined]
    page.js_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ja-JP"
    )
    page = context.new_page()
    page.csp_violations = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()
