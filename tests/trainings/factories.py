from datetime import time, timedelta

import factory
from django.utils import timezone

from trainings.models import Programme, Registration, Session


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title = factory.Sequence(lambda n: f"支援者向け研修会 {n}")
    venue = "AIM 3階 314・315会議室"
    venue_address = "北九州市小倉北区浅野三丁目8-1"
    application_opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    application_closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    is_published = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    start = factory.Sequence(lambda n: time(9 + (n % 8), 0))
    end = factory.LazyAttribute(lambda o: time(o.start.hour, 50))
    theme = factory.Sequence(lambda n: f"講義 {n}")
    capacity = 75


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A raw row: use the services for anything that must respect capacity."""

    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"見本 太郎{n}")
    kana = factory.Sequence(lambda n: f"みほん たろう{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    state = Registration.State.CONFIRMED


def default_answers(
    programme: Programme,
    satisfaction: object = 5,
    usefulness: object = 4,
    join_regular: str = "参加したい",
    topics_wanted: str = "",
    comment: str = "",
) -> dict[int, object]:
    """Answers to the default five questions, as the questionnaire service takes them."""
    from trainings.services import questionnaire_questions_ensure

    questions = questionnaire_questions_ensure(programme=programme)
    values = (satisfaction, usefulness, join_regular, topics_wanted, comment)
    return {q.pk: v for q, v in zip(questions, values, strict=True)}
