"""Registration rules: capacity, waiting lists, cancellations, check-in and the e-mails they send.

Every write that touches a session's places runs in one transaction that first locks the session
row (`SELECT ... FOR UPDATE`, with a 3 s lock timeout on PostgreSQL; SQLite serialises writers with
IMMEDIATE transactions). Under that lock the service reads the session's `confirmed_count`, inserts
the registration as confirmed or waitlisted, updates the counter and reserves the e-mail (an outbox
row keyed by the event). The database backs this up: `confirmed_count <= capacity` is a check
constraint, an e-mail holds at most one place per session and waiting-list positions are unique
per session.

E-mails are written by the worker just before they are sent (:func:`registration_mail_render`,
registered as the outbox renderer of ``trainings``): the request pays for neither the templates,
the calendar file nor the QR code. Every e-mail opens with the city's fixed text; the text a person
typed (their name, organisation) appears only below it, quoted and shortened.

Nothing a request answers depends on whether the address typed already holds places: a place that
already exists is left alone, and its owner is told of the attempt by e-mail (at most once a day
per place, through the outbox key).

A programme may hold seats pending e-mail confirmation (``Programme.confirmation_hold_hours``):
a place from the web form, or a move up from the waiting list, then takes its seat as ``pending``
(counted in ``confirmed_count`` like a confirmed one) until the person opens the link mailed to
them (:func:`registration_hold_confirm`); :func:`holds_release` gives up the holds not confirmed
in time and moves the waiting list up.
"""

import contextlib
import functools
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import test_hooks
from kitakyushu_pf.models import OutboxEmail
from kitakyushu_pf.services import (
    QUOTED_NAME_LENGTH,
    QUOTED_ORGANISATION_LENGTH,
    Attachment,
    RenderedEmail,
    email_key,
    email_quoted,
    email_render,
    email_reserve,
    outbox_renderer,
    portal_url,
)
from kitakyushu_pf.templatetags.portal_i18n import local_date

from . import links
from .links import normalise_email
from .models import (
    ACTIVE_STATES,
    ANSWER_MAX_LENGTH,
    HOLDING_STATES,
    SEAT_STATES,
    AccessLink,
    Programme,
    Question,
    QuestionnaireAnswer,
    QuestionnaireAnswerItem,
    Registration,
    Session,
)

logger = logging.getLogger(__name__)

RESULT_SALT = "trainings.result"
RESULT_MAX_AGE = 60 * 60
LOCK_TIMEOUT = "3s"

__all__ = ["normalise_email"]


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
    language: str = "ja"


# --- Links ------------------------------------------------------------------------------------


def result_token_make(*, programme_id: int, session_ids: Sequence[int]) -> str:
    """The result page's link: which sessions were applied for, nothing about any person."""
    return signing.dumps({"p": programme_id, "s": sorted(set(session_ids))}, salt=RESULT_SALT)


def result_token_read(token: str) -> tuple[int, list[int]]:
    data = signing.loads(token, salt=RESULT_SALT, max_age=RESULT_MAX_AGE)
    return int(data["p"]), [int(pk) for pk in data["s"]]


def checkin_url(registration: Registration) -> str:
    return portal_url(
        reverse(
            "trainings:checkin-scan",
            args=[registration.session_id, registration.checkin_token],
        )
    )


# --- Locking ---------------------------------------------------------------------------------


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


def _lock_sessions(
    session_ids: Sequence[int], *, programme: Programme | None = None
) -> dict[int, Session]:
    """Lock the sessions' rows in primary-key order (no deadlocks) inside the caller's atomic.

    With the ``programme`` the caller already holds, PostgreSQL gets the lock timeout and the
    locking SELECT in one round trip (the programme's own row is not read again).
    """
    ids = sorted({int(pk) for pk in session_ids})
    locking = not test_hooks.trainings_locking_disabled()
    if connection.vendor == "postgresql" and locking and programme is not None:
        table = Session._meta.db_table
        in_list = ", ".join(str(pk) for pk in ids) or "NULL"
        sql = (
            f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; "
            f'SELECT * FROM "{table}" WHERE id IN ({in_list}) ORDER BY id FOR UPDATE'
        )
        sessions = {s.pk: s for s in Session.objects.raw(sql)}
        for session in sessions.values():
            if session.programme_id == programme.pk:
                session.programme = programme
        return sessions
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    qs = Session.objects.filter(pk__in=ids).select_related("programme").order_by("pk")
    if locking:
        qs = qs.select_for_update(of=("self",))
    return {s.pk: s for s in qs}


