"""Handbook windows kept by the member organisation that runs them.

An organisation proposes a new window or a change (``WindowProposal``); nothing public changes until
the secretariat approves it. The difference shown to the reviewer is computed by
django-simple-history (``HistoricalService.diff_against``) between the window as published and
the window as proposed; approving saves the window, so the history keeps who changed what, when.
A new or changed phone number is always UNVERIFIED until the secretariat checks it against a
source (the handbook's rule: VERIFIED needs its source URL).

The freshness loop: a window whose information was last checked more than
``MEMBERS_WINDOW_FRESHNESS_DAYS`` days ago is stale; the organisation's contact people get a signed
confirm-or-correct link.
"""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from handbook.models import Service
from handbook.services import content_changed
from kitakyushu_pf.services import email_compose, email_key, portal_url

from .models import Organisation, Person, Ward, WindowProposal
from .services import decision_record

logger = logging.getLogger(__name__)

# The public fields an organisation may change; everything else stays with the secretariat.
WINDOW_FIELDS = (
    "name",
    "description",
    "what_to_expect",
    "phone",
    "chat",
    "email",
    "web_url",
    "in_person",
    "address",
    "ward",
    "hours_note",
    "holiday_notes",
    "target",
    "cost",
    "anonymous_ok",
    "languages",
)
WINDOW_FRESHNESS_SALT = "members.window-freshness"


def normalise_phone(value: str) -> str:
    """０９３－５８２－２４３０ → 093-582-2430: full-width digits and dashes as half-width."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    for dash in ("‐", "‑", "–", "—", "―", "−", "ー", "－"):
        text = text.replace(dash, "-")
    return " ".join(text.split())


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in WINDOW_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "ward":
            value = value.pk if isinstance(value, Ward) else (int(value) if value else None)
        elif key == "anonymous_ok":
            value = bool(value)
        elif key == "phone":
            value = normalise_phone(str(value or ""))
        elif key in ("email", "web_url"):
            value = unicodedata.normalize("NFKC", str(value or "")).strip()
        else:
            # Free text keeps its characters (「10時～18時」 stays as written).
            value = str(value or "").strip()
        clean[key] = value
    return clean


def _current(service: Service | None) -> dict[str, Any]:
    if service is None:
        return {}
    values = {key: getattr(service, key) for key in WINDOW_FIELDS if key != "ward"}
    values["ward"] = service.ward_id
    return values


def windows_of(organisation: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(provider=organisation).select_related("ward").order_by("name")


def proposals_pending() -> QuerySet[WindowProposal]:
    return WindowProposal.objects.filter(state=WindowProposal.State.PENDING).select_related(
        "organisation", "service", "proposed_by"
    )


@transaction.atomic
def window_propose(
    *, organisation: Organisation, data: dict[str, Any], by: Any, service: Service | None = None
) -> WindowProposal | None:
    """Queue a new window or a change for review; None when nothing differs from the published."""
    if service is not None and service.provider_id != organisation.pk:
        raise ValidationError(_("This window belongs to another organisation."))
    values = _clean(data)
    if not values.get("name", service.name if service else ""):
        raise ValidationError({"name": _("Please give the window's name.")})
    current = _current(service)
    changed = {k: v for k, v in values.items() if current.get(k, None if k == "ward" else "") != v}
    if service is not None and not changed:
        return None
    proposal = (
        WindowProposal.objects.select_for_update()
        .filter(organisation=organisation, service=service, state=WindowProposal.State.PENDING)
        .first()
        if service is not None
        else None
    )
    if proposal is None:
        proposal = WindowProposal(organisation=organisation, service=service)
    proposal.data = values if service is None else changed
    proposal.proposed_by = by if getattr(by, "is_authenticated", False) else None
    proposal.proposed_at = timezone.now()
    proposal.full_clean()
    proposal.save()
    return proposal


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any


def _display(key: str, value: Any) -> Any:
    if key == "ward" and value:
        return Ward.objects.filter(pk=value).values_list("name", flat=True).first() or value
    if key == "anonymous_ok":
        return _("yes") if value else _("no")
    return value


def window_diff(proposal: WindowProposal) -> list[Change]:
    """The difference between the published window and the proposal, by django-simple-history."""
    historical = Service.history.model  # type: ignore[attr-defined]
    current = _current(proposal.service)
    proposed = {**current, **proposal.data}

    def record(values: dict[str, Any]) -> Any:
        kwargs = {k: v for k, v in values.items() if k != "ward"}
        kwargs["ward_id"] = values.get("ward")
        return historical(**kwargs)

    delta = record(proposed).diff_against(record(current), included_fields=list(WINDOW_FIELDS))
    labels = {f.name: str(f.verbose_name) for f in Service._meta.fields}
    return [
        Change(
            field=c.field,
            label=labels.get(c.field, c.field),
            old=_display(c.field, c.old),
            new=_display(c.field, c.new),
        )
        for c in delta.changes
        if (c.old or "") != (c.new or "")
    ]


def _notify(proposal: WindowProposal, event: str) -> None:
    recipients = list(
        proposal.organisation.people.filter(is_contact=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if proposal.proposed_by is not None and proposal.proposed_by.email:
        recipients.append(proposal.proposed_by.email)
    recipients = list(dict.fromkeys(recipients))
    if not recipients:
        return
    subjects = {
        "approved": gettext_lazy("Your handbook window change is published"),
        "declined": gettext_lazy("About your handbook window change"),
    }
    email_compose(
        template="members/email/window_decided.txt",
        context={
            "proposal": proposal,
            "approved": event == "approved",
            "link": portal_url(reverse("members:window-list", args=[proposal.organisation_id])),
        },
        to=recipients,
        key=email_key("members", f"window-{event}", proposal.pk),
        subject=subjects[event],
    )


@transaction.atomic
def window_approve(*, proposal: WindowProposal, reviewer: Any, reason: str = "") -> Service:
    """Publish the proposal. A new or changed phone number stays UNVERIFIED until checked."""
    proposal = WindowProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != WindowProposal.State.PENDING:
        raise ValidationError(_("This change has already been decided."))
    service = proposal.service or Service(provider=proposal.organisation, is_active=True)
    old_phone = service.phone if proposal.service else ""
    for key, value in proposal.data.items():
        if key == "ward":
            service.ward_id = value
        else:
            setattr(service, key, value)
    if service.phone != old_phone:
        service.phone_status = Service.PhoneStatus.UNVERIFIED
    service.provider = proposal.organisation
    service.last_checked = timezone.localdate()
    service._history_user = reviewer  # type: ignore[attr-defined]
    service._change_reason = f"window change {proposal.pk}"  # type: ignore[attr-defined]
    service.full_clean(exclude=["provider", "ward"])
    service.save()
    proposal.service = service
    decided = decision_record(item=proposal, approved=True, reviewer=reviewer, reason=reason)
    proposal.save(update_fields=[*decided, "service"])
    content_changed()
    _notify(proposal, "approved")
    return service


@transaction.atomic
def window_decline(*, proposal: WindowProposal, reviewer: Any, reason: str) -> WindowProposal:
    proposal = WindowProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != WindowProposal.State.PENDING:
        raise ValidationError(_("This change has already been decided."))
    decided = decision_record(item=proposal, approved=False, reviewer=reviewer, reason=reason)
    proposal.save(update_fields=decided)
    _notify(proposal, "declined")
    return proposal


@transaction.atomic
def phone_verify(*, service: Service, source_url: str, by: Any) -> Service:
    """The secretariat checked the number against a source: VERIFIED, with that source."""
    if not service.phone:
        raise ValidationError(_("This window has no phone number."))
    if not source_url.strip():
        raise ValidationError({"source_url": _("A VERIFIED number needs its source URL.")})
    service.phone_status = Service.PhoneStatus.VERIFIED
    service.source_url = source_url.strip()
    service.last_checked = timezone.localdate()
    service._history_user = by  # type: ignore[attr-defined]
    service.save()
    content_changed()
    return service


def services_unverified() -> QuerySet[Service]:
    return (
        Service.objects.filter(is_active=True)
        .exclude(phone="")
        .exclude(phone_status=Service.PhoneStatus.VERIFIED)
        .select_related("provider")
        .order_by("name")
    )


# --- Freshness ---------------------------------------------------------------------------------


def _window_days() -> int:
    return int(settings.MEMBERS_WINDOW_FRESHNESS_DAYS)


def windows_stale(*, today: date | None = None) -> QuerySet[Service]:
    """Shown windows of member organisations whose information was not checked recently."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=_window_days())
    return (
        Service.objects.filter(is_active=True, provider__status=Organisation.Status.MEMBER)
        .filter(Q(last_checked__isnull=True) | Q(last_checked__lt=cutoff))
        .select_related("provider")
        .order_by("last_checked", "name")
    )


