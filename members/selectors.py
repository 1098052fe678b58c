"""Reads of the council's organisations and people, with their joins and privacy rules."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kitakyushu_pf.roles import SECRETARIAT, user_has_role

from .models import CouncilMeeting, FieldOfSupport, Organisation, Person
from .search import query_variants


def _freshness_days() -> int:
    return settings.MEMBERS_FRESHNESS_DAYS


def _new_member_days() -> int:
    return settings.MEMBERS_NEW_MEMBER_DAYS


def organisations_public() -> QuerySet[Organisation]:
    """Member organisations for the public list: no people at all are loaded."""
    return (
        Organisation.objects.filter(status=Organisation.Status.MEMBER)
        .prefetch_related("fields", "wards")
        .order_by("kind", "kana", "name")
    )


def organisations_with_people() -> QuerySet[Organisation]:
    """Member organisations with their people, newest members first (the onboarding page)."""
    return (
        Organisation.objects.filter(status=Organisation.Status.MEMBER)
        .prefetch_related(
            "fields",
            "wards",
            Prefetch("people", queryset=Person.objects.prefetch_related("fields")),
        )
        .annotate(
            city_last=Case(When(kind=Organisation.Kind.CITY, then=Value(1)), default=Value(0))
        )
        .order_by(F("joined_on").desc(nulls_last=True), "city_last", "kana", "name")
    )


def organisation_for_members(*, pk: int) -> Organisation:
    """A member organisation with its people; a former one is gone from members' pages."""
    return (
        Organisation.objects.filter(status=Organisation.Status.MEMBER)
        .prefetch_related(
            "fields",
            "wards",
            Prefetch("people", queryset=Person.objects.prefetch_related("fields")),
        )
        .get(pk=pk)
    )


def new_member_cutoff() -> Any:
    return timezone.localdate() - timedelta(days=_new_member_days())


def organisation_is_new(organisation: Organisation) -> bool:
    return organisation.joined_on is not None and organisation.joined_on >= new_member_cutoff()


def organisations_joined_recently_count() -> int:
    return Organisation.objects.filter(
        status=Organisation.Status.MEMBER, joined_on__gte=new_member_cutoff()
    ).count()


def organisations_joined_recently() -> QuerySet[Organisation]:
    """Organisations that joined within MEMBERS_NEW_MEMBER_DAYS, newest first."""
    return Organisation.objects.filter(
        status=Organisation.Status.MEMBER, joined_on__gte=new_member_cutoff()
    ).order_by("-joined_on", "kana")


def people_joined_recently(*, limit: int = 12) -> QuerySet[Person]:
    """People added recently to member organisations who agreed to be listed by name."""
    return (
        Person.objects.filter(
            organisation__status=Organisation.Status.MEMBER,
            listed_by_name=True,
            created_at__gte=timezone.now() - timedelta(days=_new_member_days()),
        )
        .select_related("organisation")
        .order_by("-created_at")[:limit]
    )


def people_directory(*, field: str = "", q: str = "") -> QuerySet[Person]:
    """People of member organisations, by field of support and free text.

    A person who did not consent to be listed by name can be found by role, what they can be
    asked about and organisation, never by their name (that would reveal it).
    """
    people = Person.objects.filter(organisation__status=Organisation.Status.MEMBER)
    if field:
        people = people.filter(fields__slug=field)
    for word in q.split():
        match = Q()
        for variant in query_variants(word):
            # search_text holds the name only for people listed by name (members/search.py).
            match |= Q(search_text__contains=variant) | Q(
                organisation__search_text__contains=variant
            )
        people = people.filter(match)
    return (
        people.distinct()
        .select_related("organisation")
        .prefetch_related("fields")
        .order_by("organisation__kana", "organisation__name", "kana", "pk")
    )


def fields_with_people_counts() -> QuerySet[FieldOfSupport]:
    return FieldOfSupport.objects.annotate(
        people_count=Count(
            "people",
            filter=Q(people__organisation__status=Organisation.Status.MEMBER),
            distinct=True,
        )
    ).order_by("order", "name")


def organisations_stale(*, now: Any = None) -> QuerySet[Organisation]:
    """Member organisations whose listing was last confirmed longer ago than the setting."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=_freshness_days())
    return (
        Organisation.objects.filter(status=Organisation.Status.MEMBER, last_confirmed_at__lt=cutoff)
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(is_contact=True).exclude(email=""),
                to_attr="contacts",
            )
        )
        .order_by("last_confirmed_at")
    )


def meetings_for_members() -> QuerySet[CouncilMeeting]:
    return CouncilMeeting.objects.annotate(
        organisation_count=Count("organisations", distinct=True),
        people_count=Count("people", distinct=True),
    ).order_by("-held_on")


def meeting_for_members(*, pk: int) -> CouncilMeeting:
    """Attendance lists only people and organisations that are still members."""
    return CouncilMeeting.objects.prefetch_related(
        Prefetch(
            "organisations",
            queryset=Organisation.objects.filter(status=Organisation.Status.MEMBER),
        ),
        Prefetch(
            "people",
            queryset=Person.objects.filter(
                organisation__status=Organisation.Status.MEMBER
            ).select_related("organisation"),
        ),
    ).get(pk=pk)


def organisation_editable_by(*, user: Any, organisation: Organisation) -> bool:
    """The secretariat edits every organisation; a member only the one they are linked to."""
    if user_has_role(user, SECRETARIAT):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    person = Person.objects.filter(user=user).only("organisation_id").first()
    return person is not None and person.organisation_id == organisation.pk


def organisation_of_user(*, user: Any) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    person = Person.objects.filter(user=user).select_related("organisation").first()
    return person.organisation if person else None


MEMBER_LIST_HEADER_KEYS = (
    gettext_noop("Organisation"),
    gettext_noop("Kind"),
    gettext_noop("Status"),
    gettext_noop("Joined on"),
    gettext_noop("Fields of support"),
    gettext_noop("Wards served"),
    gettext_noop("Public phone"),
    gettext_noop("Web site"),
    gettext_noop("Person"),
    gettext_noop("Role"),
    gettext_noop("Listed by name"),
    gettext_noop("Contact person"),
    gettext_noop("E-mail"),
    gettext_noop("Phone"),
    gettext_noop("Ask me about"),
    gettext_noop("Last confirmed"),
)


def member_list_header() -> list[str]:
    return [_(key) for key in MEMBER_LIST_HEADER_KEYS]


def member_list_rows(organisations: Iterable[Organisation]) -> list[Sequence[Any]]:
    """One row per person (or one per organisation without people) for the secretariat's export.

    A person who did not consent appears by role only and without e-mail or phone.
    """
    rows: list[Sequence[Any]] = []
    for org in organisations:
        base = [
            org.name,
            org.get_kind_display(),
            org.get_status_display(),
            org.joined_on,
            "、".join(f.name for f in org.fields.all()),
            "、".join(w.name for w in org.wards.all()),
            org.phone,
            org.website,
        ]
        people = list(org.people.all())
        if not people:
            rows.append([*base, "", "", "", "", "", "", "", org.last_confirmed_at])
        for person in people:
            consent = person.listed_by_name
            rows.append(
                [
                    *base,
                    person.display_name,
                    person.role,
                    _("yes") if consent else _("no"),
                    _("yes") if person.is_contact else _("no"),
                    person.email if consent else "",
                    person.phone if consent else "",
                    person.ask_me_about,
                    person.last_confirmed_at,
                ]
            )
    return rows


def organisations_for_export(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.prefetch_related("fields", "wards", "people").order_by("kind", "kana", "name")