# --- Placing people --------------------------------------------------------------------------


def _existing_place(session: Session, email: str) -> Registration | None:
    if not email:
        return None
    return Registration.objects.filter(
        session=session, email=email, state__in=ACTIVE_STATES
    ).first()


def _attempt_notice(existing: Registration) -> None:
    """Tell the owner of a place that someone tried to register their address again (daily)."""
    day = timezone.localdate().isoformat()
    email_reserve(key=email_key("trainings", "attempt", existing.pk, day), to=[existing.email])


def _place(
    *,
    session: Session,
    applicant: Applicant,
    source: str,
    external_id: str = "",
    optimistic: bool = False,
    hold: timedelta | None = None,
) -> Registration | None:
    """Insert one registration into a locked session: confirmed if a seat is free, else waiting.

    With ``hold`` a free seat is only held (pending) for that long, awaiting e-mail confirmation.
    None when the address already holds a place in the session (left untouched; its owner is
    told by e-mail). ``optimistic`` skips the look-up and the savepoint and lets the database's
    one-place-per-address constraint raise IntegrityError instead (the caller then starts over
    without it): a rush of new people pays for neither while they hold the session lock.
    """
    email = normalise_email(applicant.email)
    if not optimistic and (existing := _existing_place(session, email)):
        _attempt_notice(existing)
        return None
    if test_hooks.trainings_locking_disabled():
        # Test-only: the unguarded count-then-insert that the lock exists to prevent.
        confirmed = Registration.objects.filter(session=session, state__in=SEAT_STATES).count()
    else:
        confirmed = session.confirmed_count
    test_hooks.trainings_after_capacity_check()
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
        language=applicant.language or "ja",
        created_at=timezone.now(),
    )
    if confirmed < session.capacity and hold is not None:
        registration.state = Registration.State.PENDING
        registration.hold_expires_at = registration.created_at + hold
    elif confirmed < session.capacity:
        registration.state = Registration.State.CONFIRMED
    else:
        registration.state = Registration.State.WAITLISTED
        registration.position = _next_position(session)
    # The foreign keys come from locked or validated rows: checking them again costs a query.
    registration.full_clean(
        exclude=["session", "organisation", "field_of_work"],
        validate_unique=False,
        validate_constraints=False,
    )
    if optimistic:
        registration.save()
    else:
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:
            if existing := _existing_place(session, email):
                _attempt_notice(existing)
                return None
            raise RegistrationBusy(str(exc)) from exc
    if registration.state in SEAT_STATES:
        if test_hooks.trainings_locking_disabled():
            Session.objects.filter(pk=session.pk).update(confirmed_count=confirmed + 1)
        else:
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        session.confirmed_count = confirmed + 1
        kind = "pending" if registration.state == Registration.State.PENDING else "confirmed"
        registration_email(registration=registration, kind=kind, new=optimistic)
    else:
        registration_email(registration=registration, kind="waitlisted", new=optimistic)
    return registration


def _next_position(session: Session) -> int:
    top = Registration.objects.filter(session=session).aggregate(m=Max("position"))["m"]
    return (top or 0) + 1


def waiting_rank(registration: Registration) -> int | None:
    """The person's place in the queue among those still waiting (1 = next to move up)."""
    if registration.state != Registration.State.WAITLISTED or registration.position is None:
        return None
    ahead = Registration.objects.filter(
        session_id=registration.session_id,
        state=Registration.State.WAITLISTED,
        position__lt=registration.position,
    ).count()
    return ahead + 1


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
            params={"date": local_date(programme.application_opens_on, "date")},  # type: ignore[attr-defined]
        )
    if state == "after":
        return ValidationError(
            _("Applications closed on %(date)s."),
            code="window_after",
            params={"date": local_date(programme.application_closes_on, "date")},  # type: ignore[attr-defined]
        )
    return None


