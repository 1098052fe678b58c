"""Access table for the surveys app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import DENIED, LOGIN, OK, REDIRECT, Access, public, roles_only

BOTH = ("analyst", "secretariat")


def analyst_only(url: str, **kwargs: Any) -> Access:
    return Access(url, anonymous=LOGIN, member=DENIED, analyst=OK, secretariat=DENIED, **kwargs)


ENTRIES = {
    "surveys/": roles_only("/surveys/", *BOTH),
    "surveys/new/": analyst_only("/surveys/new/"),
    "surveys/d/<uuid:pk>/": roles_only("/surveys/d/{dataset}/", *BOTH),
    "surveys/d/<uuid:pk>/upload/": Access(
        "/surveys/d/{dataset}/upload/",
        method="POST",
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
        note="POST only (the form is on the dataset page)",
    ),
    "surveys/d/<uuid:pk>/margins/": Access(
        "/surveys/d/{dataset}/margins/",
        method="POST",
        data={"clear": "on"},
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
        note="POST only (the form is on the dataset page)",
    ),
    "surveys/d/<uuid:pk>/microdata/": analyst_only("/surveys/d/{dataset}/microdata/"),
    "surveys/d/<uuid:pk>/microdata/<str:fmt>/": analyst_only("/surveys/d/{dataset}/microdata/sav/"),
    "surveys/d/<uuid:pk>/report/": Access(
        "/surveys/d/{dataset}/report/",
        method="POST",
        data={"mode": "internal"},
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
    ),
    "surveys/d/<uuid:pk>/report/<str:mode>/": roles_only(
        "/surveys/d/{dataset}/report/internal/", *BOTH
    ),
    "surveys/d/<uuid:pk>/report/<str:mode>/download/<str:fmt>/": roles_only(
        "/surveys/d/{dataset}/report/internal/download/csv/", *BOTH
    ),
    "surveys/d/<uuid:pk>/share/": Access(
        "/surveys/d/{dataset}/share/",
        method="POST",
        anonymous=LOGIN,
        member=DENIED,
        analyst=DENIED,
        secretariat=REDIRECT,
        note="POST only (the form is on the publication report page)",
    ),
    "surveys/shared/": roles_only("/surveys/shared/", "member", "secretariat"),
    "surveys/shared/<uuid:pk>/download/": roles_only(
        "/surveys/shared/{shared}/download/", "member", "secretariat"
    ),
    "surveys/f/<uuid:pk>/": roles_only("/surveys/f/{file}/", "analyst"),
    "surveys/f/<uuid:pk>/problems.csv": roles_only("/surveys/f/{file}/problems.csv", "analyst"),
    "surveys/jobs/<uuid:pk>/status/": roles_only("/surveys/jobs/{job}/status/", *BOTH),
    "surveys/national/": roles_only("/surveys/national/", *BOTH),
    "surveys/audit/": roles_only("/surveys/audit/", "secretariat"),
    "surveys/instruments/<slug:slug>/template/": roles_only(
        "/surveys/instruments/tsunagari-r3/template/", *BOTH
    ),
    # Web answering (issue 14): public pages reached with a printed code; staff pages.
    "answer/": public("/answer/"),
    "answer/thanks/": public("/answer/thanks/"),
    "answer/<str:code>/": public("/answer/{code}/", note="anyone holding the printed code"),
    "surveys/d/<uuid:pk>/web/": roles_only("/surveys/d/{web_dataset}/web/", *BOTH),
    "surveys/d/<uuid:pk>/web/open/": Access(
        "/surveys/d/{dataset}/web/open/",
        method="POST",
        data={"opens_on": "2026-01-01", "closes_on": "2026-01-31"},
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
    ),
    "surveys/d/<uuid:pk>/web/codes/": Access(
        "/surveys/d/{web_dataset}/web/codes/",
        method="POST",
        data={"count": "2"},
        anonymous=LOGIN,
        member=DENIED,
        analyst=OK,
        secretariat=DENIED,
        note="the download is the only place the plain codes exist",
    ),
    "surveys/d/<uuid:pk>/web/unused/": Access(
        "/surveys/d/{web_dataset}/web/unused/",
        method="POST",
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
        note="without the held list: back to the fieldwork page",
    ),
    "surveys/d/<uuid:pk>/web/destroyed/": Access(
        "/surveys/d/{other_web_dataset}/web/destroyed/",
        method="POST",
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
    ),
    "surveys/d/<uuid:pk>/web/duplicate/<int:code_pk>/": Access(
        "/surveys/d/{web_dataset}/web/duplicate/{code_pk}/",
        method="POST",
        data={"counted": "web"},
        anonymous=LOGIN,
        member=DENIED,
        analyst=REDIRECT,
        secretariat=DENIED,
    ),
}


def setup() -> dict[str, Any]:
    from surveys import services
    from surveys.models import ReportJob
    from tests.surveys.factories import load_dataset, synthetic_csv

    dataset = load_dataset(synthetic_csv(60))
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    services.report_job_run(job=job)
    # A shared report without rendering a PDF (the matrix only checks who may fetch it).
    from surveys.models import SharedReport

    pdf = services.dataset_dir(dataset) / "shared-access.pdf"
    pdf.write_bytes(b"%PDF-1.4 access matrix")
    shared = SharedReport.objects.create(
        dataset=dataset,
        title=dataset.title,
        pdf_file=str(pdf.relative_to(services.private_root())),
        size=pdf.stat().st_size,
    )
    from django.utils import timezone

    from surveys import web

    today = timezone.localdate()
    web_dataset = load_dataset(synthetic_csv(20))
    web.fielding_open(dataset=web_dataset, opens_on=today, closes_on=today)
    code = web.codes_issue(dataset=web_dataset, count=1)[0]
    other = load_dataset(synthetic_csv(20))
    web.fielding_open(dataset=other, opens_on=today, closes_on=today)
    access = web.code_find(code)
    return {
        "dataset": dataset.pk,
        "file": dataset.files.get().pk,
        "job": job.pk,
        "shared": shared.pk,
        "web_dataset": web_dataset.pk,
        "other_web_dataset": other.pk,
        "code": code,
        "code_pk": access.pk if access else 0,
    }
