"""Registration rules: capacity, waiting lists, cancellations, check-in and the e-mails they send.

Every write that touches a session's places runs in one transaction that first locks the session
row (`SELECT ... FOR UPDATE`, with a 3 s lock timeout on PostgreSQL; SQLite serialises writers with
IMMEDIATE transactions). Under that lock the service reads the session's `confirmed_count`, inserts
the registration as confirmed or waitlisted, and updates the counter. The database backs this up:
`confirmed_count <= capacity` is a check constraint, an e-mail holds at most one place per session
and waiting-list positions are unique per session.
"""

import contextlib
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.services import Attachment, email_enqueue

from .models import ACTIVE_STATES, HOLDING_STATES, QuestionnaireAnswer, Registration, Session

logger = logging.getLogger(__name__)

ME_SALT = "trainings.me"
RESULT_SALT = "trainings.result"
QUESTIONNAIRE_SALT = "trainings.questionnaire"
LOCK_TIMEOUT = "3s"


class RegistrationBusy(Exception):
    """The session is locked by other requests for longer than the lock timeout."""


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    kana: str = ""
    phone: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    field_of_work_id: int | None = None


# --- Signed links ----------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def me_token_make(*, email: str) -> str:
    return signing.dumps(normalise_email(email), salt=ME_SALT, compress=True)


def me_token_read(token: str) -> str:
    """The e-mail address a "my registrations" token was made for; BadSignature if tampered."""
    return str(signing.loads(token, salt=ME_SALT))


def result_token_make(*, registration_ids: Sequence[int]) -> str:
    return signing.dumps(list(registration_ids), salt=RESULT_SALT)


def result_token_read(token: str) -> list[int]:
    return [int(pk) for pk in signing.loads(token, salt=RESULT_SALT, max_age=86400)]


def questionnaire_token_make(*, registration_id: int) -> str:
    return signing.dumps(registration_id, salt=QUESTIONNAIRE_SALT)


def questionnaire_token_read(token: str) -> int:
    return int(signing.loads(token, salt=QUESTIONNAIRE_SALT))


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def me_url(email: str) -> str:
    return absolute_url(reverse("trainings:me", args=[me_token_make(email=email)]))


def checkin_url(registration: Registration) -> str:
    return absolute_url(
        reverse(
            "trainings:checkin-scan",
            args=[registration.session_id, registration.checkin_token],
        )
    )


# --- Locking ---------------------------------------------------------------------------------


def _locking_disabled() -> bool:
    return bool(getattr(settings, "TRAININGS_TEST_DISABLE_LOCKING", False))


def _sleep_after_capacity_check() -> None:
    seconds = float(getattr(settings, "TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK", 0) or 0)
    if seconds:
        time.sleep(seconds)


@contextlib.contextmanager
def _busy_guard() -> Iterator[None]:
    """Turn a lock timeout (PostgreSQL) or a busy database (SQLite) into RegistrationBusy."""
    try:
        yield
    except OperationalError as exc:
        cause = exc.__cause__
        pgcode = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
        if pgcode in ("55P03", "40P01", "40001") or "locked" in str(exc).lower():
            logger.warning("registration busy: %s", exc)
            raise RegistrationBusy(str(exc)) from exc
        raise


