import factory
from django.utils import timezone

from members.models import (
    CouncilMeeting,
    FieldOfSupport,
    MembershipApplication,
    Organisation,
    Person,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"テスト団体{n}")
    kana = factory.Sequence(lambda n: f"テストダンタイ{n}")
    kind = Organisation.Kind.NPO
    status = Organisation.Status.MEMBER
    joined_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2022))
    description = "テスト用の団体"
    phone = factory.Sequence(lambda n: f"093-000-{n:04d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"試験 太郎{n}")
    kana = factory.Sequence(lambda n: f"シケン タロウ{n}")
    role = "相談員"
    ask_me_about = "テストの相談"
    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    phone = factory.Sequence(lambda n: f"080-1111-{n:04d}")
    listed_by_name = True

    @factory.post_generation
    def fields(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.fields.set(extracted)  # type: ignore[arg-type]


class CouncilMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMeeting

    held_on = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"第{n}回 協議会")
    agenda = "議題"


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication
        skip_postgeneration_save = True

    organisation_name = factory.Sequence(lambda n: f"NPO法人申請{n}")
    organisation_kana = "シンセイ"
    description = "活動内容"
    motivation = "参加したい"
    contact_name = "申請 花子"
    contact_kana = "シンセイ ハナコ"
    contact_role = "代表"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.jp")
    contact_phone = "080-2222-3333"
    contact_listed_by_name = True

    @factory.post_generation
    def fields(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.fields.set(extracted or FieldOfSupport.objects.filter(slug="housing"))  # type: ignore[arg-type]