def registrations_create(
    *,
    programme: Programme | None = None,
    session_ids: Sequence[int],
    applicant: Applicant,
    source: str = Registration.Source.WEB,
    enforce_window: bool = True,
    external_id: str = "",
    enforce_cutoff: bool = True,
) -> list[Registration]:
    """Register one person for several sessions of one programme, all or nothing.

    Each session is confirmed or waitlisted on its own; a session the address already holds a
    place in is skipped (its owner is told by e-mail) and is not in the returned list. Raises
    ValidationError for the rules (window, a lecture past its cut-off, overlap) and
    RegistrationBusy when the lock cannot be had in time. ``enforce_cutoff=False`` only records
    places in lectures already held (tests, data of past programmes).
    """
    if not session_ids:
        raise ValidationError(_("Please choose at least one session."), code="empty")
    if not applicant.name.strip():
        raise ValidationError(_("Please enter your name."), code="name")
    create = functools.partial(
        _registrations_create,
        programme,
        session_ids,
        applicant,
        source,
        enforce_window,
        external_id,
        enforce_cutoff=enforce_cutoff,
    )
    try:
        return create(optimistic=True)
    except IntegrityError:
        # The address already holds a place somewhere here: start over, looking before each
        # insert, so that the existing place stays untouched and its owner is told.
        return create(optimistic=False)


def _registrations_create(
    expected: "Programme | None",
    session_ids: Sequence[int],
    applicant: Applicant,
    source: str,
    enforce_window: bool,
    external_id: str,
    *,
    optimistic: bool,
    enforce_cutoff: bool = True,
) -> list[Registration]:
    with _busy_guard(), transaction.atomic():
        sessions = _lock_sessions(session_ids, programme=expected)
        if len(sessions) != len(set(session_ids)):
            raise ValidationError(_("A chosen session does not exist."), code="missing")
        programmes = {s.programme_id for s in sessions.values()}
        if len(programmes) != 1 or (expected is not None and programmes != {expected.pk}):
            raise ValidationError(_("Sessions must belong to one programme."), code="programmes")
        programme = next(iter(sessions.values())).programme
        if enforce_window and (error := window_error(programme)):
            raise error
        if enforce_cutoff:
            # The window may still be open for later lectures: one that has started (its
            # cut-off passed) takes no new place, and nobody is told a past lecture is theirs.
            now = timezone.now()
            for session in sessions.values():
                if session.is_past_cutoff(now):
                    raise _cutoff_error(session)
        _check_overlaps(list(sessions.values()))
        hold = web_hold(programme) if source == Registration.Source.WEB else None
        made = []
        for session in sorted(sessions.values(), key=lambda s: (s.date, s.start, s.pk)):
            placed = _place(
                session=session,
                applicant=applicant,
                source=source,
                external_id=external_id,
                optimistic=optimistic,
                hold=hold,
            )
            if placed is not None:
                made.append(placed)
        return made


def web_hold(programme: Programme) -> timedelta | None:
    """How long a seat taken online waits for its e-mail confirmation (None: no hold)."""
    hours = programme.confirmation_hold_hours
    return timedelta(hours=hours) if hours else None


def _promote(*, session: Session, limit: int) -> list[Registration]:
    """Move the first waiting people up; never once the session's cut-off has passed.

    In a programme that holds seats, someone who has not confirmed their address by e-mail moves
    up into a hold, and confirms it from the e-mail like a new registration.
    """
    promoted: list[Registration] = []
    if limit <= 0 or session.is_past_cutoff():
        return promoted
    waiting = list(
        Registration.objects.filter(session=session, state=Registration.State.WAITLISTED)
        .select_for_update()
        .order_by("position", "pk")[:limit]
    )
    now = timezone.now()
    hold = web_hold(session.programme)
    for registration in waiting:
        registration.promoted_at = now
        if hold is not None and registration.confirmed_by_email_at is None:
            registration.state = Registration.State.PENDING
            registration.hold_expires_at = now + hold
        else:
            registration.state = Registration.State.CONFIRMED
        registration.save(update_fields=["state", "promoted_at", "hold_expires_at", "updated_at"])
        Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        session.confirmed_count += 1
        registration_email(registration=registration, kind="promoted")
        promoted.append(registration)
    return promoted


def _cutoff_error(session: Session) -> ValidationError:
    return ValidationError(
        _("“%(theme)s” has started (or is about to): places can no longer be changed online."),
        code="cutoff",
        params={"theme": session.theme},
    )


