import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import CouncilMeeting, MembershipApplication, Organisation, Person

pytestmark = pytest.mark.django_db

# The project's own copy of the verified contact list (see handbook/data/).
VERIFIED_CSV = Path(__file__).resolve().parents[2] / "handbook" / "data" / "contacts_verified.csv"


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_the_council(seeded: None) -> None:
    npos = Organisation.objects.filter(kind=Organisation.Kind.NPO, status="member")
    assert npos.count() == 15
    assert set(npos.filter(is_sample=False).values_list("name", flat=True)) == {
        "認定NPO法人抱樸", "NPO法人老いを支える北九州家族の会",
    }  # fmt: skip
    for org in npos.filter(is_sample=True):
        assert "サンプル" in org.name
        assert 2 <= org.people.count() <= 4
    assert Person.objects.filter(listed_by_name=False).exists()
    assert CouncilMeeting.objects.count() == 3
    assert (
        MembershipApplication.objects.filter(status__in=["submitted", "under_review"]).count() == 2
    )
    assert (
        Person.objects.filter(listed_by_name=True, fields__slug="housing")
        .filter(fields__slug="reentry")
        .exists()
    )
    assert Person.objects.get(user__username="member").organisation.is_sample


def test_demo_phone_numbers_are_only_verified_ones(seeded: None) -> None:
    real = [o for o in Organisation.objects.filter(is_sample=False) if o.phone]
    if VERIFIED_CSV.exists():
        with VERIFIED_CSV.open(encoding="utf-8") as f:
            verified = {r["phone"] for r in csv.DictReader(f) if r["status"] == "VERIFIED"}
        assert {o.phone for o in real} <= verified
    assert Organisation.objects.get(name="門司区役所").phone == ""
    assert Organisation.objects.get(name="八幡東区役所").phone == ""
    assert Organisation.objects.get(name="認定NPO法人抱樸").phone == ""
    for person in Person.objects.exclude(phone=""):
        assert person.phone.startswith("000-"), person.phone


def test_demo_member_answers_the_housing_question_in_two_clicks(seeded: None, client: Any) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="member"))
    html = client.get(reverse("members:organisation-list")).content.decode()
    chip = reverse("members:person-directory") + "?field=reentry"
    assert chip in html
    html = client.get(chip).content.decode()
    assert "（サンプル）見本 太郎" in html and "刑務所を出た人の住まい探し" in html


def test_no_person_contact_anywhere_in_public_html_of_the_demo(seeded: None, client: Any) -> None:
    pages = [
        "/", reverse("members:organisation-list"), reverse("members:application-create"),
        reverse("members:application-done"),
    ]  # fmt: skip
    people = list(Person.objects.all())
    for url in pages:
        html = client.get(url).content.decode()
        for person in people:
            for value in (person.email, person.phone):
                assert not value or value not in html, (url, value)


def test_demo_member_edits_a_window_of_its_organisation_public_only_after_approval(
    seeded: None,
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from handbook.models import Service
    from kitakyushu_pf.demo import DEMO_PASSWORD
    from members.models import WindowProposal

    member = Client()
    member.post(reverse("login"), {"username": "member", "password": DEMO_PASSWORD})
    assert "_auth_user_id" in member.session
    organisation = Person.objects.get(user__username="member").organisation
    listing = member.get(reverse("members:window-list", args=[organisation.pk]))
    assert listing.status_code == 200
    service = Service.objects.filter(provider=organisation, is_active=True).first()
    assert service is not None, "the demo member's organisation keeps no window"
    edit = reverse("members:window-edit", args=[organisation.pk, service.pk])
    assert service.name in listing.content.decode() and edit in listing.content.decode()

    worry = service.worries.first()
    assert worry is not None

    def public() -> str:
        return Client().get(reverse("handbook:results"), {"w": worry.pk}).content.decode()

    assert service.name in public()
    data: dict[str, Any] = {k: getattr(service, k) or "" for k in ("name", "languages")}
    data.update(
        description=service.description, hours_note="デモで変更した受付時間", target=service.target
    )
    assert member.post(edit, data).status_code == 302
    assert "デモで変更した受付時間" not in public()

    secretariat = Client()
    secretariat.force_login(get_user_model().objects.get(username="secretariat"))
    proposal = WindowProposal.objects.get(service=service)
    secretariat.post(
        reverse("members:window-review"), {"proposal": proposal.pk, "action": "approve"}
    )
    assert "デモで変更した受付時間" in public()
