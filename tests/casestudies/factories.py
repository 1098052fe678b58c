import factory

from casestudies.models import CaseStudy


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    title = factory.Sequence(lambda n: f"事例 {n}")
    summary = "70代の女性Aさんが、地域の見守りをきっかけに相談につながった事例。"
    is_published = True
