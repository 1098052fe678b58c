"""Pages: permissions for every URL, upload flow, progress endpoint, downloads and their log."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import DatabaseError
from django.urls import reverse

from surveys import services
from surveys.models import AuditLog, Dataset, ReportJob

from .factories import DatasetFactory, csv_text, good_row, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> Dataset:
    dataset = load_dataset(synthetic_csv(120))
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    services.report_job_run(job=job)
    return dataset


def urls(dataset: Dataset) -> list[tuple[str, str]]:
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    f = dataset.files.get()
    return [
        ("get", reverse("surveys:dataset-list")),
        ("get", reverse("surveys:dataset-create")),
        ("get", reverse("surveys:dataset-detail", args=[dataset.pk])),
        ("post", reverse("surveys:file-upload", args=[dataset.pk])),
        ("post", reverse("surveys:dataset-margins", args=[dataset.pk])),
        ("get", reverse("surveys:microdata-view", args=[dataset.pk])),
        ("post", reverse("surveys:report-build", args=[dataset.pk])),
        ("get", reverse("surveys:report-detail", args=[dataset.pk, "internal"])),
        ("get", reverse("surveys:report-download", args=[dataset.pk, "internal", "csv"])),
        ("get", reverse("surveys:file-detail", args=[f.pk])),
        ("get", reverse("surveys:file-problems", args=[f.pk])),
        ("get", reverse("surveys:job-status", args=[job.pk])),
        ("get", reverse("surveys:national-list")),
        ("get", reverse("surveys:audit-log")),
        ("get", reverse("surveys:instrument-template", args=["tsunagari-r3"])),
    ]


ANALYST_ONLY = {
    "dataset-create", "file-upload", "dataset-margins", "microdata-view", "report-build",
    "file-detail", "file-problems",
}  # fmt: skip
SECRETARIAT_ONLY = {"audit-log"}


def name_of(url: str) -> str:
    from django.urls import resolve

    return resolve(url).url_name  # type: ignore[return-value]


def test_anonymous_is_sent_to_login_everywhere(client: Any, loaded: Dataset) -> None:
    for method, url in urls(loaded):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["member_client", "client_plain"])
def test_other_roles_get_403_everywhere(who: str, request: Any, loaded: Dataset) -> None:
    if who == "client_plain":
        client = request.getfixturevalue("client")
        client.force_login(request.getfixturevalue("plain_user"))
    else:
        client = request.getfixturevalue(who)
    for method, url in urls(loaded):
        assert getattr(client, method)(url).status_code == 403, url


def test_analyst_and_secretariat_permissions(
    analyst_client: Any, secretariat_user: Any, loaded: Dataset
) -> None:
    from django.test import Client

    secretariat = Client()
    secretariat.force_login(secretariat_user)
    for method, url in urls(loaded):
        name = name_of(url)
        analyst_status = getattr(analyst_client, method)(url).status_code
        sec_status = getattr(secretariat, method)(url).status_code
        if name in SECRETARIAT_ONLY:
            assert (analyst_status, sec_status) == (403, 200), url
        elif name in ANALYST_ONLY:
            assert analyst_status in (200, 302), url
            assert sec_status == 403, url
        else:
            assert analyst_status == 200, url
            assert sec_status == 200, url


def test_dataset_ids_are_not_guessable(analyst_client: Any, loaded: Dataset) -> None:
    assert len(str(loaded.pk)) == 36
    assert analyst_client.get("/surveys/d/1/").status_code == 404


def test_dataset_list_query_count(
    analyst_client: Any, django_assert_num_queries: Any, loaded: Dataset
) -> None:
    DatasetFactory()
    DatasetFactory()
    # user, role check, datasets (with instrument and creator), then the navigation's
    # permission check (groups, user and group permissions) — independent of the row count.
    with django_assert_num_queries(6):
        response = analyst_client.get(reverse("surveys:dataset-list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_create_dataset_then_upload_bad_cp932_file_then_fix_it(
    analyst_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from surveys.models import Instrument

    response = analyst_client.post(
        reverse("surveys:dataset-create"),
        {"instrument": Instrument.objects.get(slug="tsunagari-r3").pk, "title": "市調査",
         "sample_size": 10, "hikikomori_rule": "H30"},
    )  # fmt: skip
    dataset = Dataset.objects.get(title="市調査")
    assert response.status_code == 302 and response["Location"] == dataset.get_absolute_url()
    bad = csv_text([good_row("001"), good_row("002", lonely_direct=9)]).encode("cp932")
    upload = io.BytesIO(bad)
    upload.name = "市データ.csv"
    with django_capture_on_commit_callbacks(execute=True):  # the validation task runs on commit
        response = analyst_client.post(
            reverse("surveys:file-upload", args=[dataset.pk]), {"file": upload}
        )
    assert response.status_code == 302
    bad_file = dataset.files.get()
    page = analyst_client.get(bad_file.get_absolute_url()).content.decode()
    assert "範囲外のコード" in page and "lonely_direct" in page and "<td>3</td>" in page
    assert "何も読み込んでいません" in page
    dataset.refresh_from_db()
    assert dataset.n_respondents == 0
    good = io.BytesIO(csv_text([good_row("001"), good_row("002")]).encode("cp932"))
    good.name = "市データ修正.csv"
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(reverse("surveys:file-upload", args=[dataset.pk]), {"file": good})
    dataset.refresh_from_db()
    assert dataset.n_respondents == 2
    with django_capture_on_commit_callbacks(execute=True):  # the report task, queued by the load
        pass
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    assert job.job.status == "done"  # eager Celery built it after commit
    status = analyst_client.get(reverse("surveys:job-status", args=[job.pk])).json()
    assert status == {"status": "done", "status_label": "完了", "progress": 100, "attempts": 1,
                      "error": "", "done": True, "failed": False}  # fmt: skip


def test_oversized_upload_gets_413_with_a_clear_message(analyst_client: Any, settings: Any) -> None:
    settings.PORTAL_MAX_UPLOAD_BYTES = 1000
    dataset = DatasetFactory()
    upload = io.BytesIO(b"x" * 200_000)
    upload.name = "big.csv"
    response = analyst_client.post(reverse("surveys:file-upload", args=[dataset.pk]),
                                   {"file": upload})  # fmt: skip
    assert response.status_code == 413
    assert "上限" in response.content.decode()
    assert not dataset.files.exists()


def test_report_page_marks_internal_view(analyst_client: Any, loaded: Dataset) -> None:
    page = analyst_client.get(reverse("surveys:report-detail", args=[loaded.pk, "internal"]))
    text = page.content.decode()
    assert "内部資料" in text and "全国値なし" in text and "VERIFIED-P" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_download_writes_audit_row_first(
    analyst_client: Any, analyst_user: Any, loaded: Dataset, fmt: str
) -> None:
    url = reverse("surveys:report-download", args=[loaded.pk, "internal", fmt])
    response = analyst_client.get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    entry = AuditLog.objects.get(action="download")
    assert (entry.user, entry.dataset, entry.format, entry.mode, entry.client_ip) == (
        analyst_user, loaded, fmt, "internal", "10.1.2.3",
    )  # fmt: skip


def test_download_is_refused_when_the_audit_write_fails(
    analyst_client: Any, loaded: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("audit table locked")

    monkeypatch.setattr(AuditLog, "save", broken)
    url = reverse("surveys:report-download", args=[loaded.pk, "internal", "csv"])
    response = analyst_client.get(url)
    assert response.status_code == 503
    assert "Content-Disposition" not in response
    assert b"indicator,breakdown" not in response.content
    microdata = analyst_client.get(reverse("surveys:microdata-view", args=[loaded.pk]))
    assert microdata.status_code == 503 and b"K0000001" not in microdata.content


def test_microdata_view_is_logged(analyst_client: Any, loaded: Dataset) -> None:
    response = analyst_client.get(reverse("surveys:microdata-view", args=[loaded.pk]))
    assert response.status_code == 200 and "K0000001" in response.content.decode()
    assert AuditLog.objects.filter(action="microdata", dataset=loaded).count() == 1


def test_secretariat_sees_the_download_log(
    analyst_client: Any, secretariat_user: Any, loaded: Dataset
) -> None:
    from django.test import Client

    analyst_client.get(reverse("surveys:report-download", args=[loaded.pk, "internal", "xlsx"]))
    secretariat = Client()
    secretariat.force_login(secretariat_user)
    page = secretariat.get(reverse("surveys:audit-log")).content.decode()
    assert "ana" in page and "xlsx" in page and loaded.title in page


def test_national_csv_replacement_by_analyst(analyst_client: Any) -> None:
    header = "survey,wave,indicator,breakdown,group,answer,pct,base_n,status,source\n"
    upload = io.BytesIO((header + "tsunagari,R3,x,total,,a,1.0,,DERIVED,y\n").encode())
    upload.name = "n.csv"
    response = analyst_client.post(reverse("surveys:national-list"), {"file": upload})
    assert response.status_code == 302
    from surveys.models import NationalFigure

    assert NationalFigure.objects.count() == 1


def test_staff_analyst_can_correct_national_figures_in_admin(
    client: Any, django_user_model: Any
) -> None:
    from surveys.models import NationalFigure
    from tests.conftest import make_user

    analyst = make_user(django_user_model, "ana2", "analyst", is_staff=True)
    client.force_login(analyst)
    figure = NationalFigure.objects.first()
    assert client.get("/admin/surveys/nationalfigure/").status_code == 200
    assert client.get(f"/admin/surveys/nationalfigure/{figure.pk}/change/").status_code == 200
    assert client.get("/admin/surveys/nationalfigure/add/").status_code == 200
    assert client.get("/admin/surveys/auditlog/").status_code == 403  # the log is not theirs


def test_audit_log_is_append_only_in_admin(secretariat_client: Any) -> None:
    assert secretariat_client.get("/admin/surveys/auditlog/").status_code == 200
    assert secretariat_client.get("/admin/surveys/auditlog/add/").status_code == 403


MARGINS_CSV = (
    "variable,code,count\n"
    "sex,1,420000\nsex,2,470000\n"
    "age_group,1,36000\nage_group,2,95000\nage_group,3,100000\nage_group,4,125000\n"
    "age_group,5,120000\nage_group,6,130000\nage_group,7,150000\nage_group,8,134000\n"
)


def test_margins_on_the_dataset_page_weight_both_reports(
    analyst_client: Any, secretariat_user: Any, loaded: Dataset,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from django.test import Client

    url = reverse("surveys:dataset-margins", args=[loaded.pk])
    upload = io.BytesIO(MARGINS_CSV.encode("cp932"))
    upload.name = "margins.csv"
    # The secretariat (a stranger to the analysis) cannot change the weighting.
    stranger = Client()
    stranger.force_login(secretariat_user)
    assert stranger.post(url, {"file": upload}).status_code == 403
    loaded.refresh_from_db()
    assert loaded.margins == []
    upload.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    loaded.refresh_from_db()
    assert len(loaded.margins) == 10, [str(m) for m in response.context["messages"]]
    page = analyst_client.get(reverse("surveys:dataset-detail", args=[loaded.pk]))
    assert "470,000" in page.content.decode()
    for job in ReportJob.objects.filter(dataset=loaded):
        assert job.job.status == "done"
        weighting = job.result["weighting"]
        assert weighting["converged"] and "レイキング" in weighting["note"]
    internal = ReportJob.objects.get(dataset=loaded, mode="internal")
    head = next(r for r in internal.result["rows"] if r["indicator"] == "lonely_direct"
                and r["breakdown"] == "total" and r["answer"] == "決してない")  # fmt: skip
    assert head["weighted_pct"] is not None and head["deff"] >= 1
    page = analyst_client.get(reverse("surveys:report-detail", args=[loaded.pk, "internal"]))
    assert "レイキング" in page.content.decode()


def test_margins_with_a_wrong_code_are_refused_in_japanese(
    analyst_client: Any, loaded: Dataset
) -> None:
    url = reverse("surveys:dataset-margins", args=[loaded.pk])
    upload = io.BytesIO(b"variable,code,count\nsex,9,100\nward,1,5\n")
    upload.name = "m.csv"
    response = analyst_client.post(url, {"file": upload}, follow=True)
    text = response.content.decode()
    assert "2行目" in text and "3行目" in text
    loaded.refresh_from_db()
    assert loaded.margins == []


def test_margins_in_utf16_are_refused_with_the_decoders_message(
    analyst_client: Any, loaded: Dataset
) -> None:
    url = reverse("surveys:dataset-margins", args=[loaded.pk])
    upload = io.BytesIO("variable,code,count\nsex,1,100\n".encode("utf-16"))
    upload.name = "m.csv"
    response = analyst_client.post(url, {"file": upload}, follow=True)
    assert "UTF-16 のファイルには対応していません" in response.content.decode()
    loaded.refresh_from_db()
    assert loaded.margins == []