def registration_cancel(*, registration_id: int, by_secretariat: bool = False) -> Registration:
    """Cancel a place; a freed seat goes at once to the first person on the waiting list.

    Until the programme's cut-off only: after it nobody cancels online (the secretariat still
    can, from the back office) and nobody moves up.
    """
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.state not in (
            Registration.State.CONFIRMED,
            Registration.State.PENDING,
            Registration.State.WAITLISTED,
        ):
            raise ValidationError(_("This place cannot be cancelled any more."), code="state")
        if session.is_past_cutoff() and not by_secretariat:
            raise _cutoff_error(session)
        was_confirmed = registration.state in SEAT_STATES
        registration.state = Registration.State.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["state", "cancelled_at", "updated_at"])
        registration_email(registration=registration, kind="cancelled")
        if was_confirmed:
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") - 1)
            session.confirmed_count -= 1
            _promote(session=session, limit=session.capacity - session.confirmed_count)
        return registration


def registration_hold_confirm(*, registration_id: int) -> Registration:
    """Confirm a held seat from the link mailed to the person, until the hold ends."""
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        _lock_sessions([session_id])
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        now = timezone.now()
        if registration.state in HOLDING_STATES:
            raise ValidationError(_("This place is already confirmed."), code="confirmed")
        ended = registration.hold_expires_at is None or registration.hold_expires_at <= now
        if registration.state == Registration.State.CANCELLED and not ended:
            raise ValidationError(_("This place was cancelled."), code="cancelled")
        if registration.state != Registration.State.PENDING or ended:
            raise hold_expired_error(registration)
        registration.state = Registration.State.CONFIRMED
        registration.confirmed_by_email_at = now
        registration.save(update_fields=["state", "confirmed_by_email_at", "updated_at"])
        # The link works once.
        AccessLink.objects.filter(
            registration=registration, purpose=AccessLink.Purpose.CONFIRM, revoked_at__isnull=True
        ).update(revoked_at=now)
        registration_email(registration=registration, kind="confirmed")
        return registration


def hold_expired_error(registration: Registration) -> ValidationError:
    when = registration.hold_expires_at or timezone.now()
    return ValidationError(
        _(
            "The time to confirm this place ended on %(date)s, so the seat held for you was "
            "released. Please register again."
        ),
        code="expired",
        params={"date": local_date(when, "datetime")},
    )


def holds_release(*, now: datetime | None = None) -> int:
    """Give up the seats held past their end without confirmation, and move the waiting list up
    (until the cut-off, as when someone cancels). Idempotent: a second run finds nothing."""
    now = now or timezone.now()
    due = Registration.objects.filter(state=Registration.State.PENDING, hold_expires_at__lte=now)
    released = 0
    for session_id in sorted(set(due.values_list("session_id", flat=True))):
        try:
            with _busy_guard(), transaction.atomic():
                session = _lock_sessions([session_id])[session_id]
                expired = list(due.filter(session=session).select_for_update())
                for registration in expired:
                    registration.state = Registration.State.CANCELLED
                    registration.cancelled_at = now
                    registration.save(update_fields=["state", "cancelled_at", "updated_at"])
                if not expired:
                    continue
                Session.objects.filter(pk=session.pk).update(
                    confirmed_count=F("confirmed_count") - len(expired)
                )
                session.confirmed_count -= len(expired)
                _promote(session=session, limit=session.capacity - session.confirmed_count)
                released += len(expired)
        except RegistrationBusy:
            logger.warning("holds of session %s not released now (busy); next run", session_id)
    return released


def registration_restore(*, registration_id: int) -> Registration:
    """Undo a cancellation before the cut-off: a free seat if there is one, else the end of the
    waiting list (a seat given up has usually gone to the next person already)."""
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.state != Registration.State.CANCELLED or registration.anonymised_at:
            raise ValidationError(_("This place is not cancelled."), code="state")
        if session.is_past_cutoff():
            raise _cutoff_error(session)
        if _existing_place(session, registration.email):
            raise ValidationError(_("This address already holds a place again."), code="again")
        registration.cancelled_at = None
        if (
            session.confirmed_count < session.capacity
            and not Registration.objects.filter(
                session=session, state=Registration.State.WAITLISTED
            ).exists()
        ):
            registration.state = Registration.State.CONFIRMED
            registration.save(update_fields=["state", "cancelled_at", "updated_at"])
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + 1)
        else:
            registration.state = Registration.State.WAITLISTED
            registration.position = _next_position(session)
            registration.save(update_fields=["state", "position", "cancelled_at", "updated_at"])
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


