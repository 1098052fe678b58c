"""Two devices send the same code at the same moment: exactly one answer is kept (PostgreSQL)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
import requests
from django.db import connection

from surveys import services, web
from surveys.models import AccessCode, WebAnswer

from .test_web import ANSWERS, open_fielding

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _device(base: str, code: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/answer/{code}/?p=review", timeout=30)
    assert page.status_code == 200
    match = TOKEN.search(page.text)
    assert match
    return session, match.group(1)


@pytest.mark.parametrize("devices", [2, 6])
def test_simultaneous_submits_of_one_code_exactly_one_wins(
    live_server: Any, settings: Any, reference_data: None, devices: int
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency: run on PostgreSQL (make test-services)")
    settings.SURVEYS_WEB_REPORT_DISPATCH = False
    services.instrument_load_all()
    dataset = open_fielding()
    code = web.codes_issue(dataset=dataset, count=1)[0]
    access = web.code_find(code)
    assert access is not None
    for number, answers in ANSWERS.items():
        page = next(p for p in web.questionnaire(dataset.instrument).pages if p.index == number)
        web.page_save(access=access, page=page, answers=answers)
    phones = [_device(live_server.url, code) for _ in range(devices)]
    barrier = threading.Barrier(devices)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send(session: requests.Session, token: str) -> None:
        barrier.wait()
        response = session.post(
            f"{live_server.url}/answer/{code}/",
            data={"csrfmiddlewaretoken": token, "nav": "submit", "fielding": str(dataset.pk)},
            headers={"Referer": f"{live_server.url}/answer/{code}/"},
            allow_redirects=False,
            timeout=60,
        )
        with lock:
            results.append((response.status_code, response.text))

    threads = [threading.Thread(target=send, args=phone) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [410] * (devices - 1)
    told = [text for status, text in results if status == 410]
    assert all("既に回答が送信されています" in text for text in told)
    assert WebAnswer.objects.filter(submitted_on__isnull=False).count() == 1
    assert AccessCode.objects.get().status == AccessCode.Status.SUBMITTED
    assert len(services.microdata_frame(dataset)) == 1
    dataset.refresh_from_db()
    assert dataset.n_respondents == 1
