"""Staff pages of a web fielding: fieldwork, codes (issue, unused, destroyed), duplicates."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitakyushu_pf.exports import attachment_response, csv_bytes
from kitakyushu_pf.roles import ANALYST, SECRETARIAT, role_required, user_has_role

from . import web
from .models import AccessCode, Dataset, WebFielding

STAFF = (ANALYST, SECRETARIAT)


def _dataset(pk: UUID) -> Dataset:
    return get_object_or_404(Dataset.objects.select_related("instrument"), pk=pk)


@require_POST
@role_required(ANALYST)
def web_open(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = _dataset(pk)
    try:
        opens_on = date.fromisoformat(request.POST.get("opens_on", ""))
        closes_on = date.fromisoformat(request.POST.get("closes_on", ""))
        web.fielding_open(dataset=dataset, opens_on=opens_on, closes_on=closes_on)
    except ValueError:
        messages.error(request, _("Enter both dates."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The dataset is open for web answers. Issue the codes."))
    return redirect(dataset)


@role_required(*STAFF)
def web_fieldwork(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = _dataset(pk)
    get_object_or_404(WebFielding, dataset=dataset)
    context = {
        "dataset": dataset,
        "work": web.fieldwork(dataset),
        "duplicates": web.duplicates(dataset),
        "can_edit": user_has_role(request.user, ANALYST),
        "state": web.fielding_state(dataset.web),
        "Status": AccessCode.Status,
    }
    response = render(request, "surveys/web/fieldwork.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(ANALYST)
def web_codes_issue(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Codes exist in plain text only in this one download (codes.csv + inserts.pdf)."""
    dataset = _dataset(pk)
    try:
        count = int(request.POST.get("count", "0"))
        codes = web.codes_issue(dataset=dataset, count=count)
    except ValueError:
        messages.error(request, _("Enter the number of codes."))
        return redirect("surveys:web-fieldwork", pk=dataset.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("surveys:web-fieldwork", pk=dataset.pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("codes.csv", web.codes_csv(codes))
        archive.writestr("inserts.pdf", web.inserts_pdf(dataset=dataset, codes=codes))
    return attachment_response(
        buffer.getvalue(), filename=f"codes-{len(codes)}.zip", content_type="application/zip"
    )


@require_POST
@role_required(ANALYST)
def web_codes_unused(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Upload the held code list; get back the codes not used yet (reminder postcards)."""
    dataset = _dataset(pk)
    upload = request.FILES.get("codes")
    if upload is None or (upload.size or 0) > 20 * 1024 * 1024:
        messages.error(request, _("Choose the code list (codes.csv) issued for this dataset."))
        return redirect("surveys:web-fieldwork", pk=dataset.pk)
    unused = web.codes_unused(dataset=dataset, codes=web.read_code_list(upload.read()))
    content = csv_bytes(["code", "url"], ((c, web.answer_url(c)) for c in unused))
    return attachment_response(content, filename="codes-unused.csv", content_type="text/csv")


@require_POST
@role_required(ANALYST)
def web_codes_destroyed(request: HttpRequest, pk: UUID) -> HttpResponse:
    dataset = _dataset(pk)
    web.code_list_destroyed(dataset=dataset)
    messages.success(request, _("The printed code list is recorded as destroyed."))
    return redirect("surveys:web-fieldwork", pk=dataset.pk)


@require_POST
@role_required(ANALYST)
def web_duplicate_choose(request: HttpRequest, pk: UUID, code_pk: int) -> HttpResponse:
    dataset = _dataset(pk)
    access = get_object_or_404(AccessCode, pk=code_pk, dataset=dataset)
    try:
        web.duplicate_choose(access=access, counted=request.POST.get("counted", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("surveys:web-fieldwork", pk=dataset.pk)
