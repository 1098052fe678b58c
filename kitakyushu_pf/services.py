"""Cross-app services: the e-mail outbox."""

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboxEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def dispatch_on_commit(task: object, *args: object) -> None:
    """Enqueue a Celery task after commit; a broker outage is logged, never raised.

    The rows the task needs are already committed, and a periodic relay picks them up when the
    broker is back, so the user's request succeeds either way.
    """

    def send() -> None:
        try:
            task.delay(*args)  # type: ignore[attr-defined]
        except Exception:
            logger.exception("could not enqueue %s%r; the relay will retry", task, args)

    transaction.on_commit(send)


def email_enqueue(
    *,
    key: str,
    to: Sequence[str],
    subject: str,
    body: str,
    html_body: str = "",
    attachments: Sequence[Attachment] = (),
) -> OutboxEmail | None:
    """Queue an e-mail once per event key; returns None when that event's e-mail already exists."""
    from .tasks import outbox_send

    email = OutboxEmail(
        key=key,
        to=list(to),
        subject=subject,
        body=body,
        html_body=html_body,
        attachments=[
            {
                "filename": a.filename,
                "content_b64": base64.b64encode(a.content).decode("ascii"),
                "mimetype": a.mimetype,
            }
            for a in attachments
        ],
    )
    email.full_clean(validate_unique=False)  # the unique key is enforced by the database
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        return None
    dispatch_on_commit(outbox_send, email.pk)
    return email


def email_send(*, email_id: int) -> bool:
    """Send one queued e-mail unless it was sent already. True when it was sent now."""
    failure: Exception | None = None
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        for a in email.attachments:
            message.attach(a["filename"], base64.b64decode(a["content_b64"]), a["mimetype"])
        try:
            message.send()
        except Exception as exc:
            failure = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
        else:
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "sent_at", "last_error"])
    if failure is not None:
        raise failure
    return True


def outbox_pending_ids(*, older_than_seconds: int = 60) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OutboxEmail.objects.filter(
            sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    )