def _lock_sessions(session_ids: Sequence[int]) -> dict[int, Session]:
    """Lock the sessions' rows in primary-key order (no deadlocks) inside the caller's atomic."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    qs = Session.objects.filter(pk__in=set(session_ids)).select_related("programme").order_by("pk")
    if not _locking_disabled():
        qs = qs.select_for_update(of=("self",))
    return {s.pk: s for s in qs}


# --- Placing people --------------------------------------------------------------------------


def _duplicate_error(session: Session) -> ValidationError:
    return ValidationError(
        _("This e-mail address already holds a place in “%(theme)s”."),
        code="duplicate",
        params={"theme": session.theme},
    )


def _place(
    *,
    session: Session,
    applicant: Applicant,
    source: str,
    external_id: str = "",
    prepared: "PreparedMail | None" = None,
) -> Registration:
    """Insert one registration into a locked session: confirmed if a seat is free, else waiting."""
    email = normalise_email(applicant.email)
    if (
        email
        and Registration.objects.filter(
            session=session, email=email, state__in=ACTIVE_STATES
        ).exists()
    ):
        raise _duplicate_error(session)
    if _locking_disabled():
        # Test-only: the unguarded count-then-insert that the lock exists to prevent.
        confirmed = Registration.objects.filter(session=session, state__in=HOLDING_STATES).count()
    else:
        confirmed = session.confirmed_count
    _sleep_after_capacity_check()
    registration = Registration(
        session=session,
        name=applicant.name.strip(),
        kana=applicant.kana.strip(),
        email=email,
        phone=applicant.phone.strip(),
        organisation_id=applicant.organisation_id,
        organisation_name=applicant.organisation_name.strip(),
        field_of_work_id=applicant.field_of_work_id,
        source=source,
        external_id=external_id,
        created_at=timezone.now(),
    )
    if prepared is not None:
        registration.checkin_token = prepared.checkin_token
    if confirmed < session.capacity:
        registration.state = Registration.State.CONFIRMED
    else:
        registration.state = Registration.State.WAITLISTED
        top = Registration.objects.filter(session=session).aggregate(m=Max("position"))["m"]
        registration.position = (top or 0) + 1
    registration.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if (
            email
            and Registration.objects.filter(
                session=session, email=email, state__in=ACTIVE_STATES
            ).exists()
        ):
            raise _duplicate_error(session) from exc
        raise RegistrationBusy(str(exc)) from exc
    if registration.state == Registration.State.CONFIRMED:
        if _locking_disabled():
            Session.objects.filter(pk=session.pk).update(confirmed_count=confirmed + 1)
        else:
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        session.confirmed_count = confirmed + 1
        registration_email(
            registration=registration,
            kind="confirmed",
            attachments=prepared.attachments if prepared else None,
        )
    else:
        registration_email(registration=registration, kind="waitlisted")
    return registration


def _check_overlaps(sessions: Sequence[Session]) -> None:
    ordered = sorted(sessions, key=lambda s: (s.date, s.start))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if first.overlaps(second):
                raise ValidationError(
                    _(
                        "“%(a)s” and “%(b)s” take place at the same time. "
                        "Please choose only one of them."
                    ),
                    code="overlap",
                    params={"a": first.theme, "b": second.theme},
                )


def window_error(programme: object) -> ValidationError | None:
    state = programme.window_state()  # type: ignore[attr-defined]
    if state == "before":
        return ValidationError(
            _("Applications open on %(date)s."),
            code="window_before",
            params={"date": f"{programme.application_opens_on:%Y年%-m月%-d日}"},  # type: ignore[attr-defined]
        )
    if state == "after":
        return ValidationError(
            _("Applications closed on %(date)s."),
            code="window_after",
            params={"date": f"{programme.application_closes_on:%Y年%-m月%-d日}"},  # type: ignore[attr-defined]
        )
    return None


def registrations_create(
    *,
    session_ids: Sequence[int],
    applicant: Applicant,
    source: str = Registration.Source.WEB,
    enforce_window: bool = True,
    external_id: str = "",
) -> list[Registration]:
    """Register one person for several sessions of one programme, all or nothing.

    Each session is confirmed or waitlisted on its own. Raises ValidationError for the rules
    (window, overlap, duplicate e-mail) and RegistrationBusy when the lock cannot be had in time.
    """
    if not session_ids:
        raise ValidationError(_("Please choose at least one session."), code="empty")
    if not applicant.name.strip():
        raise ValidationError(_("Please enter your name."), code="name")
    # The calendar file and the QR code take milliseconds each: make them before taking the lock.
    {
        s.pk: mail_prepare(session=s, email=applicant.email)
        for s in Session.objects.filter(pk__in=set(session_ids)).select_related("programme")
    }
    with _busy_guard(), transaction.atomic():
        sessions = _lock_sessions(session_ids)
        if len(sessions) != len(set(session_ids)):
            raise ValidationError(_("A chosen session does not exist."), code="missing")
        programmes = {s.programme_id for s in sessions.values()}
        if len(programmes) != 1:
            raise ValidationError(_("Sessions must belong to one programme."), code="programmes")
        programme = next(iter(sessions.values())).programme
        if enforce_window and (error := window_error(programme)):
            raise error
        _check_overlaps(list(sessions.values()))
        made = []
        for session in sorted(sessions.values(), key=lambda s: (s.date, s.start, s.pk)):
            made.append(
                _place(session=session, applicant=applicant, source=source, external_id=external_id)
            )
        return made


def _promote(*, session: Session, limit: int) -> list[Registration]:
    promoted: list[Registration] = []
    if limit <= 0:
        return promoted
    waiting = list(
        Registration.objects.filter(session=session, state=Registration.State.WAITLISTED)
        .select_for_update()
        .order_by("position", "pk")[:limit]
    )
    now = timezone.now()
    for registration in waiting:
        registration.state = Registration.State.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["state", "promoted_at", "updated_at"])
        Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        session.confirmed_count += 1
        registration_email(registration=registration, kind="promoted")
        promoted.append(registration)
    return promoted


def registration_cancel(*, registration_id: int) -> Registration:
    """Cancel a place; a freed seat goes at once to the first person on the waiting list."""
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.state not in (
            Registration.State.CONFIRMED,
            Registration.State.WAITLISTED,
        ):
            raise ValidationError(_("This place cannot be cancelled any more."), code="state")
        was_confirmed = registration.state == Registration.State.CONFIRMED
        registration.state = Registration.State.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["state", "cancelled_at", "updated_at"])
        registration_email(registration=registration, kind="cancelled")
        if was_confirmed:
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") - 1)
            session.confirmed_count -= 1
            _promote(session=session, limit=session.capacity - session.confirmed_count)
        return registration


def session_capacity_set(*, session_id: int, capacity: int) -> list[Registration]:
    """Change a session's capacity; a raise promotes as many waitlisted people as now fit."""
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        if capacity < session.confirmed_count:
            raise ValidationError(
                _("%(count)s people already hold a place; the capacity cannot be lower."),
                code="capacity",
                params={"count": session.confirmed_count},
            )
        session.capacity = capacity
        session.full_clean(validate_constraints=False, validate_unique=False)
        session.save(update_fields=["capacity"])
        return _promote(session=session, limit=capacity - session.confirmed_count)


