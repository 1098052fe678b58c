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
