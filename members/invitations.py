"""Log-ins for members: single-use set-your-password links, and taking log-ins away again.

The link carries a random token (``secrets.token_urlsafe``); only its SHA-256 is stored, so a copy
of the database does not let anyone in. A link is valid ``MEMBERS_INVITATION_DAYS`` days (7),
works once, and can be revoked or sent again (sending again makes a new token; the old link stops
working).
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitakyushu_pf.roles import MEMBER
from kitakyushu_pf.services import email_compose, email_key, portal_url

from .models import Invitation, Organisation, Person


def _valid_days() -> int:
    return int(settings.MEMBERS_INVITATION_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_link(token: str) -> str:
    return portal_url(reverse("members:invitation-accept", args=[token]))


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=_valid_days())
    return token


def _mail(invitation: Invitation, token: str) -> None:
    person = invitation.person
    email_compose(
        template="members/email/invitation.txt",
        context={
            "person": person,
            "organisation": person.organisation,
            "link": invitation_link(token),
            "days": _valid_days(),
            "invited_by": invitation.invited_by,
        },
        to=[invitation.email],
        key=email_key("members", "invitation", invitation.pk, invitation.sent_count),
        subject=gettext_lazy("Set your password for Tsunagaru PF"),
    )


def invitations_pending() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("person__organisation")


@transaction.atomic
def invitation_create(*, person: Person, invited_by: Any = None, mail: bool = True) -> str:
    """Invite a person of a member organisation; returns the token (only ever in the mail)."""
    if person.user_id is not None:
        raise ValidationError(_("This person already has a log-in."))
    if not person.email:
        raise ValidationError({"email": _("An e-mail address is needed for the invitation.")})
    if person.organisation.status != Organisation.Status.MEMBER:
        raise ValidationError(_("Only people of member organisations can be invited."))
    now = timezone.now()
    Invitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation(
        person=person,
        email=person.email,
        invited_by=invited_by if getattr(invited_by, "is_authenticated", False) else None,
        created_at=now,
    )
    token = _new_token(invitation)
    invitation.save()
    if mail:
        _mail(invitation, token)
    return token


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> str:
    """A new token and seven more days; the link in the earlier mail stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already used."))
    token = _new_token(invitation)
    invitation.revoked_at = None
    invitation.sent_count += 1
    invitation.email = invitation.person.email or invitation.email
    invitation.save()
    _mail(invitation, token)
    return token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def invitation_find(*, token: str) -> Invitation | None:
    """The pending invitation of a link, or None (unknown, used, revoked or expired)."""
    return (
        invitations_pending()
        .filter(
            token_hash=token_hash(token), person__organisation__status=Organisation.Status.MEMBER
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Any:
    """Create the log-in (group ``member``, linked to the Person); the link then stops working."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=token_hash(token))
        .select_related("person__organisation")
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise ValidationError(_("This link is no longer valid. Please ask the secretariat."))
    person = invitation.person
    if person.organisation.status != Organisation.Status.MEMBER or person.user_id is not None:
        raise ValidationError(_("This link is no longer valid. Please ask the secretariat."))
    User = get_user_model()
    username = invitation.email.lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("A log-in with this e-mail address already exists. Please ask the secretariat.")
        )
    user = User(username=username, email=invitation.email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=MEMBER))
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


# --- Taking log-ins away ------------------------------------------------------------------------


def logins_revoke(*, people: QuerySet[Person]) -> int:
    """Deactivate the log-ins of these people and revoke their open invitations."""
    User = get_user_model()
    user_ids = [pk for pk in people.values_list("user_id", flat=True) if pk is not None]
    count = User.objects.filter(pk__in=user_ids, is_active=True).update(is_active=False)
    Invitation.objects.filter(
        person__in=people, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return count


@transaction.atomic
def person_remove(*, person: Person) -> None:
    """Remove a person from the listing; their log-in stops working at once."""
    logins_revoke(people=Person.objects.filter(pk=person.pk))
    person.delete()