def registration_check_in_undo(*, registration_id: int) -> Registration:
    """Undo a mis-tapped check-in: the person keeps their seat, as not yet arrived."""
    session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    with _busy_guard(), transaction.atomic():
        _lock_sessions([session_id])
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.state != Registration.State.ATTENDED:
            raise ValidationError(_("This person is not checked in."), code="state")
        registration.state = Registration.State.CONFIRMED
        registration.attended_at = None
        registration.save(update_fields=["state", "attended_at", "updated_at"])
        return registration


def registration_walk_in(
    *, session_id: int, applicant: Applicant, waitlist_if_full: bool = False
) -> Registration:
    """Add a person who came to the door without registering, if a seat is free.

    With ``waitlist_if_full`` a full session puts them on the waiting list instead.
    """
    with _busy_guard(), transaction.atomic():
        session = _lock_sessions([session_id])[session_id]
        if session.is_full and not waitlist_if_full:
            raise ValidationError(_("The session is full."), code="full")
        registration = _place(
            session=session, applicant=applicant, source=Registration.Source.WALK_IN
        )
        if registration is None:
            raise ValidationError(
                _("This e-mail address is already on the list of this session; search for it."),
                code="duplicate",
            )
        if registration.state == Registration.State.CONFIRMED:
            registration.state = Registration.State.ATTENDED
            registration.attended_at = timezone.now()
            registration.save(update_fields=["state", "attended_at", "updated_at"])
        return registration


# --- Questionnaire ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultQuestion:
    kind: str
    label: Promise
    heading: Promise
    choices: tuple[Promise, ...] = ()
    required: bool = True


# Every programme starts with these five (written in the portal's language, then edited as data
# in the admin). Migration 0008 gave them, with the same Japanese text, to existing programmes.
DEFAULT_QUESTIONS = (
    DefaultQuestion(
        Question.Kind.SCALE,
        _("How satisfied were you? (1 = not at all, 5 = very)"),
        _("Satisfaction (1–5)"),
    ),
    DefaultQuestion(
        Question.Kind.SCALE,
        _("How useful is it for your work? (1 = not at all, 5 = very)"),
        _("Usefulness for work (1–5)"),
    ),
    DefaultQuestion(
        Question.Kind.CHOICE,
        _("Would you join if sessions were held regularly?"),
        _("Joining regular sessions"),
        choices=(_("Yes, I would join"), _("Depends on the topic"), _("No, I would not")),
    ),
    DefaultQuestion(
        Question.Kind.TEXT,
        _("Topics you would like us to take up"),
        _("Topics wished for"),
        required=False,
    ),
    DefaultQuestion(
        Question.Kind.TEXT, _("Comments and impressions"), _("Impressions"), required=False
    ),
)


def questionnaire_questions_ensure(*, programme: Programme) -> list[Question]:
    """The programme's questions in order; a programme without any gets the default five."""
    questions = list(programme.questions.order_by("order", "pk"))
    if questions:
        return questions
    with transaction.atomic():
        # Two first visits at once must not give the programme the defaults twice.
        Programme.objects.select_for_update().filter(pk=programme.pk).exists()
        if programme.questions.exists():
            return list(programme.questions.order_by("order", "pk"))
        with translation.override(settings.LANGUAGE_CODE):
            made = [
                Question(
                    programme=programme,
                    order=order,
                    kind=default.kind,
                    label=str(default.label),
                    heading=str(default.heading),
                    choices="\n".join(str(choice) for choice in default.choices),
                    required=default.required,
                )
                for order, default in enumerate(DEFAULT_QUESTIONS, start=1)
            ]
        for question in made:
            question.full_clean(exclude=["programme"])
        Question.objects.bulk_create(made)
    return list(programme.questions.order_by("order", "pk"))


def _answer_item(question: Question, value: object) -> QuestionnaireAnswerItem:
    """One answer checked against its question (ValidationError naming the question)."""
    params = {"question": question.title}
    if question.kind == Question.Kind.SCALE:
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if not 1 <= number <= 5:
            raise ValidationError(
                _("“%(question)s”: please choose 1 to 5."), code="scale", params=params
            )
        return QuestionnaireAnswerItem(question=question, number=number)
    text = str(value).strip()
    if question.kind == Question.Kind.CHOICE and text not in question.choice_list():
        raise ValidationError(
            _("“%(question)s”: please choose one of the answers shown."),
            code="choice",
            params=params,
        )
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            _("“%(question)s”: please write at most %(limit)s characters."),
            code="length",
            params={**params, "limit": ANSWER_MAX_LENGTH},
        )
    return QuestionnaireAnswerItem(question=question, text=text)


