"""Reads for the trainings pages, with their joins and counts applied once."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from statistics import mean

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import japanese

from .models import (
    HOLDING_STATES,
    AccessLink,
    Programme,
    Question,
    QuestionnaireAnswer,
    QuestionnaireAnswerItem,
    Registration,
    Session,
)


def programmes_upcoming() -> QuerySet[Programme]:
    today = timezone.localdate()
    return (
        Programme.objects.filter(is_published=True)
        .annotate(
            first_date=Min("sessions__date"),
            last_date=Max("sessions__date"),
            session_count=Count("sessions"),
        )
        .filter(last_date__gte=today)
        .order_by("first_date")
    )


def programmes_past() -> QuerySet[Programme]:
    today = timezone.localdate()
    return (
        Programme.objects.filter(is_published=True)
        .annotate(
            first_date=Min("sessions__date"),
            last_date=Max("sessions__date"),
            session_count=Count("sessions"),
        )
        .filter(last_date__lt=today)
        .order_by("-first_date")
    )


def programme_sessions(programme: Programme) -> QuerySet[Session]:
    return programme.sessions.annotate(
        waiting=Count("registrations", filter=Q(registrations__state="waitlisted"))
    ).order_by("date", "start", "number")


def registrations_for_link(link: AccessLink) -> QuerySet[Registration]:
    """The places a "my registrations" link opens: its address, its programme, nothing else."""
    return Registration.objects.filter(
        email=link.email, session__programme_id=link.programme_id, anonymised_at__isnull=True
    ).select_related("session__programme")


def session_attendees(session: Session) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(session=session)
        .select_related("organisation", "field_of_work")
        .order_by("state", "position", "kana", "name", "pk")
    )


def programme_attendees(programme: Programme) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(session__programme=programme)
        .select_related("session", "organisation", "field_of_work")
        .order_by("session__date", "session__start", "state", "position", "kana", "pk")
    )


@lru_cache(maxsize=4096)
def _name_keys(name: str, kana: str) -> tuple[str, ...]:
    """What a search at the door may match: the kana and the name folded (katakana, half-width
    and hiragana alike) and the name's reading from the portal's analyser (加藤 → かとう)."""
    keys = {japanese.fold(kana), japanese.fold(name)}
    if japanese.has_kanji(name):
        keys.add(japanese.reading(name))
    return tuple("".join(k.split()) for k in keys if k)


def checkin_search(session: Session, query: str) -> list[Registration]:
    """People of the session (not cancelled), found by name or kana however they are typed."""
    qs = (
        Registration.objects.filter(session=session)
        .exclude(state="cancelled")
        .select_related("organisation")
        .order_by("kana", "name", "pk")
    )
    people = list(qs)
    needle = "".join(japanese.fold(query).split())
    if not needle:
        return people
    return [
        r
        for r in people
        if any(needle in key for key in _name_keys(r.name, r.kana))
        or (r.email and r.email == query.strip().lower())
    ]


def checked_in_count(session: Session) -> int:
    return Registration.objects.filter(session=session, state="attended").count()


@dataclass
class SessionCounts:
    session: Session
    registered: int = 0
    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    attended: int = 0
    no_shows: int = 0


@dataclass
class ProgrammeCounts:
    sessions: list[SessionCounts]
    totals: SessionCounts | None = None
    by_organisation: list[tuple[str, int]] = field(default_factory=list)
    by_field: list[tuple[str, int]] = field(default_factory=list)


def programme_counts(programme: Programme) -> ProgrammeCounts:
    now = timezone.now()
    sessions = programme.sessions.annotate(
        n_confirmed=Count("registrations", filter=Q(registrations__state="confirmed")),
        n_pending=Count("registrations", filter=Q(registrations__state="pending")),
        n_waitlisted=Count("registrations", filter=Q(registrations__state="waitlisted")),
        n_cancelled=Count("registrations", filter=Q(registrations__state="cancelled")),
        n_attended=Count("registrations", filter=Q(registrations__state="attended")),
    ).order_by("date", "start", "number")
    rows = []
    totals = SessionCounts(session=None)  # type: ignore[arg-type]
    for s in sessions:
        ended = s.ends_at <= now
        # Once a session has ended, a confirmed person who never checked in is 欠席, not 受講確定
        # (the attendee exports use the same rule, see state_label).
        row = SessionCounts(
            session=s,
            registered=s.n_confirmed + s.n_attended,
            confirmed=0 if ended else s.n_confirmed,
            # Seats held pending e-mail confirmation: taken, but not (yet) registered.
            pending=s.n_pending,
            waitlisted=s.n_waitlisted,
            cancelled=s.n_cancelled,
            attended=s.n_attended,
            no_shows=s.n_confirmed if ended else 0,
        )
        rows.append(row)
        for name in (
            "registered",
            "confirmed",
            "pending",
            "waitlisted",
            "cancelled",
            "attended",
            "no_shows",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    holders = Registration.objects.filter(session__programme=programme, state__in=HOLDING_STATES)
    orgs = Counter(
        (o or f or "（未記入）")
        for o, f in holders.values_list("organisation__name", "organisation_name")
    )
    fields = Counter(
        (f or "（未記入）") for f in holders.values_list("field_of_work__name", flat=True)
    )
    return ProgrammeCounts(
        sessions=rows,
        totals=totals,
        by_organisation=orgs.most_common(),
        by_field=fields.most_common(),
    )


@dataclass
class QuestionSummary:
    question: Question
    answered: int = 0
    mean: float | None = None
    # Scale: ("1", n) … ("5", n); one choice: the choices in order, then any other answer given
    # (a choice renamed after people answered).
    counts: list[tuple[str, int]] = field(default_factory=list)
    # Free text: each answer with how often it was given, most frequent first.
    texts: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class QuestionnaireSummary:
    count: int
    questions: list[QuestionSummary]

    def chart_data(self) -> dict[str, object]:
        """The 1–5 distributions of the scale questions, for the page's bar chart."""
        return {
            "labels": [str(i) for i in SCALE],
            "series": [
                {"label": q.question.title, "data": [n for _label, n in q.counts]}
                for q in self.questions
                if q.question.kind == Question.Kind.SCALE
            ],
        }


