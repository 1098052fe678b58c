from __future__ import annotations

import logging
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kitakyushu_pf.exports import attachment_response
from kitakyushu_pf.models import BackgroundJob
from kitakyushu_pf.ratelimits import client_ip_address
from kitakyushu_pf.roles import ANALYST, MEMBER, SECRETARIAT, role_required, user_has_role

from . import charts, presentation, selectors, services
from .forms import DatasetForm, MarginsForm, NationalUploadForm, ReportForm, UploadForm
from .models import AuditLog, Dataset, DatasetFile, Instrument, ReportJob
from .renderers import RENDERERS, filename, summary_lines

logger = logging.getLogger(__name__)
STAFF = (ANALYST, SECRETARIAT)
ResponseT = TypeVar("ResponseT", bound=HttpResponse)


def _client_ip(request: HttpRequest) -> str | None:
    """The client the proxies name (not the proxy): the same address every limit counts."""
    return client_ip_address(request)


def _audit_or_refuse(request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
    """Write the audit row first; if that fails nothing is sent (fail closed)."""
    try:
        services.audit_record(user=request.user, client_ip=_client_ip(request), **kwargs)
    except Exception:
        logger.exception("audit write failed; refusing %s", kwargs.get("action"))
        return render(
            request,
            "surveys/audit_refused.html",
            status=503,
        )
    return None


def _no_store(response: ResponseT) -> ResponseT:
    response["Cache-Control"] = "no-store"
    return response


@role_required(*STAFF)
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = list(selectors.dataset_list())
    return _no_store(render(request, "surveys/dataset_list.html", {"datasets": datasets}))


@role_required(ANALYST)
def dataset_create(request: HttpRequest) -> HttpResponse:
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dataset = services.dataset_create(user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dataset was created. Upload its data file."))
            return redirect(dataset)
    return render(request, "surveys/dataset_form.html", {"form": form})


@role_required(*STAFF)
def dataset_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)
    reports = {job.mode: job for job in selectors.dataset_reports(dataset)}
    context = {
        "dataset": dataset,
        "files": list(selectors.dataset_files(dataset)),
        "upload_form": UploadForm(),
        "report_form": ReportForm(),
        "margins_form": MarginsForm(),
        "reports": [(mode, label, reports.get(mode)) for mode, label in ReportJob.Mode.choices],
        "max_upload_mb": settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024),
        "can_edit": user_has_role(request.user, ANALYST),
    }
    return _no_store(render(request, "surveys/dataset_detail.html", context))


