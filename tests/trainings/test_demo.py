import pytest

from casestudies.demo import seed_demo as seed_casestudies
from casestudies.identifiers import identifiers_find
from casestudies.models import CaseStudy
from trainings.demo import seed_demo as seed_trainings
from trainings.models import Programme, QuestionnaireAnswer, Registration, Session

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        list(
            Session.objects.order_by("pk").values_list("pk", "theme", "capacity", "confirmed_count")
        ),
        list(Registration.objects.order_by("pk").values_list("pk", "email", "state", "position")),
        QuestionnaireAnswer.objects.count(),
        list(CaseStudy.objects.values_list("pk", "title")),
    )


def test_seed_demo_is_idempotent_and_matches_the_seed() -> None:
    seed_trainings()
    seed_casestudies()
    first = snapshot()
    seed_trainings()
    seed_casestudies()
    assert snapshot() == first
    programme = Programme.objects.get(slug="2023-shiensha-kenshu")
    sessions = list(programme.sessions.all())
    assert len(sessions) == 13 and {s.capacity for s in sessions} == {75}
    assert str(programme.application_opens_on) == "2023-01-04"
    waitlisted = {s.number for s in sessions if s.registrations.filter(state="waitlisted").exists()}
    assert len(waitlisted) == 2
    for session in Session.objects.all():
        holding = session.registrations.filter(state__in=["confirmed", "attended"]).count()
        assert holding == session.confirmed_count <= session.capacity
    case = Registration.objects.filter(session__programme__slug="2022-12-case-study")
    assert case.count() == 31
    assert QuestionnaireAnswer.objects.count() > 100
    assert Programme.objects.get(slug="sample-upcoming").is_open
    for cs in CaseStudy.objects.all():
        assert identifiers_find(cs.summary) == []


def test_demo_lecture_titles_have_the_scanning_errors_corrected_and_say_so() -> None:
    seed_trainings()
    programme = Programme.objects.get(slug="2023-shiensha-kenshu")
    themes = " ".join(programme.sessions.values_list("theme", flat=True))
    for wrong in ("ののさこもり", "オンラインアロー", "制作者"):
        assert wrong not in themes
        assert wrong in programme.description  # the correction is stated
    assert "大人や女性のひきこもり" in themes and "オンラインアウトリーチ" in themes
