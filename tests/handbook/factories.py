import datetime as dt

import factory

from handbook.models import Category, OpeningHours, Service, Worry


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"カテゴリ{n}")


class WorryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worry

    category = factory.SubFactory(CategoryFactory)
    text = factory.Sequence(lambda n: f"困りごと{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"窓口{n}")
    phone = ""
    phone_status = Service.PhoneStatus.UNVERIFIED
    last_checked = dt.date(2026, 11, 27)

    @factory.post_generation
    def worries(self, create: bool, extracted: list[Worry] | None, **kwargs: object) -> None:
        if create and extracted:
            self.worries.set(extracted)


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    service = factory.SubFactory(ServiceFactory)
    weekday = 0
    opens = dt.time(9)
    closes = dt.time(17)