SCALE = range(1, 6)


def questionnaire_summary(
    answers: QuerySet[QuestionnaireAnswer], questions: list[Question]
) -> QuestionnaireSummary:
    """Per question of the programme: how many answered, the mean and spread of a 1–5 scale,
    the count of each choice, the free texts."""
    items = QuestionnaireAnswerItem.objects.filter(answer__in=answers).values_list(
        "question_id", "number", "text"
    )
    numbers: dict[int, list[int]] = {}
    texts: dict[int, Counter[str]] = {}
    for question_id, number, text in items:
        if number is not None:
            numbers.setdefault(question_id, []).append(number)
        elif text:
            texts.setdefault(question_id, Counter())[text] += 1
    summaries = []
    for question in questions:
        summary = QuestionSummary(question=question)
        if question.kind == Question.Kind.SCALE:
            scores = numbers.get(question.pk, [])
            summary.answered = len(scores)
            summary.mean = round(mean(scores), 2) if scores else None
            summary.counts = [(str(i), scores.count(i)) for i in SCALE]
        else:
            given = texts.get(question.pk, Counter())
            summary.answered = sum(given.values())
            if question.kind == Question.Kind.CHOICE:
                listed = question.choice_list()
                summary.counts = [(c, given.get(c, 0)) for c in listed]
                summary.counts += [(t, n) for t, n in given.most_common() if t not in listed]
            else:
                summary.texts = given.most_common()
        summaries.append(summary)
    return QuestionnaireSummary(count=answers.count(), questions=summaries)


def answers_for_programme(programme: Programme) -> QuerySet[QuestionnaireAnswer]:
    return QuestionnaireAnswer.objects.filter(registration__session__programme=programme)


def answers_for_session(session: Session) -> QuerySet[QuestionnaireAnswer]:
    return QuestionnaireAnswer.objects.filter(registration__session=session)


def state_label(registration: Registration, now: datetime | None = None) -> str:
    """The state as the secretariat reads it: 受講確定 turns 欠席 once the session has ended."""
    now = now or timezone.now()
    if registration.state == "confirmed" and registration.session.ends_at <= now:
        return str(_("No-show"))
    return str(registration.get_state_display())


QUESTIONNAIRE_HEADER_START = ("講座番号", "講座", "日付")
QUESTIONNAIRE_HEADER_END = ("回答日時",)


def questionnaire_header(questions: list[Question]) -> tuple[str, ...]:
    """The export's columns: the lecture, one column per question of the programme (its short
    title), the time of the answer."""
    return (*QUESTIONNAIRE_HEADER_START, *(q.title for q in questions), *QUESTIONNAIRE_HEADER_END)


def questionnaire_rows(
    programme: Programme, questions: list[Question], session: Session | None = None
) -> tuple[tuple[str, ...], Iterator[tuple[object, ...]]]:
    """One row per answer, in session order, without the person who answered."""
    answers = answers_for_session(session) if session else answers_for_programme(programme)
    answers = (
        answers.select_related("registration__session")
        .prefetch_related("items")
        .order_by("registration__session__date", "registration__session__start", "answered_at")
    )

    def rows() -> Iterator[tuple[object, ...]]:
        for a in answers:
            s = a.registration.session
            given = a.by_question()
            yield (
                s.number,
                s.theme,
                s.date,
                *(given.get(q.pk, "") for q in questions),
                a.answered_at,
            )

    return questionnaire_header(questions), rows()
