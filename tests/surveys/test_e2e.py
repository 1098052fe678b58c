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
    page.locator('.js-job[data-state="done"]').first.wait_for(timeout=30_000)
    assert internal.locator(".js-bar").inner_text() == "100%"
    links = internal.locator(".js-links")
    assert links.is_visible()
    with page.expect_download() as info:
        links.get_by_role("link", name="XLSX をダウンロード").click()
    target = tmp_path / "report.xlsx"
    info.value.save_as(target)
    workbook = openpyxl.load_workbook(target)
    assert "孤独感（直接質問）" in workbook.sheetnames and "出典" in workbook.sheetnames
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


def _shot(page: Any, name: str) -> None:
    """Full-page screenshots for reviewing the layout by eye (set E2E_SCREENSHOTS to a folder)."""
    import os

    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _analyst_on_report(page: Any, live_server: Any, django_user_model: Any) -> Any:
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
    dataset = load_dataset(synthetic_csv(800, seed=13), sample_size=3000)
    job = services.report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL, dispatch=False)
    services.report_job_run(job=job)
    page.goto(live_server.url + f"/accounts/login/?next=/surveys/d/{dataset.pk}/report/internal/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/report/internal/")
    return dataset


def test_report_page_opens_with_findings_and_a_chart_beside_its_table(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    _analyst_on_report(page, live_server, django_user_model)
    findings = page.get_by_role("region", name="主な結果")
    first = findings.locator("li").first
    assert "95%信頼区間" in first.inner_text() and "全国（4.5%）" in first.inner_text()
    chart = page.locator("#chart-lonely_direct-age_group")
    svg = chart.get_by_role("img")
    assert svg.count() == 1
    title = chart.locator("svg title").text_content()
    assert "80歳以上" in chart.locator("svg desc").text_content()
    assert title == "孤独感（直接質問）「しばしばある・常にある」の割合（年齢別）"
    table = chart.locator("table")
    assert table.locator("caption").inner_text() == title
    cells = [r.inner_text() for r in table.locator("tbody th").all()]
    assert cells[0] == "全体" and "80歳以上" in cells
    assert table.is_visible() and svg.is_visible()
    _shot(page, "report-1280")
    assert page.csp_violations == []
    assert page.js_errors == []


def test_report_page_fits_a_phone(
    phone_page: Any, live_server: Any, django_user_model: Any
) -> None:
    _analyst_on_report(phone_page, live_server, django_user_model)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    _shot(phone_page, "report-390")
    assert width <= 390
    assert phone_page.get_by_role("heading", name="主な結果").is_visible()
    assert phone_page.csp_violations == []
