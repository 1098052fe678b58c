import hashlib
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kitakyushu_pf.exports import csv_response, xlsx_response
from kitakyushu_pf.roles import SECRETARIAT, role_required

from . import selectors
from .forms import ImportUploadForm, QuestionnaireForm, RegistrationForm, WalkInForm
from .importing import ImportFileError, decode_upload, import_preview, registrations_import
from .models import Programme, Registration, Session
from .services import (
    Applicant,
    RegistrationBusy,
    me_token_make,
    me_token_read,
    questionnaire_answer_submit,
    questionnaire_token_read,
    registration_cancel,
    registration_check_in,
    registration_walk_in,
    registrations_create,
    result_token_make,
    result_token_read,
    window_error,
)


def busy_response(request: HttpRequest) -> HttpResponse:
    response = render(request, "trainings/busy.html", status=503)
    response["Retry-After"] = "5"
    return response


def _published(slug: str, request: HttpRequest) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not programme.is_published and not request.user.is_staff:
        raise Http404
    return programme


# --- Public pages ----------------------------------------------------------------------------


def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "trainings/programme_list.html",
        {
            "upcoming": list(selectors.programmes_upcoming()),
            "past": list(selectors.programmes_past()[:10]),
        },
    )


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug, request)
    return render(
        request,
        "trainings/programme_detail.html",
        {
            "programme": programme,
            "sessions": list(selectors.programme_sessions(programme)),
            "window_error": window_error(programme),
        },
    )


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@never_cache
@require_http_methods(["GET", "POST"])
def programme_register(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug, request)
    closed = window_error(programme)
    form = RegistrationForm(request.POST or None, programme=programme)
    if request.method == "POST" and closed is None and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        field = data["field_of_work"]
        try:
            made = registrations_create(
                session_ids=[s.pk for s in data["sessions"]],
                applicant=Applicant(
                    name=data["name"],
                    kana=data["kana"],
                    email=data["email"],
                    phone=data["phone"],
                    organisation_id=organisation.pk if organisation else None,
                    organisation_name="" if organisation else data["organisation_name"],
                    field_of_work_id=field.pk if field else None,
                ),
            )
        except RegistrationBusy:
            return busy_response(request)
        except ValidationError as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
        else:
            token = result_token_make(registration_ids=[r.pk for r in made])
            return redirect("trainings:registration-result", slug=programme.slug, token=token)
    return render(
        request,
        "trainings/registration_form.html",
        {
            "programme": programme,
            "form": form,
            "closed": closed,
            "sessions": list(selectors.programme_sessions(programme)),
        },
    )


