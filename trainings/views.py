import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kitakyushu_pf.exports import csv_response, xlsx_response
from kitakyushu_pf.ratelimits import ratelimit
from kitakyushu_pf.roles import SECRETARIAT, role_required, user_has_role
from kitakyushu_pf.uploads import decode_text_upload

from . import links, selectors
from .forms import (
    ImportUploadForm,
    LinkResendForm,
    QuestionnaireForm,
    RegistrationForm,
    WalkInForm,
)
from .importing import import_preview, registrations_import
from .models import HOLDING_STATES, AccessLink, Programme, Registration, Session
from .services import (
    Applicant,
    RegistrationBusy,
    checkin_qr_svg_uri,
    hold_expired_error,
    link_resend_request,
    questionnaire_answer_submit,
    questionnaire_questions_ensure,
    registration_cancel,
    registration_check_in,
    registration_check_in_undo,
    registration_hold_confirm,
    registration_restore,
    registration_walk_in,
    registrations_create,
    result_token_make,
    result_token_read,
    waiting_rank,
    window_error,
)


def busy_response(request: HttpRequest) -> HttpResponse:
    response = render(request, "trainings/busy.html", status=503)
    response["Retry-After"] = "5"
    return response


def busy_as_503(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A session locked for longer than the lock timeout answers 503 「混み合っています」."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RegistrationBusy:
            return busy_response(request)

    return wrapped


def _published(slug: str, request: HttpRequest) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not programme.is_published and not user_has_role(request.user, SECRETARIAT):
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
    sessions = list(selectors.programme_sessions(programme))
    now = timezone.now()
    return render(
        request,
        "trainings/programme_detail.html",
        {
            "programme": programme,
            "sessions": sessions,
            "window_error": window_error(programme),
            "finished": bool(sessions) and max(s.ends_at for s in sessions) <= now,
        },
    )


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit("trainings.register", address_field="email")
@busy_as_503
def programme_register(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug, request)
    closed = window_error(programme)
    form = RegistrationForm(request.POST or None, programme=programme)
    if request.method == "POST" and closed is None and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        field = data["field_of_work"]
        session_ids = list(data["sessions"])
        try:
            registrations_create(
                programme=programme,
                session_ids=session_ids,
                applicant=Applicant(
                    name=data["name"],
                    kana=data["kana"],
                    email=data["email"],
                    phone=data["phone"],
                    organisation_id=organisation.pk if organisation else None,
                    organisation_name="" if organisation else data["organisation_name"],
                    field_of_work_id=field.pk if field else None,
                    language=translation.get_language() or "ja",
                ),
            )
        except ValidationError as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
        else:
            # The same answer whatever the address: what was applied for, and "see your mail".
            token = result_token_make(programme_id=programme.pk, session_ids=session_ids)
            return redirect("trainings:registration-result", slug=programme.slug, token=token)
    now = timezone.now()
    return render(
        request,
        "trainings/registration_form.html",
        {
            "programme": programme,
            "form": form,
            "closed": closed,
            # A lecture past its cut-off is not offered (the service refuses it too).
            "sessions": [
                s for s in selectors.programme_sessions(programme) if not s.is_past_cutoff(now)
            ],
        },
    )


@never_cache
def registration_result(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    programme = _published(slug, request)
    try:
        programme_id, session_ids = result_token_read(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc
    if programme_id != programme.pk:
        raise Http404
    sessions = list(programme.sessions.filter(pk__in=session_ids).order_by("date", "start"))
    if not sessions:
        raise Http404
    return render(
        request,
        "trainings/registration_result.html",
        {"programme": programme, "sessions": sessions},
    )


def _confirm_status(link: AccessLink) -> str:
    registration = link.registration
    assert registration is not None
    if link.revoked_at is not None or registration.state in HOLDING_STATES:
        return "used"
    if registration.state == Registration.State.CANCELLED and link.is_usable():
        return "cancelled"
    if not link.is_usable() or registration.state != Registration.State.PENDING:
        return "expired"
    return "held"


@never_cache
@require_http_methods(["GET", "POST"])
@busy_as_503
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link of a held seat: GET shows it (a mail scanner opening the link confirms
    nothing), the button confirms it, once, until the hold ends."""
    link = links.confirm_link_lookup(token)
    if link is None or link.registration is None:
        return render(request, "trainings/me_invalid.html", status=404)
    registration = link.registration
    status = _confirm_status(link)
    problem = ""
    if request.method == "POST" and status == "held":
        try:
            registration = registration_hold_confirm(registration_id=registration.pk)
        except ValidationError as exc:
            status = {"confirmed": "used", "cancelled": "cancelled"}.get(exc.code or "", "expired")
            problem = " ".join(_error_messages(exc))
        else:
            status = "done"
    if status == "expired" and not problem:
        problem = " ".join(_error_messages(hold_expired_error(registration)))
    return render(
        request,
        "trainings/registration_confirm.html",
        {
            "registration": registration,
            "session": registration.session,
            "programme": registration.session.programme,
            "status": status,
            "problem": problem,
            "token": token,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit("trainings.link_resend", address_field="email")
def link_resend(request: HttpRequest) -> HttpResponse:
    """「リンクを再送する」: the same answer whatever the address; the mailbox gets the links."""
    form = LinkResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link_resend_request(email=form.cleaned_data["email"])
        return render(request, "trainings/link_resend_sent.html")
    return render(request, "trainings/link_resend.html", {"form": form})


def _me_link(token: str) -> AccessLink | None:
    return links.link_find(token, AccessLink.Purpose.ME)


@never_cache
@require_http_methods(["GET", "POST"])
@busy_as_503
def me(request: HttpRequest, token: str) -> HttpResponse:
    link = _me_link(token)
    if link is None:
        return render(request, "trainings/me_invalid.html", status=404)
    places = selectors.registrations_for_link(link)
    if request.method == "POST":
        number = str(request.POST.get("registration", ""))
        if not number.isdecimal():
            raise Http404
        registration = get_object_or_404(places, pk=int(number))
        action = request.POST.get("action", "cancel")
        try:
            if action == "hold-confirm":
                registration_hold_confirm(registration_id=registration.pk)
                messages.success(
                    request,
                    _("Your place in “%(theme)s” is confirmed.")
                    % {"theme": registration.session.theme},
                )
            elif action == "restore":
                registration_restore(registration_id=registration.pk)
                messages.success(
                    request,
                    _("Your place in “%(theme)s” is back.") % {"theme": registration.session.theme},
                )
            elif request.POST.get("confirm") == "1":
                registration_cancel(registration_id=registration.pk)
                messages.success(
                    request,
                    _(
                        "Your place in “%(theme)s” was cancelled. You can undo this below "
                        "until the session starts."
                    )
                    % {"theme": registration.session.theme},
                )
            else:
                return render(
                    request,
                    "trainings/me_cancel_confirm.html",
                    {"registration": registration, "token": token},
                )
        except ValidationError as exc:
            messages.error(request, " ".join(_error_messages(exc)))
        links.me_link_ensure(email=link.email, programme=link.programme)
        return redirect("trainings:me", token=token)
    now = timezone.now()
    rows = []
    for r in places.order_by("session__date", "session__start", "pk"):
        online = r.session.format == Session.Format.ONLINE
        rows.append(
            {
                "r": r,
                "rank": waiting_rank(r),
                "qr": checkin_qr_svg_uri(registration=r)
                if r.state in ("confirmed", "attended") and not online
                else "",
                "online": online,
                "changeable": not r.session.is_past_cutoff(now),
            }
        )
    return render(
        request,
        "trainings/me.html",
        {
            "programme": link.programme,
            "rows": rows,
            "expires_at": link.expires_at,
            "token": token,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    link = links.link_find(token, AccessLink.Purpose.QUESTIONNAIRE)
    if link is None or link.registration is None:
        return render(request, "trainings/me_invalid.html", status=404)
    registration = link.registration
    answered = hasattr(registration, "questionnaire_answer")
    questions = questionnaire_questions_ensure(programme=registration.session.programme)
    form = QuestionnaireForm(request.POST or None, questions=questions)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            questionnaire_answer_submit(registration_id=registration.pk, answers=form.answers())
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
@busy_as_503
def checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("programme"), pk=session_id)
    walk_in_form = WalkInForm(request.POST if "walk_in" in request.POST else None)
    offer_waitlist = False
    if request.method == "POST":
        try:
            if "registration" in request.POST:
                registration = get_object_or_404(
                    Registration, pk=request.POST["registration"], session=session
                )
                if request.POST.get("action") == "undo":
                    registration_check_in_undo(registration_id=registration.pk)
                    messages.success(
                        request,
                        _("The check-in of %(name)s was undone.") % {"name": registration.name},
                    )
                else:
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
                    waitlist_if_full=request.POST.get("walk_in") == "waitlist",
                )
                if registration.state == Registration.State.WAITLISTED:
                    messages.success(
                        request,
                        _("%(name)s was put on the waiting list.") % {"name": registration.name},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s was added and checked in.") % {"name": registration.name},
                    )
                return redirect(request.get_full_path())
        except ValidationError as exc:
            offer_waitlist = getattr(exc, "code", "") == "full" and walk_in_form.is_bound
            messages.error(request, " ".join(_error_messages(exc)))
    session.refresh_from_db(fields=["confirmed_count", "capacity"])
    query = request.GET.get("q", "").strip()
    people = selectors.checkin_search(session, query)[:200]
    return render(
        request,
        "trainings/checkin.html",
        {
            "session": session,
            "query": query,
            "people": people,
            "walk_in_form": walk_in_form,
            "offer_waitlist": offer_waitlist,
            "checked_in": selectors.checked_in_count(session),
        },
    )


@never_cache
@role_required(SECRETARIAT)
@require_http_methods(["GET", "POST"])
@busy_as_503
def checkin_scan(request: HttpRequest, session_id: int, token: str) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("session__programme"),
        session_id=session_id,
        checkin_token=token,
    )
    if request.method == "POST":
        try:
            registration_check_in(registration_id=registration.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(_error_messages(exc)))
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
        return redirect("trainings:checkin", session_id=session_id)
    return render(request, "trainings/checkin_scan.html", {"registration": registration})


def lecture_sheet_title(session: Session) -> str:
    """An XLSX sheet per lecture: its number and theme (shortened by the export to 31 chars)."""
    return f"{session.number} {session.theme}"


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
    now = timezone.now()
    for r in registrations:
        yield (
            r.session.number,
            r.session.date,
            r.session.start.strftime("%H:%M"),
            r.session.theme,
            selectors.state_label(r, now),
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
        f"{name}.xlsx",
        [(lecture_sheet_title(session), ATTENDEE_HEADER, _attendee_rows(registrations))],
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
    # One sheet per lecture, named after it (kitakyushu_pf.exports makes the name valid).
    sheets = []
    for session in programme.sessions.order_by("date", "start", "number"):
        rows = [r for r in registrations if r.session_id == session.pk]
        sheets.append((lecture_sheet_title(session), ATTENDEE_HEADER, _attendee_rows(rows)))
    return xlsx_response(f"{name}.xlsx", sheets)


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
@busy_as_503
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
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
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
            text, _encoding = decode_text_upload(data)
            rows = import_preview(programme=programme, text=text)
        except ValidationError as exc:
            form.add_error("file", exc)
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
    questions = questionnaire_questions_ensure(programme=programme)
    summary = selectors.questionnaire_summary(answers, questions)
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


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
def certificate(request: HttpRequest, token: str, registration_id: int) -> HttpResponse:
    """The person's own 受講証明, from their "my registrations" link."""
    from .certificates import certificates_pdf

    link = _me_link(token)
    if link is None:
        return render(request, "trainings/me_invalid.html", status=404)
    registration = get_object_or_404(
        selectors.registrations_for_link(link), pk=registration_id, state="attended"
    )
    return _pdf_response(
        certificates_pdf([registration]), f"certificate-{registration.session.number}.pdf"
    )


@never_cache
@role_required(SECRETARIAT)
def programme_certificates(request: HttpRequest, slug: str) -> HttpResponse:
    """Every 受講証明 of a programme (one page per attended session), or of one session."""
    from .certificates import certificates_pdf

    programme = get_object_or_404(Programme, slug=slug)
    registrations = Registration.objects.filter(
        session__programme=programme, state="attended", anonymised_at__isnull=True
    ).select_related("session__programme", "organisation")
    if session_id := request.GET.get("session"):
        registrations = registrations.filter(session_id=session_id)
    registrations = registrations.order_by("session__date", "session__start", "kana", "name")
    return _pdf_response(certificates_pdf(registrations), f"certificates-{programme.slug}.pdf")


@never_cache
@role_required(SECRETARIAT)
def questionnaire_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Questionnaire answers, one row per answer, without the person."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    programme = get_object_or_404(Programme, slug=slug)
    questions = questionnaire_questions_ensure(programme=programme)
    name = f"questionnaire-{programme.slug}"
    if fmt == "csv":
        header, rows = selectors.questionnaire_rows(programme, questions)
        return csv_response(f"{name}.csv", header, rows)
    sheets = []
    for session in programme.sessions.order_by("date", "start", "number"):
        header, rows = selectors.questionnaire_rows(programme, questions, session=session)
        sheets.append((lecture_sheet_title(session), header, rows))
    return xlsx_response(f"{name}.xlsx", sheets)