def questionnaire_answer_submit(
    *, registration_id: int, answers: Mapping[int, object]
) -> QuestionnaireAnswer:
    """Answer the programme's questions (``{question id: answer}``, a number 1–5 for a scale);
    one answer per registration: a second submission is refused."""
    registration = Registration.objects.select_related("session__programme").get(pk=registration_id)
    if registration.state not in HOLDING_STATES:
        raise ValidationError(_("Only participants can answer the questionnaire."), code="state")
    items = []
    errors = []
    for question in questionnaire_questions_ensure(programme=registration.session.programme):
        value = answers.get(question.pk)
        if value is None or str(value).strip() == "":
            if question.required:
                errors.append(
                    ValidationError(
                        _("Please answer “%(question)s”."),
                        code="required",
                        params={"question": question.title},
                    )
                )
            continue
        try:
            items.append(_answer_item(question, value))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    answer = QuestionnaireAnswer(registration=registration)
    answer.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
            for item in items:
                item.answer = answer
            QuestionnaireAnswerItem.objects.bulk_create(items)
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already answered this questionnaire. Thank you."), code="answered"
        ) from exc
    return answer


# --- E-mail ----------------------------------------------------------------------------------

EMAIL_SUBJECTS = {
    "confirmed": _("[Tsunagaru PF] Your place is confirmed: %(theme)s"),
    "pending": _("[Tsunagaru PF] A seat is held for you: please confirm it: %(theme)s"),
    "waitlisted": _("[Tsunagaru PF] You are on the waiting list: %(theme)s"),
    "promoted": _("[Tsunagaru PF] A place became free for you: %(theme)s"),
    "cancelled": _("[Tsunagaru PF] Your registration was cancelled: %(theme)s"),
    "reminder": _("[Tsunagaru PF] Reminder: %(theme)s is tomorrow"),
    "questionnaire": _("[Tsunagaru PF] Please tell us how it went: %(theme)s"),
    "attempt": _("[Tsunagaru PF] Someone registered your address again: %(theme)s"),
}
REGISTRATION_KINDS = tuple(EMAIL_SUBJECTS)
HELD_PROMOTION_SUBJECT = _(
    "[Tsunagaru PF] A place became free for you: please confirm it: %(theme)s"
)
WITH_ATTACHMENTS = ("confirmed", "promoted")


def calendar_ics(*, registration: Registration, me_link: str = "") -> bytes:
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
    if session.format == Session.Format.ONLINE:
        location = session.online_url or gettext("Online")
    event.add("location", location)
    if me_link:
        event.add("description", gettext("My registrations: %(url)s") % {"url": me_link})
    event.add("url", portal_url(programme.get_absolute_url()))
    calendar.add_component(event)
    return calendar.to_ical()


