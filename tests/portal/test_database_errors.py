"""A real PostgreSQL connection dying under a request: friendly 503, truthful health check.

Marked `services`: needs PostgreSQL (`make test-services`), skipped on SQLite.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from .faultkit import admin_connection

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def killed_connection() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run `make test-services`")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with contextlib.closing(admin_connection()) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])
    yield
    connection.close()  # what the request-finished handler does in production


@pytest.mark.urls("tests.portal.urls_denials")
def test_a_dead_connection_gives_the_friendly_503(killed_connection: Any, caplog: Any) -> None:
    response = Client(raise_request_exception=False).get("/count/")
    assert response.status_code == 503
    assert "Retry-After" in response
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


def test_healthz_says_the_database_is_down(killed_connection: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