def registration_check_in(*, registration_id: int) -> Registration:
    """Mark someone as attended; a waitlisted person at the door gets a free seat if any."""
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.state == Registration.State.ATTENDED:
            return registration
        if registration.state == Registration.State.CANCELLED:
            raise ValidationError(_("This place was cancelled."), code="cancelled")
        if registration.state == Registration.State.WAITLISTED:
            if session.is_full:
                raise ValidationError(
                    _("The session is full; this person is on the waiting list."), code="full"
                )
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        registration.state = Registration.State.ATTENDED
        registration.attended_at = timezone.now()
        registration.save(update_fields=["state", "attended_at", "updated_at"])
        return registration


def registration_walk_in(*, session_id: int, applicant: Applicant) -> Registration:
    """Add a person who came to the door without registering, if a seat is free."""
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        if session.is_full:
            raise ValidationError(_("The session is full."), code="full")
        registration = _place(
            session=session, applicant=applicant, source=Registration.Source.WALK_IN
        )
        registration.state = Registration.State.ATTENDED
        registration.attended_at = timezone.now()
        registration.save(update_fields=["state", "attended_at", "updated_at"])
        return registration


# --- Questionnaire ---------------------------------------------------------------------------


def questionnaire_answer_submit(
    *,
    registration_id: int,
    satisfaction: int,
    usefulness: int,
    join_regular: str,
    topics_wanted: str = "",
    comment: str = "",
) -> QuestionnaireAnswer:
    """One answer per registration: a second submission is refused."""
    registration = Registration.objects.get(pk=registration_id)
    if registration.state not in HOLDING_STATES:
        raise ValidationError(_("Only participants can answer the questionnaire."), code="state")
    answer = QuestionnaireAnswer(
        registration=registration,
        satisfaction=satisfaction,
        usefulness=usefulness,
        join_regular=join_regular,
        topics_wanted=topics_wanted.strip(),
        comment=comment.strip(),
    )
    answer.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already answered this questionnaire. Thank you."), code="answered"
        ) from exc
    return answer


# --- E-mail ----------------------------------------------------------------------------------

