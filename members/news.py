"""News for members, their questions to the secretariat, and simple polls (意見聴取)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitakyushu_pf.services import email_compose, email_key, portal_url

from .models import NewsPost, NewsQuestion, Organisation, Person, Poll, PollChoice, PollVote


def news_published() -> QuerySet[NewsPost]:
    return (
        NewsPost.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
        .prefetch_related("attachments")
        .order_by("-published_at")
    )


def digest_recipients() -> list[tuple[int, str]]:
    """(person id, e-mail) of people with a log-in in member organisations who did not opt out."""
    return list(
        Person.objects.filter(
            organisation__status=Organisation.Status.MEMBER,
            news_digest=True,
            user__is_active=True,
        )
        .exclude(email="")
        .values_list("pk", "email")
    )


def news_digest_send(*, now: Any = None) -> int:
    """One e-mail per person listing the news published since the last digest (beat, daily)."""
    now = now or timezone.now()
    posts = list(
        NewsPost.objects.filter(
            published_at__isnull=False, published_at__lte=now, digest_sent_at__isnull=True
        ).order_by("published_at")
    )
    if not posts:
        return 0
    sent = 0
    ids = f"{posts[0].pk}-{posts[-1].pk}"
    for person_id, email in digest_recipients():
        queued = email_compose(
            template="members/email/news_digest.txt",
            context={
                "posts": [(p, portal_url(p.get_absolute_url())) for p in posts],
                "settings_link": portal_url(reverse("members:my-settings")),
            },
            to=[email],
            key=email_key("members", "news-digest", ids, person_id),
            subject=gettext_lazy("News for council members"),
        )
        sent += queued is not None
    NewsPost.objects.filter(pk__in=[p.pk for p in posts]).update(digest_sent_at=now)
    return sent


@transaction.atomic
def question_ask(*, post: NewsPost, person: Person, text: str) -> NewsQuestion:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write your question.")})
    question = NewsQuestion(post=post, person=person, text=text[:2000])
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_answer(*, question: NewsQuestion, answer: str) -> NewsQuestion:
    """The secretariat answers; the member is mailed the answer (once per question)."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Please write the answer.")})
    question.answer = answer
    question.is_answered = True
    question.save(update_fields=["answer", "is_answered"])
    if question.person.email:
        email_compose(
            template="members/email/question_answered.txt",
            context={
                "question": question,
                "link": portal_url(question.post.get_absolute_url()),
            },
            to=[question.person.email],
            key=email_key("members", "question-answered", question.pk),
            subject=gettext_lazy("The secretariat answered your question"),
        )
    return question


# --- Polls -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollResult:
    choice: PollChoice
    votes: int
    percent: int


def polls_for_members() -> QuerySet[Poll]:
    return Poll.objects.filter(opens_at__lte=timezone.now()).order_by("-opens_at")


def poll_results(poll: Poll) -> list[PollResult]:
    choices = list(poll.choices.annotate(n=Count("votes")).order_by("order", "pk"))
    total = sum(c.n for c in choices) or 1  # type: ignore[attr-defined]
    return [
        PollResult(choice=c, votes=c.n, percent=round(100 * c.n / total))  # type: ignore[attr-defined]
        for c in choices
    ]


def poll_comments(poll: Poll) -> Sequence[str]:
    return list(poll.votes.exclude(comment="").values_list("comment", flat=True))


def poll_vote(*, poll: Poll, choice_id: int, person: Person, comment: str = "") -> PollVote:
    """One answer per person while the poll is open."""
    if not poll.is_open:
        raise ValidationError(_("This poll is closed."))
    choice = poll.choices.filter(pk=choice_id).first()
    if choice is None:
        raise ValidationError({"choice": _("Please choose an answer.")})
    try:
        with transaction.atomic():
            return PollVote.objects.create(
                poll=poll, choice=choice, person=person, comment=comment.strip()[:500]
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already answered this poll.")) from exc
