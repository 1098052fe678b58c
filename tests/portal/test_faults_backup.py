"""scripts/backup.sh and restore.sh: a backup restores into a fresh database, row for row."""

import contextlib
import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import connection

from kitakyushu_pf.jobs import background_job_create
from kitakyushu_pf.services import email_enqueue

from .faultkit import BASE_DIR, admin_connection, pg_test_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _row_counts(dsn: str) -> dict[str, int]:
    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        tables = [row[0] for row in cur.fetchall()]
        counts = {}
        for table in tables:
            cur.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cur.fetchone()[0]
        return counts


def _run(script: str, *args: str, database_url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BASE_DIR / "scripts" / script), *args],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def fresh_database() -> Any:
    name = connection.settings_dict["NAME"] + "_restore"
    with contextlib.closing(admin_connection()) as conn, conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    source = pg_test_url()
    yield source.rsplit("/", 1)[0] + "/" + name
    with contextlib.closing(admin_connection()) as conn, conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_every_row(
    fresh_database: str, django_user_model: Any, tmp_path: Path
) -> None:
    source = pg_test_url()
    for i in range(7):
        django_user_model.objects.create_user(username=f"user{i}", password="x" * 12)
        email_enqueue(key=f"backup:{i}", to=[f"u{i}@example.jp"], subject="件名", body="本文")
    background_job_create(name="report")
    before = _row_counts(source)
    assert before["auth_user"] == 7 and before["kitakyushu_pf_outboxemail"] == 7

    backup = _run("backup.sh", database_url=source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and dump.name.startswith("portal-") and dump.stat().st_size
    assert oct(dump.stat().st_mode & 0o777) == "0o600"

    restore = _run("restore.sh", str(dump), database_url=fresh_database)
    assert restore.returncode == 0, restore.stderr
    assert _row_counts(fresh_database) == before

    # A second restore into the now non-empty database is refused without --force...
    again = _run("restore.sh", str(dump), database_url=fresh_database)
    assert again.returncode == 3
    assert "not empty" in again.stderr
    # ...and replaces its contents with it.
    forced = _run("restore.sh", str(dump), "--force", database_url=fresh_database)
    assert forced.returncode == 0, forced.stderr
    assert _row_counts(fresh_database) == before


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_database: str, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-dump.dump"
    bogus.write_text("hello")
    result = _run("restore.sh", str(bogus), database_url=fresh_database)
    assert result.returncode == 2
    assert _row_counts(fresh_database) == {}


def test_backup_refuses_sqlite() -> None:
    result = _run("backup.sh", database_url="sqlite:///var/portal.sqlite3")
    assert result.returncode == 2
