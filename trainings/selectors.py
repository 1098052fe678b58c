"""Reads for the trainings pages, with their joins and counts applied once."""

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from .models import HOLDING_STATES, Programme, QuestionnaireAnswer, Registration, Session


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


def registrations_for_email(email: str) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(email=email)
        .select_related("session__programme")
        .order_by("session__date", "session__start", "pk")
    )


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


def checkin_search(session: Session, query: str) -> QuerySet[Registration]:
    qs = Registration.objects.filter(session=session).exclude(state="cancelled")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(kana__icontains=query) | Q(email__iexact=query))
    return qs.select_related("organisation").order_by("kana", "name", "pk")


@dataclass
class SessionCounts:
    session: Session
    registered: int = 0
    confirmed: int = 0
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
        n_waitlisted=Count("registrations", filter=Q(registrations__state="waitlisted")),
        n_cancelled=Count("registrations", filter=Q(registrations__state="cancelled")),
        n_attended=Count("registrations", filter=Q(registrations__state="attended")),
    ).order_by("date", "start", "number")
    rows = []
    totals = SessionCounts(session=None)  # type: ignore[arg-type]
    for s in sessions:
        ended = s.ends_at <= now
        row = SessionCounts(
            session=s,
            registered=s.n_confirmed + s.n_attended,
            confirmed=s.n_confirmed,
            waitlisted=s.n_waitlisted,
            cancelled=s.n_cancelled,
            attended=s.n_attended,
            no_shows=s.n_confirmed if ended else 0,
        )
        rows.append(row)
        for name in ("registered", "confirmed", "waitlisted", "cancelled", "attended", "no_shows"):
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
class QuestionnaireSummary:
    count: int
    satisfaction_mean: float | None
    usefulness_mean: float | None
    satisfaction_counts: list[int]
    usefulness_counts: list[int]
    join_regular: dict[str, int]
    topics: list[tuple[str, int]]
    comments: list[tuple[str, int]]

    def chart_data(self) -> dict[str, object]:
        return {
            "labels": ["1", "2", "3", "4", "5"],
            "satisfaction": self.satisfaction_counts,
            "usefulness": self.usefulness_counts,
        }


def questionnaire_summary(answers: QuerySet[QuestionnaireAnswer]) -> QuestionnaireSummary:
    rows = list(
        answers.values_list(
            "satisfaction", "usefulness", "join_regular", "topics_wanted", "comment"
        )
    )
    sat = [r[0] for r in rows]
    use = [r[1] for r in rows]
    join = Counter(r[2] for r in rows)
    return QuestionnaireSummary(
        count=len(rows),
        satisfaction_mean=round(mean(sat), 2) if sat else None,
        usefulness_mean=round(mean(use), 2) if use else None,
        satisfaction_counts=[sat.count(i) for i in range(1, 6)],
        usefulness_counts=[use.count(i) for i in range(1, 6)],
        join_regular={k: join.get(k, 0) for k in ("yes", "maybe", "no")},
        topics=Counter(r[3] for r in rows if r[3]).most_common(),
        comments=Counter(r[4] for r in rows if r[4]).most_common(),
    )


def answers_for_programme(programme: Programme) -> QuerySet[QuestionnaireAnswer]:
    return QuestionnaireAnswer.objects.filter(registration__session__programme=programme)


def answers_for_session(session: Session) -> QuerySet[QuestionnaireAnswer]:
    return QuestionnaireAnswer.objects.filter(registration__session=session)
