"""PostgreSQL faults under traffic, against a real gunicorn on the test database.

A PostgreSQL restart is simulated with ``pg_terminate_backend`` on the test database's
connections (the app sees exactly what a restart does: every connection dies); an outage with
``ALLOW_CONNECTIONS false``. Nothing is restarted: gunicorn must recover by itself.
"""

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from .faultkit import (
    PortalServer,
    database_refusing_connections,
    pg_test_url,
    terminate_backends,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _server(tmp_path_factory: Any, django_db_blocker: Any, **extra_env: str) -> PortalServer:
    with django_db_blocker.unblock():
        pg_test_url()  # skips on SQLite
    return PortalServer(workdir=tmp_path_factory.mktemp("gunicorn"), extra_env=extra_env)


@pytest.fixture(scope="module")
def server(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[PortalServer]:
    srv = _server(tmp_path_factory, django_db_blocker)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _signed_in_session(server: PortalServer, django_user_model: Any) -> requests.Session:
    # The server hashes as production does (the tests use a fast MD5 hasher).
    encoded = PBKDF2PasswordHasher().encode("pw-for-tests-123", "fault-salt-0123", iterations=1000)
    django_user_model.objects.get_or_create(username="traffic", defaults={"password": encoded})
    session = requests.Session()
    page = session.get(server.base + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = session.post(
        server.base + "/accounts/login/",
        data={"username": "traffic", "password": "pw-for-tests-123",
              "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert response.status_code == 302, response.text[:300]
    return session


def _traffic(server: PortalServer, session: requests.Session, rounds: int) -> list[int]:
    """Requests that all touch the database: a query page, the health check, a signed-in page."""
    codes = []
    for _ in range(rounds):
        for path in ("/_probes/slow-query?seconds=0", "/healthz", "/"):
            codes.append(session.get(server.base + path, timeout=20).status_code)
    return codes


def _our_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _wait_for_query_in_flight() -> None:
    def sleeping() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query LIKE 'SELECT pg_sleep%%' AND state = 'active'"
            )
            return cursor.fetchone()[0] > 0

    wait_for(sleeping, 15, "the slow request to reach PostgreSQL")


def _kill_connections_mid_traffic(server: PortalServer, session: requests.Session) -> Any:
    """Terminate every app connection while one request is inside a query; return its response."""
    in_flight: dict[str, Any] = {}

    def slow() -> None:
        in_flight["response"] = session.get(
            server.base + "/_probes/slow-query?seconds=8", timeout=30
        )

    thread = threading.Thread(target=slow)
    thread.start()
    _wait_for_query_in_flight()
    killed = terminate_backends(exclude_pids={_our_backend_pid()})
    # At least the in-flight request's connection; how many idle persistent ones the other
    # gunicorn threads hold depends on how the requests were spread over them.
    assert killed >= 1, "the app's connections were not there to kill"
    thread.join(timeout=30)
    return in_flight["response"]


def test_terminated_connections_fail_only_requests_in_flight_with_a_friendly_503(
    server: PortalServer, django_user_model: Any
) -> None:
    session = _signed_in_session(server, django_user_model)
    assert set(_traffic(server, session, rounds=10)) == {200}  # every thread holds a connection

    response = _kill_connections_mid_traffic(server, session)
    assert response.status_code == 503, response.text[:300]
    assert "しばらく" in response.text or "数分" in response.text
    assert response.headers.get("Retry-After") == "30"

    codes = _traffic(server, session, rounds=15)
    assert codes == [200] * len(codes), f"requests after the restart failed: {codes}"
    assert "Internal Server Error" not in server.log()
    assert "database unavailable" in server.log()


def test_a_database_outage_is_reported_truthfully_and_recovered_from(
    server: PortalServer, django_user_model: Any
) -> None:
    session = _signed_in_session(server, django_user_model)
    assert session.get(server.base + "/healthz", timeout=10).json()["database"] == "ok"

    with database_refusing_connections():
        terminate_backends(exclude_pids={_our_backend_pid()})
        health = requests.get(server.base + "/healthz", timeout=20)
        assert health.status_code == 503
        assert health.json()["database"] == "down"
        page = session.get(server.base + "/", timeout=20)  # the session lives in the database
        assert page.status_code == 503
        assert "<title>" in page.text and "Traceback" not in page.text
        probe = requests.get(server.base + "/_probes/slow-query?seconds=0", timeout=20)
        assert probe.status_code == 503

    wait_for(
        lambda: requests.get(server.base + "/healthz", timeout=10).status_code == 200,
        30,
        "healthz to report the database back",
    )
    assert set(_traffic(server, session, rounds=5)) == {200}


def test_control_without_health_checks_idle_connections_fail_after_a_restart(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any, django_user_model: Any
) -> None:
    """The control: with CONN_HEALTH_CHECKS off, requests after the restart do fail."""
    srv = _server(tmp_path_factory, django_db_blocker, DJANGO_CONN_HEALTH_CHECKS="false")
    srv.start()
    try:
        session = _signed_in_session(srv, django_user_model)
        assert set(_traffic(srv, session, rounds=10)) == {200}
        terminate_backends(exclude_pids={_our_backend_pid()})
        time.sleep(0.5)
        codes = _traffic(srv, session, rounds=15)
        assert 503 in codes, f"expected failures on dead persistent connections, got {codes}"
        assert 500 not in codes
    finally:
        srv.stop()