def window_token_make(*, service: Service) -> str:
    return signing.dumps({"s": service.pk}, salt=WINDOW_FRESHNESS_SALT, compress=True)


def window_token_read(*, token: str) -> Service:
    max_age = timedelta(days=int(settings.MEMBERS_FRESHNESS_LINK_DAYS))
    payload = signing.loads(token, salt=WINDOW_FRESHNESS_SALT, max_age=max_age)
    try:
        return Service.objects.select_related("provider").get(
            pk=int(payload["s"]), provider__status=Organisation.Status.MEMBER
        )
    except (KeyError, TypeError, ValueError, Service.DoesNotExist) as exc:
        raise signing.BadSignature("unknown window") from exc


def window_reminders_send(*, today: date | None = None) -> int:
    """Mail each stale window's organisation a signed confirm-or-correct link, once per period."""
    sent = 0
    for service in windows_stale(today=today):
        recipients = list(
            Person.objects.filter(organisation=service.provider, is_contact=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not recipients:
            logger.info("window %s is stale and its organisation has no contact", service.pk)
            continue
        queued = email_compose(
            template="members/email/window_freshness.txt",
            context={
                "service": service,
                "link": portal_url(
                    reverse("members:window-confirm", args=[window_token_make(service=service)])
                ),
            },
            to=recipients,
            key=email_key(
                "members", "window-freshness", service.pk, f"{service.last_checked or 'never'}"
            ),
            subject=gettext_lazy("Please confirm your handbook window"),
        )
        sent += queued is not None
    return sent


@transaction.atomic
def window_confirm(*, service: Service) -> Service:
    """The organisation says the window's information is still right."""
    service.last_checked = timezone.localdate()
    service.save(update_fields=["last_checked", "updated_at"])
    content_changed()
    return service