EMAIL_SUBJECTS = {
    "confirmed": _("[Tsunagaru PF] Your place is confirmed: %(theme)s"),
    "waitlisted": _("[Tsunagaru PF] You are on the waiting list: %(theme)s"),
    "promoted": _("[Tsunagaru PF] A place became free for you: %(theme)s"),
    "cancelled": _("[Tsunagaru PF] Your registration was cancelled: %(theme)s"),
    "reminder": _("[Tsunagaru PF] Reminder: %(theme)s is tomorrow"),
    "questionnaire": _("[Tsunagaru PF] Please tell us how it went: %(theme)s"),
}


def calendar_ics(*, registration: Registration) -> bytes:
    from icalendar import Calendar, Event

    session = registration.session
    programme = session.programme
    calendar = Calendar()
    calendar.add("prodid", "-//Tsunagaru PF//trainings//JA")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"registration-{registration.checkin_token}@tsunagaru-pf")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    event.add("summary", f"{session.theme}（{programme.title}）")
    location = " ".join(p for p in (programme.venue, programme.venue_address) if p)
    if session.format == Session.Format.ONLINE and session.online_url:
        location = session.online_url
    event.add("location", location)
    event.add(
        "description", gettext("My registrations: %(url)s") % {"url": me_url(registration.email)}
    )
    event.add("url", me_url(registration.email))
    calendar.add_component(event)
    return calendar.to_ical()


def checkin_qr_png(*, registration: Registration) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(checkin_url(registration), error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class PreparedMail:
    checkin_token: uuid.UUID
    attachments: list[Attachment]


def _attachments(registration: Registration) -> list[Attachment]:
    return [
        Attachment("invite.ics", calendar_ics(registration=registration), "text/calendar"),
        Attachment("checkin-qr.png", checkin_qr_png(registration=registration), "image/png"),
    ]


def mail_prepare(*, session: Session, email: str) -> PreparedMail:
    """The attachments of a future confirmation, made outside the session lock."""
    draft = Registration(session=session, email=normalise_email(email), checkin_token=uuid.uuid4())
    return PreparedMail(draft.checkin_token, _attachments(draft) if email else [])


def registration_email(
    *, registration: Registration, kind: str, attachments: list[Attachment] | None = None
) -> bool:
    """Queue the e-mail for one event of a registration; exactly once per (registration, kind)."""
    if not registration.email:
        return False
    session = registration.session
    with translation.override("ja"):
        context = {
            "registration": registration,
            "session": session,
            "programme": session.programme,
            "me_url": me_url(registration.email),
            "questionnaire_url": absolute_url(
                reverse(
                    "trainings:questionnaire",
                    args=[questionnaire_token_make(registration_id=registration.pk)],
                )
            ),
            "show_online_url": kind in ("confirmed", "promoted", "reminder"),
        }
        subject = str(EMAIL_SUBJECTS[kind]) % {"theme": session.theme}
        body = render_to_string(f"trainings/email/registration_{kind}.txt", context)
        if kind not in ("confirmed", "promoted"):
            attachments = []
        elif attachments is None:
            attachments = _attachments(registration)
    queued = email_enqueue(
        key=f"registration:{registration.pk}:{kind}",
        to=[registration.email],
        subject=subject,
        body=body,
        attachments=attachments or [],
    )
    return queued is not None


def reminders_send(*, today: date | None = None) -> int:
    """E-mail everyone holding a place in tomorrow's sessions (once per registration)."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    sent = 0
    for registration in Registration.objects.filter(
        session__date=tomorrow, state=Registration.State.CONFIRMED
    ).select_related("session__programme"):
        try:
            sent += registration_email(registration=registration, kind="reminder")
        except DatabaseError:
            logger.exception("reminder for registration %s failed", registration.pk)
    return sent


def questionnaires_send(*, now: object = None, days: int = 7) -> int:
    """After a session ends, e-mail its participants the questionnaire link (once each)."""
    now = now or timezone.now()
    sent = 0
    candidates = (
        Registration.objects.filter(
            state__in=HOLDING_STATES,
            session__date__lte=timezone.localdate(now),  # type: ignore[arg-type]
            session__date__gte=timezone.localdate(now) - timedelta(days=days),  # type: ignore[arg-type]
            questionnaire_answer__isnull=True,
        )
        .select_related("session__programme")
        .order_by("pk")
    )
    for registration in candidates:
        if registration.session.ends_at > now:  # type: ignore[operator]
            continue
        sent += registration_email(registration=registration, kind="questionnaire")
    return sent