@require_POST
@role_required(ANALYST)
def dataset_margins(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)
    form = MarginsForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(dataset)
    data = form.cleaned_data
    low, high = data.get("weight_min_ratio"), data.get("weight_max_ratio")
    bounds = (low, high) if low is not None and high is not None else None
    upload = data.get("file")
    if not data.get("clear") and upload is None:
        messages.error(request, _("Choose a margins file, or tick the box to remove them."))
        return redirect(dataset)
    try:
        count = services.dataset_margins_set(
            dataset=dataset,
            content=None if data.get("clear") or upload is None else upload.read(),
            bounds=bounds,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(dataset)
    if count:
        messages.success(request, _("The margins were saved. The reports are being rebuilt."))
    else:
        messages.success(request, _("The margins were removed. The reports are being rebuilt."))
    return redirect(dataset)


@require_POST
@role_required(ANALYST)
def file_upload(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset, pk=pk)
    limit = settings.PORTAL_MAX_UPLOAD_BYTES
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 65536:
        return render(
            request,
            "surveys/upload_too_large.html",
            {"limit_mb": limit // (1024 * 1024), "dataset": dataset},
            status=413,
        )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(dataset)
    upload = form.cleaned_data["file"]
    try:
        dataset_file = services.datasetfile_store(
            dataset=dataset, name=upload.name, chunks=upload.chunks(), user=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(dataset)
    dataset_file.refresh_from_db()
    if dataset_file.status == DatasetFile.Status.INVALID:
        messages.error(request, _("The file has problems and was not loaded. See the list below."))
        return redirect(dataset_file)
    if dataset_file.status == DatasetFile.Status.LOADED:
        messages.success(request, _("The file was checked and loaded. The report is being built."))
    else:
        messages.info(request, _("The file was received and is being checked."))
    return redirect(dataset)


# An upload's problem list holds raw cells (row, column, value): microdata, for analysts only.
@role_required(ANALYST)
def file_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset_file = get_object_or_404(DatasetFile.objects.select_related("dataset", "job"), pk=pk)
    denied = _audit_or_refuse(
        request,
        dataset=dataset_file.dataset,
        action=AuditLog.Action.MICRODATA_VIEW,
        format="html",
        mode="validation",
    )
    if denied:
        return denied
    return _no_store(render(request, "surveys/file_detail.html", {"file": dataset_file}))


@role_required(ANALYST)
def file_problems(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset_file = get_object_or_404(DatasetFile.objects.select_related("dataset"), pk=pk)
    path = services.problems_file_path(dataset_file)
    if not path.exists():
        raise Http404
    denied = _audit_or_refuse(
        request,
        dataset=dataset_file.dataset,
        action=AuditLog.Action.MICRODATA_VIEW,
        format="csv",
        mode="validation",
    )
    if denied:
        return denied
    return attachment_response(
        path.read_bytes(),
        filename=f"problems-{str(dataset_file.pk)[:8]}.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_POST
@role_required(ANALYST)
def report_build(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset, pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid() or dataset.status != Dataset.Status.LOADED:
        messages.error(request, _("The report cannot be built: load a valid data file first."))
        return redirect(dataset)
    services.report_request(dataset=dataset, mode=form.cleaned_data["mode"])
    messages.info(request, _("The report is being built."))
    return redirect(dataset)


@require_GET
@role_required(*STAFF)
def job_status(request: HttpRequest, pk: UUID) -> JsonResponse:
    report = get_object_or_404(ReportJob.objects.defer("result").select_related("job"), pk=pk)
    job = report.job
    if job is None:
        raise Http404
    response = JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "attempts": job.attempts,
            "error": job.error,
            "done": job.status == BackgroundJob.Status.DONE,
            "failed": job.status == BackgroundJob.Status.FAILED,
        }
    )
    return _no_store(response)


def _job(dataset: Dataset, mode: str) -> ReportJob:
    if mode not in ReportJob.Mode.values:
        raise Http404
    return get_object_or_404(
        ReportJob, dataset=dataset, mode=mode, job__status=BackgroundJob.Status.DONE
    )


@role_required(*STAFF)
def report_detail(request: HttpRequest, pk: UUID, mode: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)
    job = _job(dataset, mode)
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    view = presentation.page(job.result, language)
    for section in view["sections"]:
        for part in [section["distribution"], *section["breakdowns"]]:
            if part:
                part["svg"] = mark_safe(charts.svg_bars(part["series"], language))  # noqa: S308
    for trend in view["trends"]:
        trend["svg"] = mark_safe(trend["svg"])  # noqa: S308  (built with html.escape)
    context = {
        "dataset": dataset,
        "job": job,
        "summary": summary_lines(job.result),
        "view": view,
        "internal": job.mode == ReportJob.Mode.INTERNAL,
        "can_share": user_has_role(request.user, SECRETARIAT)
        and job.mode == ReportJob.Mode.PUBLISH,
    }
    return _no_store(render(request, "surveys/report_detail.html", context))


@role_required(*STAFF)
def report_download(request: HttpRequest, pk: UUID, mode: str, fmt: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset, pk=pk)
    if fmt not in RENDERERS:
        raise Http404
    job = _job(dataset, mode)
    render_fn, content_type = RENDERERS[fmt]
    denied = _audit_or_refuse(
        request, dataset=dataset, action=AuditLog.Action.DOWNLOAD, format=fmt, mode=mode
    )
    if denied:
        return denied
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    return attachment_response(
        render_fn(job.result, language=language),
        filename=filename(job.result, fmt),
        content_type=content_type,
    )


@role_required(ANALYST)
def microdata_export(request: HttpRequest, pk: UUID, fmt: str) -> HttpResponse:
    """The labelled microdata as SPSS .sav or Stata .dta (analysts only, logged first)."""
    from .statfiles import FORMATS, dataset_statfile, statfile_name

    dataset = get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)
    if fmt not in FORMATS or dataset.status != Dataset.Status.LOADED:
        raise Http404
    denied = _audit_or_refuse(
        request, dataset=dataset, action=AuditLog.Action.DOWNLOAD, format=fmt, mode="microdata"
    )
    if denied:
        return denied
    return _no_store(
        attachment_response(
            dataset_statfile(dataset, fmt),
            filename=statfile_name(dataset, fmt),
            content_type=FORMATS[fmt],
        )
    )


@role_required(ANALYST)
def microdata_view(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)
    denied = _audit_or_refuse(
        request, dataset=dataset, action=AuditLog.Action.MICRODATA_VIEW, format="html"
    )
    if denied:
        return denied
    frame = services.microdata_frame(dataset).head(50)
    columns = list(frame.columns)
    rows = [["" if v == -1 else v for v in row] for row in frame.itertuples(index=False)]
    return _no_store(
        render(
            request,
            "surveys/microdata.html",
            {"dataset": dataset, "columns": columns, "rows": rows},
        )
    )


@role_required(*STAFF)
def national_list(request: HttpRequest) -> HttpResponse:
    form = NationalUploadForm()
    if request.method == "POST":
        if not user_has_role(request.user, ANALYST):
            raise PermissionDenied
        form = NationalUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                count = services.national_figures_replace(content=form.cleaned_data["file"].read())
            except ValidationError as exc:
                for message in exc.messages[:50]:
                    form.add_error("file", message)
            else:
                messages.success(
                    request, _("%(count)d national figures were loaded.") % {"count": count}
                )
                return redirect("surveys:national-list")
    figures = list(selectors.national_figure_list())
    return render(request, "surveys/national_list.html", {"figures": figures, "form": form})


@role_required(SECRETARIAT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = list(selectors.audit_log_list()[:500])
    return _no_store(render(request, "surveys/audit_log.html", {"entries": entries}))


@role_required(*STAFF)
def instrument_template(request: HttpRequest, slug: str) -> HttpResponse:
    instrument = get_object_or_404(Instrument, slug=slug)
    return attachment_response(
        services.instrument_template_xlsx(instrument=instrument),
        filename=f"{instrument.slug}-template.xlsx",
        content_type=RENDERERS["xlsx"][1],
    )


@require_POST
@role_required(SECRETARIAT)
def report_share(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = get_object_or_404(Dataset, pk=pk)
    try:
        services.report_share(dataset=dataset, user=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(dataset)
    messages.success(request, _("The publication PDF is now on the members' page."))
    return redirect("surveys:shared-list")


@role_required(MEMBER, SECRETARIAT)
def shared_list(request: HttpRequest) -> HttpResponse:
    shared = list(services.shared_reports_visible())
    return _no_store(render(request, "surveys/shared_list.html", {"shared": shared}))


@role_required(MEMBER, SECRETARIAT)
def shared_download(request: HttpRequest, pk: UUID) -> HttpResponse:
    shared = get_object_or_404(services.shared_reports_visible(), pk=pk)
    path = services.shared_report_path(shared)
    if not path.exists():
        raise Http404
    denied = _audit_or_refuse(
        request,
        dataset=shared.dataset,
        action=AuditLog.Action.SHARED_DOWNLOAD,
        format="pdf",
        mode=ReportJob.Mode.PUBLISH,
    )
    if denied:
        return denied
    return attachment_response(
        path.read_bytes(),
        filename=f"survey-report-{str(shared.pk)[:8]}-publish.pdf",
        content_type="application/pdf",
    )
