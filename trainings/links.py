"""Personal links sent by e-mail: random, stored hashed, revocable, with an end.

A token is ``HMAC-SHA256(SECRET_KEY, "trainings.link:" + nonce)`` (URL-safe base64, 43 chars),
where ``nonce`` is 32 random bytes kept on the :class:`~trainings.models.AccessLink` row. The
database holds only the nonce and ``sha256(token)``: a copy of the database alone does not give
the links, and looking a token up never compares secrets in Python. The worker that writes an
e-mail recomputes the token from the nonce, so every e-mail of one person and programme carries
the same link; rotating the nonce (a resend, or the secretariat's "revoke") kills all old copies.

- "my registrations": one link per (address, programme), valid until 30 days after the
  person's last session of that programme (``TRAININGS_ME_LINK_DAYS``);
- questionnaire: one link per registration, valid 60 days after its session
  (``TRAININGS_QUESTIONNAIRE_LINK_DAYS``);
- confirmation of a held seat: one link per registration, valid until the hold ends, used once
  (confirming revokes it).
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kitakyushu_pf.services import email_canonical, portal_url

from .models import ACTIVE_STATES, AccessLink, Programme, Registration

TOKEN_LENGTH = 43


def normalise_email(email: str) -> str:
    """One spelling per mailbox (kitakyushu_pf.services.email_canonical)."""
    return email_canonical(email)


def _token_for(nonce: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"trainings.link:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _new_nonce() -> tuple[str, str]:
    nonce = secrets.token_urlsafe(32)
    return nonce, _hash(_token_for(nonce))


def link_token(link: AccessLink) -> str:
    return _token_for(link.nonce)


def me_link_expiry(*, email: str, programme: Programme) -> datetime:
    """30 days (setting) after the end of the person's last held place in the programme.

    With every place cancelled, the link lives only until the last cut-off (to undo a
    cancellation), and not at all once that has passed.
    """
    places = list(
        Registration.objects.filter(
            session__programme=programme, email=normalise_email(email), anonymised_at__isnull=True
        ).select_related("session__programme")
    )
    held = [r.session.ends_at for r in places if r.state in ACTIVE_STATES]
    if held:
        return max(held) + timedelta(days=settings.TRAININGS_ME_LINK_DAYS)
    cancelled = [r.session.cutoff_at for r in places if r.state == Registration.State.CANCELLED]
    return max(cancelled) if cancelled else timezone.now()


def me_link_ensure(*, email: str, programme: Programme) -> AccessLink:
    """The person's link for the programme, created or extended to cover their last session."""
    email = normalise_email(email)
    expires = me_link_expiry(email=email, programme=programme)
    link = AccessLink.objects.filter(
        purpose=AccessLink.Purpose.ME, email=email, programme=programme
    ).first()
    if link is None:
        nonce, token_hash = _new_nonce()
        try:
            with transaction.atomic():
                return AccessLink.objects.create(
                    purpose=AccessLink.Purpose.ME,
                    email=email,
                    programme=programme,
                    nonce=nonce,
                    token_hash=token_hash,
                    expires_at=expires,
                )
        except IntegrityError:  # made at the same moment by another worker
            link = AccessLink.objects.get(
                purpose=AccessLink.Purpose.ME, email=email, programme=programme
            )
    if link.revoked_at is not None:
        link.nonce, link.token_hash = _new_nonce()
        link.revoked_at = None
        link.expires_at = expires
        link.save(update_fields=["nonce", "token_hash", "revoked_at", "expires_at"])
    elif link.expires_at != expires:
        link.expires_at = expires
        link.save(update_fields=["expires_at"])
    return link


def link_rotate(link: AccessLink) -> AccessLink:
    """A new token for the same link: every copy of the old one stops working."""
    link.nonce, link.token_hash = _new_nonce()
    link.revoked_at = None
    link.save(update_fields=["nonce", "token_hash", "revoked_at"])
    return link


def link_revoke(link: AccessLink) -> None:
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])


def questionnaire_link_ensure(*, registration: Registration) -> AccessLink:
    expires = registration.session.ends_at + timedelta(
        days=settings.TRAININGS_QUESTIONNAIRE_LINK_DAYS
    )
    purpose = AccessLink.Purpose.QUESTIONNAIRE
    link = AccessLink.objects.filter(registration=registration, purpose=purpose).first()
    if link is not None:
        return link
    return _registration_link_create(registration, purpose, expires)


def _registration_link_create(
    registration: Registration, purpose: str, expires: datetime
) -> AccessLink:
    nonce, token_hash = _new_nonce()
    try:
        with transaction.atomic():
            return AccessLink.objects.create(
                purpose=purpose,
                email=registration.email,
                programme=registration.session.programme,
                registration=registration,
                nonce=nonce,
                token_hash=token_hash,
                expires_at=expires,
            )
    except IntegrityError:  # made at the same moment by another worker
        return AccessLink.objects.get(registration=registration, purpose=purpose)


def confirm_link_ensure(*, registration: Registration) -> AccessLink:
    """The link that confirms a held seat, valid until the hold ends (a new hold, a new token)."""
    purpose = AccessLink.Purpose.CONFIRM
    expires = registration.hold_expires_at or timezone.now()
    link = AccessLink.objects.filter(registration=registration, purpose=purpose).first()
    if link is None:
        return _registration_link_create(registration, purpose, expires)
    if link.revoked_at is not None or link.expires_at != expires:
        link.nonce, link.token_hash = _new_nonce()
        link.revoked_at = None
        link.expires_at = expires
        link.save(update_fields=["nonce", "token_hash", "revoked_at", "expires_at"])
    return link


def confirm_link_lookup(token: str) -> AccessLink | None:
    """The confirmation link a token belongs to, even when used or expired (the page says
    which); None for anything else."""
    if len(token) != TOKEN_LENGTH:
        return None
    return (
        AccessLink.objects.select_related("programme", "registration__session__programme")
        .filter(token_hash=_hash(token), purpose=AccessLink.Purpose.CONFIRM)
        .first()
    )


def link_find(token: str, purpose: str) -> AccessLink | None:
    """The usable link a token belongs to, or None (unknown, revoked, expired, wrong purpose)."""
    if len(token) != TOKEN_LENGTH:
        return None
    link = (
        AccessLink.objects.select_related("programme", "registration__session__programme")
        .filter(token_hash=_hash(token), purpose=purpose)
        .first()
    )
    if link is None or not link.is_usable():
        return None
    return link


def me_url(link: AccessLink) -> str:
    return portal_url(reverse("trainings:me", args=[link_token(link)]))


def questionnaire_url(link: AccessLink) -> str:
    return portal_url(reverse("trainings:questionnaire", args=[link_token(link)]))


def confirm_url(link: AccessLink) -> str:
    return portal_url(reverse("trainings:registration-confirm", args=[link_token(link)]))