def checkin_qr_png(*, registration: Registration) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(checkin_url(registration), error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def checkin_qr_svg_uri(*, registration: Registration) -> str:
    """The check-in QR code as an inline SVG data URI, for the "my registrations" page."""
    import segno

    return str(segno.make(checkin_url(registration), error="m").svg_data_uri(scale=4, border=2))


def _attachments(registration: Registration, me_link: str) -> list[Attachment]:
    files = [
        Attachment(
            "invite.ics", calendar_ics(registration=registration, me_link=me_link), "text/calendar"
        )
    ]
    if registration.session.format != Session.Format.ONLINE:
        files.append(
            Attachment("checkin-qr.png", checkin_qr_png(registration=registration), "image/png")
        )
    return files


def registration_email(*, registration: Registration, kind: str, new: bool = False) -> bool:
    """Reserve the e-mail for one event of a registration; exactly once per (registration, kind).

    Only the outbox row is written here, inside the caller's transaction; the worker writes the
    text and the attachments after commit (:func:`registration_mail_render`).
    """
    if not registration.email or kind not in REGISTRATION_KINDS:
        return False
    queued = email_reserve(
        key=email_key("trainings", kind, registration.pk), to=[registration.email], new_event=new
    )
    return queued is not None


def link_resend_request(*, email: str) -> None:
    """Answer a 「リンクを再送する」 request the same way whatever the address: reserve one e-mail;
    the worker finds the address's live links (if any), renews them and writes it."""
    email = normalise_email(email)
    if not email:
        return
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    email_reserve(key=email_key("trainings", "links", stamp), to=[email])


@outbox_renderer("trainings")
def registration_mail_render(email: OutboxEmail) -> RenderedEmail | None:
    """Write a reserved trainings e-mail (the worker, just before sending it)."""
    parts = email.key.split(":")
    kind = parts[1] if len(parts) > 1 else ""
    if kind == "links":
        return _links_mail_render(email)
    if kind not in REGISTRATION_KINDS or len(parts) < 3:
        return None
    registration = (
        Registration.objects.select_related("session__programme").filter(pk=parts[2]).first()
    )
    if registration is None or registration.anonymised_at or not registration.email:
        return None
    session = registration.session
    programme = session.programme
    me_link = links.me_url(links.me_link_ensure(email=registration.email, programme=programme))
    language = registration.language or settings.LANGUAGE_CODE
    context: dict[str, object] = {
        "registration": registration,
        "name": email_quoted(registration.name, QUOTED_NAME_LENGTH),
        "organisation": email_quoted(registration.organisation_label, QUOTED_ORGANISATION_LENGTH),
        "session": session,
        "programme": programme,
        "is_online": session.format == Session.Format.ONLINE,
        "me_url": me_link,
        "rank": waiting_rank(registration),
        "show_online_url": kind in ("confirmed", "promoted", "reminder"),
    }
    held = registration.state == Registration.State.PENDING
    if kind == "pending" and not held:
        return None  # confirmed, cancelled or released before the e-mail was written
    if held and kind in ("pending", "promoted"):
        context["confirm_url"] = links.confirm_url(
            links.confirm_link_ensure(registration=registration)
        )
        context["hold_until"] = registration.hold_expires_at
        context["show_online_url"] = False
    if kind == "questionnaire":
        context["questionnaire_url"] = links.questionnaire_url(
            links.questionnaire_link_ensure(registration=registration)
        )
    with translation.override(language):
        held_promotion = held and kind == "promoted"
        line = HELD_PROMOTION_SUBJECT if held_promotion else EMAIL_SUBJECTS[kind]
        subject_text = str(line) % {"theme": session.theme}
        # A held seat gets its calendar file and QR code with the confirmation, once confirmed.
        with_files = kind in WITH_ATTACHMENTS and not held
        attachments = _attachments(registration, me_link) if with_files else []
    subject, body = email_render(
        template=f"trainings/email/registration_{kind}.txt",
        context=context,
        subject=subject_text,
        language=language,
    )
    return RenderedEmail(subject=subject, body=body, attachments=attachments)


def _links_mail_render(email: OutboxEmail) -> RenderedEmail | None:
    address = email.to[0] if email.to else ""
    now = timezone.now()
    found = []
    for link in AccessLink.objects.filter(
        purpose=AccessLink.Purpose.ME, email=address
    ).select_related("programme"):
        link = links.me_link_ensure(email=address, programme=link.programme)
        if link.expires_at > now:
            links.link_rotate(link)
            found.append((link.programme, links.me_url(link), link.expires_at))
    if not found:
        return None
    # The language the address last registered in (the request itself carries none).
    language = (
        Registration.objects.filter(email=address)
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )
    subject, body = email_render(
        template="trainings/email/links.txt",
        context={"links": found},
        subject=_("[Tsunagaru PF] Your links to your registrations"),
        language=language or settings.LANGUAGE_CODE,
    )
    return RenderedEmail(subject=subject, body=body)


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


def questionnaires_send(*, now: datetime | None = None, days: int = 7) -> int:
    """After a session ends, e-mail its participants the questionnaire link (once each)."""
    now = now or timezone.now()
    sent = 0
    candidates = (
        Registration.objects.filter(
            state__in=HOLDING_STATES,
            session__date__lte=timezone.localdate(now),
            session__date__gte=timezone.localdate(now) - timedelta(days=days),
            questionnaire_answer__isnull=True,
        )
        .select_related("session__programme")
        .order_by("pk")
    )
    for registration in candidates:
        if registration.session.ends_at > now:
            continue
        sent += registration_email(registration=registration, kind="questionnaire")
    return sent
