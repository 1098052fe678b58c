"""Item 5 of issue 11: the HSDS 3.0 feed, validated against its OpenAPI file by schemathesis."""

import datetime as dt
import json
from pathlib import Path

import pytest
import schemathesis
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings

from handbook.demo import seed_demo
from handbook.models import Service

OPENAPI = Path(__file__).resolve().parents[2] / "handbook" / "openapi.json"


@pytest.fixture
def demo(settings) -> None:  # noqa: F811 - pytest-django's settings fixture
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Call the real WSGI app as Django's test client does: a finished request must not close
    the test's database connection (on PostgreSQL that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema():
    from kitakyushu_pf.wsgi import application

    return schemathesis.openapi.from_wsgi("/handbook/api/openapi.json", application)


@pytest.mark.django_db
def test_every_endpoint_answers_as_its_openapi_file_says(demo) -> None:
    schema = _schema()
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for case in (
            operation.Case(query={}),
            operation.Case(query={"page": 1, "per_page": 5}),
            operation.Case(query={"page": 2, "per_page": 100}),
            operation.Case(query={"per_page": 0}),
            operation.Case(query={"page": "x"}),
        ):
            case.call_and_validate()
            checked += 1
    assert checked == 15


@pytest.mark.django_db
def test_property_based_cases_conform(demo) -> None:
    schema = _schema()
    strategies = [op.ok().as_strategy() for op in schema.get_all_operations()]
    from hypothesis import given
    from hypothesis import strategies as st

    @given(case=st.one_of(*strategies))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)  # fmt: skip
    def run(case) -> None:
        case.call_and_validate()

    run()


@pytest.mark.django_db
def test_feed_content_follows_the_resident_rules(client, demo) -> None:
    data = client.get(reverse("handbook:hsds-services"), {"per_page": 100}).json()
    assert data["total_items"] == Service.objects.filter(is_active=True).count()
    text = json.dumps(data, ensure_ascii=False)
    assert "未確認" not in text
    by_name = {s["name"]: s for s in data["contents"]}
    for s in Service.objects.filter(is_active=True):
        numbers = [p["number"] for p in by_name[s.name]["phones"]]
        assert numbers == ([s.phone] if s.has_verified_phone else []), s.name
    line = by_name["北九州市自殺予防こころの相談電話"]
    assert {"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}.items() <= (
        line["schedules"][0].items()
    )
    assert line["assured_date"]
    assert line["taxonomy_terms"]
    ids = [s["id"] for s in data["contents"]]
    assert len(set(ids)) == len(ids)
    # Stable ids: the same on the next call.
    again = client.get(reverse("handbook:hsds-services"), {"per_page": 100}).json()
    assert [s["id"] for s in again["contents"]] == ids


@pytest.mark.django_db
def test_modified_after_and_paging(client, demo) -> None:
    url = reverse("handbook:hsds-services")
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    assert client.get(url, {"modified_after": later}).json()["total_items"] == 0
    s = Service.objects.filter(is_active=True).first()
    Service.objects.filter(pk=s.pk).update(updated_at=timezone.now() + dt.timedelta(minutes=10))
    changed = client.get(url, {"modified_after": later}).json()
    assert [c["name"] for c in changed["contents"]] == [s.name]
    first = client.get(url, {"per_page": 3}).json()
    assert first["size"] == 3 and len(first["contents"]) == 3 and first["first_page"]
    assert first["total_pages"] == -(-first["total_items"] // 3)
    assert client.get(url, {"modified_after": "yesterday"}).status_code == 400


@pytest.mark.django_db
def test_the_two_existing_endpoints_keep_their_shape(client, demo) -> None:
    data = client.get(reverse("handbook:api-search"), {"q": "お金がない"}).json()
    assert {"crisis", "worries"} <= set(data)  # the fields other channels already read
    assert set(data["worries"][0]) == {"id", "text", "category", "score"}
    wid = data["worries"][0]["id"]
    data = client.get(reverse("handbook:api-services"), {"worry": wid}).json()
    assert set(data) == {"crisis", "services"}
    assert set(data["services"][0]) == {"id", "name", "organisation", "phone", "open_now", "url"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("0384-06-21T04:43:07+18:10", 200),  # found by the property-based run: was a 500
        ("2026-13-40", 400),
        ("0001-01-01T00:00:00+23:59", 400),
        ("yesterday", 400),
    ],
)
def test_odd_modified_after_values_never_fail_the_server(client, value, status) -> None:
    response = client.get(reverse("handbook:hsds-services"), {"modified_after": value})
    assert response.status_code == status
