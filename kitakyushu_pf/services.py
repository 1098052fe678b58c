"""Cross-app services: absolute links, composing e-mails in the reader's language, the outbox."""

import base64
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import punycode

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


# When this process's last drain task will have seen every e-mail it committed (monotonic).
_drain_window_ends = [0.0]


def outbox_dispatch_on_commit(email_id: int) -> None:
    """After commit, have the worker send a reserved e-mail, sharing the broker message.

    A broker message per e-mail costs the request a kombu publish (a registration POST took
    9.3 ms of CPU with it and about 5 ms without, in-process). Instead, the first e-mail a
    process commits in a window of ``PORTAL_OUTBOX_BATCH_SECONDS`` publishes one
    :func:`~kitakyushu_pf.tasks.outbox_drain`, due half a window after the window ends; the
    e-mails the same process commits inside the window publish nothing, because their rows are
    committed before that drain runs and the drain hands every fresh unsent row to its own send
    task. Eager mode or a window of 0: one task per e-mail. A drain that could not be published
    leaves the window closed (the next e-mail tries again); the periodic relay sends whatever a
    lost message left behind.
    """
    from .celery import app
    from .tasks import outbox_drain, outbox_send

    window = settings.PORTAL_OUTBOX_BATCH_SECONDS

    def send() -> None:
        try:
            if app.conf.task_always_eager or window <= 0:
                outbox_send.delay(email_id)
                return
            now = time.monotonic()
            if now < _drain_window_ends[0]:
                return  # this process's drain, already published, will see the row
            outbox_drain.apply_async(countdown=window * 1.5)
            _drain_window_ends[0] = now + window
        except Exception:
            logger.exception("could not enqueue e-mail %s; the relay will retry", email_id)

    transaction.on_commit(send)


def outbox_fresh_ids(*, within_seconds: int = 600) -> list[int]:
    """Unsent e-mails queued in the last minutes that no send task has tried yet."""
    since = timezone.now() - timedelta(seconds=within_seconds)
    return list(
        OutboxEmail.objects.filter(sent_at__isnull=True, attempts=0, created_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )


def portal_url(path: str) -> str:
    """The absolute URL of a portal path, for e-mails, QR codes and feeds (``PORTAL_BASE_URL``)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def email_canonical(address: str) -> str:
    """One spelling per mailbox: trimmed, lower case, the domain as the mail system sends it.

    Django sends to a Unicode domain through IDNA, which folds full-width letters and drops soft
    hyphens (``victim@ｅxam\u00adple.jp`` reaches ``victim@example.jp``): per-address limits and
    one-place-per-address rules must see those spellings as the one address they are.
    """
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    # A domain the mail system could not send to stays as typed (the form refuses it anyway).
    with contextlib.suppress(UnicodeError):
        domain = punycode(domain)
    return f"{local}@{domain}".lower()


# How much of a typed name or organisation an e-mail repeats (in 「」, on one line).
QUOTED_NAME_LENGTH = 40
QUOTED_ORGANISATION_LENGTH = 60


def email_quoted(text: object, limit: int) -> str:
    """User-typed text as it may appear in a mail: one line, shortened, in 「」 (empty: "")."""
    flat = " ".join(str(text).split())
    return f"「{truncatechars(flat, limit)}」" if flat else ""


def email_key(app: str, event: str, *ids: object) -> str:
    """The one key format of the outbox: ``app:event:id[:id…]``, e.g. ``trainings:confirmed:42``."""
    return ":".join([app, event, *(str(i) for i in ids)])


def email_compose(
    *,
    template: str,
    context: dict[str, object],
    to: Sequence[str],
    key: str,
    subject: object,
    language: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxEmail | None:
    """Render an e-mail in the recipient's language and queue it once per ``key``.

    ``template`` is a text template path; ``subject`` may be a lazy translation, evaluated in the
    recipient's language. The body always opens with the city's fixed text
    (``portal/email/_opening.txt``), so anything a user typed appears only below it.
    """
    subject_text, body = email_render(
        template=template, context=context, subject=subject, language=language
    )
    return email_enqueue(key=key, to=to, subject=subject_text, body=body, attachments=attachments)


def email_render(
    *, template: str, context: dict[str, object], subject: object, language: str | None = None
) -> tuple[str, str]:
    """(subject, body) of :func:`email_compose` without queueing: the city's opening first."""
    with translation.override(language or settings.LANGUAGE_CODE):
        opening = render_to_string("portal/email/_opening.txt", context).strip()
        body = render_to_string(template, context)
        subject_text = " ".join(str(subject).split())
    return subject_text, f"{opening}\n\n{body.lstrip()}"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    attachments: Sequence[Attachment] = ()


# Renderers of e-mails reserved now and written later (by the worker, just before sending),
# by the app part of the key: ``{"trainings": render(email) -> RenderedEmail | None}``.
_RENDERERS: dict[str, Callable[[OutboxEmail], "RenderedEmail | None"]] = {}


def outbox_renderer(
    app: str,
) -> Callable[
    [Callable[[OutboxEmail], RenderedEmail | None]], Callable[[OutboxEmail], RenderedEmail | None]
]:
    """Register the function that writes ``app``'s reserved e-mails (see :func:`email_reserve`)."""

    def decorator(
        func: Callable[[OutboxEmail], RenderedEmail | None],
    ) -> Callable[[OutboxEmail], RenderedEmail | None]:
        _RENDERERS[app] = func
        return func

    return decorator


def email_reserve(*, key: str, to: Sequence[str], new_event: bool = False) -> OutboxEmail | None:
    """Queue an e-mail whose text is written later, by the worker, before it is sent.

    The row (key, recipient) is written in the caller's transaction, so the e-mail is owed as
    surely as with :func:`email_enqueue`, but the request does not pay for templates or
    attachments. The app's :func:`outbox_renderer` writes it (in the recipient's language, with
    :func:`email_render`) when it is sent. None when that event's e-mail already exists.
    """
    if new_event:
        # The event was created in this very transaction, so its key cannot exist yet: no
        # savepoint (the caller may be holding a row lock); a clash raises IntegrityError.
        email = OutboxEmail.objects.create(key=key, to=list(to), subject="", body="")
    else:
        try:
            with transaction.atomic():
                email = OutboxEmail.objects.create(key=key, to=list(to), subject="", body="")
        except IntegrityError:
            return None
    outbox_dispatch_on_commit(email.pk)
    return email


def _render_reserved(email: OutboxEmail) -> bool:
    """Write a reserved e-mail in place; False when there is nothing to send any more."""
    renderer = _RENDERERS.get(email.key.split(":", 1)[0])
    rendered = renderer(email) if renderer else None
    if rendered is None:
        return False
    email.subject = rendered.subject[:255]
    email.body = rendered.body
    email.attachments = [
        {
            "filename": a.filename,
            "content_b64": base64.b64encode(a.content).decode("ascii"),
            "mimetype": a.mimetype,
        }
        for a in rendered.attachments
    ]
    email.save(update_fields=["subject", "body", "attachments"])
    return True


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
        if not email.body and not _render_reserved(email):
            # Reserved, and its event no longer calls for an e-mail (e.g. the data was purged).
            email.attempts = MAX_ATTEMPTS
            email.last_error = "nothing to send"
            email.save(update_fields=["attempts", "last_error"])
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
