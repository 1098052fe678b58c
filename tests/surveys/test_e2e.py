"""In the browser: an analyst uploads a file, watches the progress bar finish, downloads XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from surveys.models import Dataset

from .factories import DatasetFactory, synthetic_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_analyst_uploads_watches_progress_and_downloads_xlsx(
    page: Any, live_server: Any, django_user_model: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import Group

    from kitakyushu_pf.roles import ANALYST
    from surveys import services
    from tests.conftest import make_user

    # Transactional tests run on a flushed database: restore what the migrations ship.
    Group.objects.get_or_create(name=ANALYST)
    services.instrument_load_all()
    services.national_figures_load_shipped()
    make_user(django_user_model, "ana", ANALYST)
    dataset = DatasetFactory(title="ブラウザ試験", sample_size=1000)
    data = tmp_path / "city.csv"
    data.write_bytes(synthetic_csv(400).decode().encode("cp932"))

    page.goto(live_server.url + "/accounts/login/?next=/surveys/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/surveys/")
    page.get_by_role("link", name="ブラウザ試験").click()
    page.set_input_files("input[type=file]", str(data))
    page.get_by_role("button", name="アップロードして検証").click()
    page.wait_for_load_state()
    internal = page.locator(".js-job").first
    # The page polls the status endpoint until the job is done; no reload.
    page.locator('.js-job[data-state="DONE"]').first.wait_for(timeout=30_000)
    assert internal.locator(".js-bar").inner_text() == "100%"
    links = internal.locator(".js-links")
    assert links.is_visible()
    with page.expect_download() as info:
        links.get_by_role("link", name="XLSX をダウンロード").click()
    target = tmp_path / "report.xlsx"
    info.value.save_as(target)
    workbook = openpyxl.load_workbook(target)
    assert "lonely_direct" in workbook.sheetnames and "出典" in workbook.sheetnames
    assert Dataset.objects.get(pk=dataset.pk).n_respondents == 400
    assert page.csp_violations == []
    assert page.js_errors == []


def test_report_tables_are_readable_on_a_phone(
    phone_page: Any, live_server: Any, django_user_model: Any
) -> None:
    from django.contrib.auth.models import Group

    from kitakyushu_pf.roles import ANALYST
    from surveys import services
    from surveys.models import ReportJob
    from tests.conftest import make_user

    from .factories import load_dataset

    Group.objects.get_or_create(name=ANALYST)
    services.instrument_load_all()
    services.national_figures_load_shipped()
    make_user(django_user_model, "ana", ANALYST)
    dataset = load_dataset(synthetic_csv(400), title="スマホ表示")
    services.report_job_run(job=ReportJob.objects.get(dataset=dataset, mode="internal"))

    page = phone_page
    page.goto(live_server.url + f"/accounts/login/?next=/surveys/d/{dataset.pk}/report/internal/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/report/internal/")
    table = page.locator("table.survey-table").first
    table.scroll_into_view_if_needed()
    # The page itself never scrolls sideways; the table does, inside its wrapper.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator(".survey-table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    # Rows stay one line high (cells no longer wrap letter by letter).
    heights = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.offsetHeight)")
    assert max(heights) < 40, heights
    # The first column stays in view when the table is scrolled sideways.
    first = table.locator("tbody tr td").first
    before = first.bounding_box()["x"]
    wrap.evaluate("e => { e.scrollLeft = 300; }")
    assert abs(first.bounding_box()["x"] - before) < 1
    assert page.csp_violations == []
