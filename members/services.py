"""The council's rules: applications, profile edits by members, freshness of the listing."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitakyushu_pf.services import (
    QUOTED_NAME_LENGTH,
    QUOTED_ORGANISATION_LENGTH,
    email_compose,
    email_key,
    email_quoted,
    portal_url,
)

from .models import (
    FieldOfSupport,
    MembershipApplication,
    Organisation,
    Person,
    SecretariatDecision,
    Ward,
)
from .selectors import organisations_stale

logger = logging.getLogger(__name__)

FRESHNESS_SALT = "members.freshness"

ORGANISATION_EDITABLE_FIELDS = ("kana", "legal_form", "description", "phone", "website", "address")
PERSON_EDITABLE_FIELDS = (
    "name",
    "kana",
    "role",
    "ask_me_about",
    "email",
    "phone",
    "listed_by_name",
    "is_contact",
)
APPLICATION_FIELDS = (
    "organisation_name",
    "organisation_kana",
    "legal_form",
    "kind",
    "description",
    "phone",
    "website",
    "motivation",
    "contact_name",
    "contact_kana",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_listed_by_name",
)


# --- Membership applications ------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    data: Mapping[str, Any],
    fields: Iterable[FieldOfSupport],
    wards: Iterable[Ward] = (),
) -> MembershipApplication:
    application = MembershipApplication(**{k: data[k] for k in APPLICATION_FIELDS if k in data})
    application.full_clean(exclude=["fields", "wards"])
    application.save()
    application.fields.set(list(fields))
    application.wards.set(list(wards))
    email_compose(
        template="members/email/application_received.txt",
        context={
            "application": application,
            # Typed by whoever filled in the form, for any address: quoted and short.
            "name": email_quoted(application.contact_name, QUOTED_NAME_LENGTH),
            "organisation": email_quoted(application.organisation_name, QUOTED_ORGANISATION_LENGTH),
        },
        to=[application.contact_email],
        key=email_key("members", "application-received", application.pk),
        subject=gettext_lazy("We received your application to join the council"),
    )
    return application


def decision_record(
    *, item: SecretariatDecision, approved: bool, reviewer: Any, reason: str
) -> list[str]:
    """Write the decision on ``item``, who took it, when and why (declining needs reasons);
    return the fields to save."""
    reason = reason.strip()
    if not approved and not reason:
        raise ValidationError({"decision_reason": _("Please give the reasons for declining.")})
    decision = SecretariatDecision.APPROVED if approved else SecretariatDecision.DECLINED
    setattr(item, item.DECISION_FIELD, decision)
    item.reviewer = reviewer
    item.reviewed_at = timezone.now()
    item.decision_reason = reason
    return [item.DECISION_FIELD, "reviewer", "reviewed_at", "decision_reason"]


def _lock_open_application(application: MembershipApplication) -> MembershipApplication:
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if not locked.is_open:
        raise ValidationError(_("This application has already been decided."))
    return locked


@transaction.atomic
def application_review_start(
    *, application: MembershipApplication, reviewer: Any
) -> MembershipApplication:
    application = _lock_open_application(application)
    if application.status == MembershipApplication.Status.UNDER_REVIEW:
        return application
    application.status = MembershipApplication.Status.UNDER_REVIEW
    application.reviewer = reviewer
    application.save(update_fields=["status", "reviewer"])
    return application


@transaction.atomic
def application_approve(
    *, application: MembershipApplication, reviewer: Any, reason: str = ""
) -> Organisation:
    """Approve: create the member organisation and its first person, and tell the applicant."""
    application = _lock_open_application(application)
    today = timezone.localdate()
    if Organisation.objects.filter(name=application.organisation_name).exists():
        raise ValidationError(
            _("An organisation named %(name)s already exists.")
            % {"name": application.organisation_name}
        )
    now = timezone.now()
    organisation = Organisation(
        name=application.organisation_name,
        kana=application.organisation_kana,
        legal_form=application.legal_form,
        kind=application.kind,
        status=Organisation.Status.MEMBER,
        applied_on=timezone.localdate(application.submitted_at),
        joined_on=today,
        description=application.description,
        phone=application.phone,
        website=application.website,
        last_confirmed_at=now,
    )
    organisation.full_clean()
    organisation.save()
    organisation.fields.set(application.fields.all())
    organisation.wards.set(application.wards.all())
    person = Person(
        organisation=organisation,
        name=application.contact_name,
        kana=application.contact_kana,
        role=application.contact_role,
        email=application.contact_email,
        phone=application.contact_phone,
        listed_by_name=application.contact_listed_by_name,
        is_contact=True,
        last_confirmed_at=now,
    )
    person.full_clean()
    person.save()
    person.fields.set(application.fields.all())

    decided = decision_record(item=application, approved=True, reviewer=reviewer, reason=reason)
    application.organisation = organisation
    application.save(update_fields=[*decided, "organisation"])
    from .invitations import invitation_create, invitation_link

    token = invitation_create(person=person, invited_by=reviewer, mail=False)
    email_compose(
        template="members/email/application_approved.txt",
        context={
            "application": application,
            "organisation": organisation,
            "list_url": portal_url(reverse("members:organisation-list")),
            "invitation_link": invitation_link(token),
            "invitation_days": int(settings.MEMBERS_INVITATION_DAYS),
        },
        to=[application.contact_email],
        key=email_key("members", "application-approved", application.pk),
        subject=gettext_lazy("Welcome to the Kitakyushu loneliness and isolation council"),
    )
    return organisation


@transaction.atomic
def application_decline(
    *, application: MembershipApplication, reviewer: Any, reason: str
) -> MembershipApplication:
    application = _lock_open_application(application)
    decided = decision_record(item=application, approved=False, reviewer=reviewer, reason=reason)
    application.save(update_fields=decided)
    email_compose(
        template="members/email/application_declined.txt",
        context={"application": application},
        to=[application.contact_email],
        key=email_key("members", "application-declined", application.pk),
        subject=gettext_lazy("About your application to join the council"),
    )
    return application


# --- Members keep their own listing -----------------------------------------------------------


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    fields: Iterable[FieldOfSupport] | None = None,
    wards: Iterable[Ward] | None = None,
) -> Organisation:
    changed = [k for k in ORGANISATION_EDITABLE_FIELDS if k in data]
    for key in changed:
        setattr(organisation, key, data[key])
    # Editing the listing is confirming it.
    organisation.last_confirmed_at = timezone.now()
    organisation.full_clean()
    organisation.save(update_fields=[*changed, "last_confirmed_at", "updated_at"])
    if fields is not None:
        organisation.fields.set(list(fields))
    if wards is not None:
        organisation.wards.set(list(wards))
    return organisation


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    fields: Iterable[FieldOfSupport] = (),
) -> Person:
    person = Person(
        organisation=organisation, **{k: data[k] for k in PERSON_EDITABLE_FIELDS if k in data}
    )
    person.full_clean()
    person.save()
    person.fields.set(list(fields))
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    data: Mapping[str, Any],
    fields: Iterable[FieldOfSupport] | None = None,
) -> Person:
    changed = [k for k in PERSON_EDITABLE_FIELDS if k in data]
    for key in changed:
        setattr(person, key, data[key])
    person.last_confirmed_at = timezone.now()
    person.full_clean()
    person.save(update_fields=[*changed, "last_confirmed_at", "updated_at"])
    if fields is not None:
        person.fields.set(list(fields))
    return person


@transaction.atomic
def person_delete(*, person: Person, by: Any = None) -> None:
    """Remove a person from the listing; a log-in of theirs stops working at once."""
    if by is not None and person.user_id is not None and person.user_id == getattr(by, "pk", None):
        raise ValidationError(_("You cannot remove yourself; ask a colleague or the secretariat."))
    from .invitations import person_remove

    person_remove(person=person)


# --- Freshness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreshnessResult:
    stale: int
    sent: int
    without_contact: int


def freshness_token_make(*, organisation: Organisation) -> str:
    return signing.dumps({"o": organisation.pk}, salt=FRESHNESS_SALT, compress=True)


def freshness_token_read(*, token: str) -> Organisation:
    """The organisation of a signed confirmation link; BadSignature when tampered or expired."""
    max_age = timedelta(days=settings.MEMBERS_FRESHNESS_LINK_DAYS)
    payload = signing.loads(token, salt=FRESHNESS_SALT, max_age=max_age)
    try:
        return Organisation.objects.get(pk=int(payload["o"]), status=Organisation.Status.MEMBER)
    except (KeyError, TypeError, ValueError, Organisation.DoesNotExist) as exc:
        raise signing.BadSignature("unknown organisation") from exc


def freshness_reminders_send(*, now: Any = None) -> FreshnessResult:
    """E-mail each stale organisation's contact people a signed link to confirm their listing.

    The outbox key includes the confirmation date, so one stale period gives one e-mail however
    often the task runs.
    """
    stale = sent = without_contact = 0
    for organisation in organisations_stale(now=now):
        stale += 1
        recipients = [p.email for p in organisation.contacts]  # type: ignore[attr-defined]
        if not recipients:
            without_contact += 1
            logger.info("organisation %s is stale and has no contact e-mail", organisation.pk)
            continue
        link = portal_url(
            reverse(
                "members:freshness-confirm",
                args=[freshness_token_make(organisation=organisation)],
            )
        )
        with transaction.atomic():
            queued = email_compose(
                template="members/email/freshness_reminder.txt",
                context={"organisation": organisation, "link": link},
                to=recipients,
                key=email_key(
                    "members",
                    "freshness",
                    organisation.pk,
                    f"{organisation.last_confirmed_at:%Y%m%d%H%M%S}",
                ),
                subject=gettext_lazy("Please confirm your organisation's listing"),
            )
        sent += queued is not None
    return FreshnessResult(stale=stale, sent=sent, without_contact=without_contact)


@transaction.atomic
def organisation_confirm(*, organisation: Organisation) -> Organisation:
    """The contact person says the listing (organisation and people) is still right."""
    now = timezone.now()
    organisation.last_confirmed_at = now
    organisation.save(update_fields=["last_confirmed_at", "updated_at"])
    organisation.people.update(last_confirmed_at=now)
    return organisation