@never_cache
def registration_result(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    programme = _published(slug, request)
    try:
        ids = result_token_read(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    registrations = list(
        Registration.objects.filter(pk__in=ids, session__programme=programme)
        .select_related("session")
        .order_by("session__date", "session__start")
    )
    if not registrations:
        raise Http404
    return render(
        request,
        "trainings/registration_result.html",
        {
            "programme": programme,
            "registrations": registrations,
            "me_token": me_token_make(email=registrations[0].email),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = me_token_read(token)
    except signing.BadSignature:
        return render(request, "trainings/me_invalid.html", status=404)
    if request.method == "POST":
        registration = get_object_or_404(
            Registration, pk=request.POST.get("registration"), email=email
        )
        try:
            registration_cancel(registration_id=registration.pk)
        except RegistrationBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, " ".join(_error_messages(exc)))
        else:
            messages.success(
                request,
                _("Your place in “%(theme)s” was cancelled.")
                % {"theme": registration.session.theme},
            )
        return redirect("trainings:me", token=token)
    return render(
        request,
        "trainings/me.html",
        {"email": email, "registrations": list(selectors.registrations_for_email(email))},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration_id = questionnaire_token_read(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    registration = get_object_or_404(
        Registration.objects.select_related("session__programme"), pk=registration_id
    )
    answered = hasattr(registration, "questionnaire_answer")
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            questionnaire_answer_submit(registration_id=registration.pk, **form.cleaned_data)
        except ValidationError as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect("trainings:questionnaire", token=token)
    return render(
        request,
        "trainings/questionnaire_form.html",
        {"registration": registration, "form": form, "answered": answered},
    )


# --- Secretariat -----------------------------------------------------------------------------


@never_cache
@role_required(SECRETARIAT)
def checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("programme"), pk=session_id)
    walk_in_form = WalkInForm(request.POST if "walk_in" in request.POST else None)
    if request.method == "POST":
        try:
            if "registration" in request.POST:
                registration = get_object_or_404(
                    Registration, pk=request.POST["registration"], session=session
                )
                registration_check_in(registration_id=registration.pk)
                messages.success(
                    request, _("%(name)s is checked in.") % {"name": registration.name}
                )
                return redirect(request.get_full_path())
            if walk_in_form.is_valid():
                data = walk_in_form.cleaned_data
                registration = registration_walk_in(
                    session_id=session.pk,
                    applicant=Applicant(
                        name=data["name"],
                        kana=data["kana"],
                        email=data["email"],
                        organisation_name=data["organisation_name"],
                    ),
                )
                messages.success(
                    request, _("%(name)s was added and checked in.") % {"name": registration.name}
                )
                return redirect(request.get_full_path())
        except RegistrationBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, " ".join(_error_messages(exc)))
    query = request.GET.get("q", "").strip()
    people = list(selectors.checkin_search(session, query)[:200])
    return render(
        request,
        "trainings/checkin.html",
        {
            "session": session,
            "query": query,
            "people": people,
            "walk_in_form": walk_in_form,
            "attended": sum(1 for p in people if p.state == "attended") if not query else None,
        },
    )


@never_cache
@role_required(SECRETARIAT)
@require_http_methods(["GET", "POST"])
def checkin_scan(request: HttpRequest, session_id: int, token: str) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("session__programme"),
        session_id=session_id,
        checkin_token=token,
    )
    if request.method == "POST":
        try:
            registration_check_in(registration_id=registration.pk)
        except RegistrationBusy:
            return busy_response(request)
        except ValidationError as exc:
            messages.error(request, " ".join(_error_messages(exc)))
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
        return redirect("trainings:checkin", session_id=session_id)
    return render(request, "trainings/checkin_scan.html", {"registration": registration})


ATTENDEE_HEADER = (
    "講座番号",
    "日付",
    "開始",
    "テーマ",
    "状態",
    "キャンセル待ち順",
    "氏名",
    "ふりがな",
    "メールアドレス",
    "電話番号",
    "所属",
    "活動分野",
    "申込経路",
    "受付番号",
    "申込日時",
)


def _attendee_rows(registrations: Any) -> Any:
    for r in registrations:
        yield (
            r.session.number,
            r.session.date,
            r.session.start.strftime("%H:%M"),
            r.session.theme,
            r.get_state_display(),
            r.position if r.state == "waitlisted" else "",
            r.name,
            r.kana,
            r.email,
            r.phone,
            r.organisation_label,
            r.field_of_work.name if r.field_of_work_id else "",
            r.get_source_display(),
            r.external_id,
            r.created_at,
        )


@never_cache
@role_required(SECRETARIAT)
def session_attendees_export(request: HttpRequest, session_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    session = get_object_or_404(Session.objects.select_related("programme"), pk=session_id)
    registrations = selectors.session_attendees(session).select_related("session")
    name = f"attendees-{session.programme.slug}-{session.number}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", ATTENDEE_HEADER, _attendee_rows(registrations))
    return xlsx_response(
        f"{name}.xlsx", [(f"{session.number}", ATTENDEE_HEADER, _attendee_rows(registrations))]
    )


@never_cache
@role_required(SECRETARIAT)
def programme_attendees_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    programme = get_object_or_404(Programme, slug=slug)
    registrations = selectors.programme_attendees(programme)
    name = f"attendees-{programme.slug}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", ATTENDEE_HEADER, _attendee_rows(registrations))
    return xlsx_response(
        f"{name}.xlsx", [(_("Attendees"), ATTENDEE_HEADER, _attendee_rows(registrations))]
    )


@never_cache
@role_required(SECRETARIAT)
def programme_manage(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    return render(
        request,
        "trainings/programme_manage.html",
        {"programme": programme, "counts": selectors.programme_counts(programme)},
    )


IMPORT_SESSION_KEY = "trainings-import"


@never_cache
@role_required(SECRETARIAT)
@require_http_methods(["GET", "POST"])
def programme_import(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    rows = None
    digest = ""
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        if stored.get("digest") != request.POST.get("digest") or stored.get("slug") != slug:
            messages.error(request, _("Please upload the file again."))
            return redirect("trainings:programme-import", slug=slug)
        try:
            result = registrations_import(programme=programme, text=stored["text"])
        except RegistrationBusy:
            return busy_response(request)
        except (ValidationError, ImportFileError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("trainings:programme-import", slug=slug)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _("Imported: %(c)s confirmed, %(w)s on the waiting list, %(s)s rows skipped.")
            % {"c": result.confirmed, "w": result.waitlisted, "s": result.skipped},
        )
        return redirect("trainings:programme-manage", slug=slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            text = decode_upload(data)
            rows = import_preview(programme=programme, text=text)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            digest = hashlib.sha256(data).hexdigest()
            request.session[IMPORT_SESSION_KEY] = {"digest": digest, "slug": slug, "text": text}
    return render(
        request,
        "trainings/import_form.html",
        {
            "programme": programme,
            "form": form,
            "rows": rows,
            "digest": digest,
            "has_errors": any(r.status == "error" for r in rows or []),
            "new_count": sum(1 for r in rows or [] if r.status == "new"),
        },
    )


@never_cache
@role_required(SECRETARIAT)
def questionnaire_summary(
    request: HttpRequest, slug: str, session_id: int | None = None
) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    session = None
    if session_id is not None:
        session = get_object_or_404(Session, pk=session_id, programme=programme)
        answers = selectors.answers_for_session(session)
    else:
        answers = selectors.answers_for_programme(programme)
    summary = selectors.questionnaire_summary(answers)
    return render(
        request,
        "trainings/questionnaire_summary.html",
        {
            "programme": programme,
            "session": session,
            "summary": summary,
            "chart": summary.chart_data(),
            "sessions": programme.sessions.order_by("date", "start"),
        },
    )
