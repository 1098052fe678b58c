"""Dates and taxonomy labels follow the reader's language, not the data's."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
WEDNESDAY = date(2027, 1, 20)


def render(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("style", "ja", "en"),
    [
        ("day", "1月20日", "Jan 20"),
        ("day_weekday", "1月20日(水)", "Wed, Jan 20"),
        ("date_weekday", "2027年1月20日(水)", "Wed, Jan 20, 2027"),
        ("date", "2027年1月20日", "Jan. 20, 2027"),
        ("month", "2027年1月", "January 2027"),
    ],
)
def test_local_date_speaks_the_readers_language(style: str, ja: str, en: str) -> None:
    source = "{{ d|local_date:'" + style + "' }}"  # a built-in filter: no {% load %}
    with translation.override("ja"):
        assert render(source, d=WEDNESDAY) == ja
    with translation.override("en"):
        assert render(source, d=WEDNESDAY) == en


def test_no_template_hard_codes_a_japanese_date_format() -> None:
    offenders = [
        f"{path.relative_to(BASE_DIR)}"
        for path in BASE_DIR.glob("*/templates/**/*.html")
        if any(marker in path.read_text(encoding="utf-8") for marker in ("月j日", '"Y年n月'))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_english_programme_pages_have_no_japanese_dates(client: Client) -> None:
    from tests.trainings.factories import SessionFactory

    session = SessionFactory(date=WEDNESDAY)
    client.cookies["django_language"] = "en"
    detail = client.get(reverse("trainings:programme-detail", args=[session.programme.slug]))
    html = detail.content.decode()
    assert "Wed, Jan 20" in html
    assert "1月20日" not in html and "(Wed)" not in html
    listing = client.get(reverse("trainings:programme-list")).content.decode()
    assert "月" not in listing.split("<main", 1)[-1].split(session.programme.title)[-1][:200]


@pytest.mark.django_db
def test_fields_and_wards_are_labelled_in_the_readers_language() -> None:
    from members.models import FieldOfSupport, Ward

    housing = FieldOfSupport.objects.get(slug="housing")
    moji = Ward.objects.get(code="moji")
    with translation.override("ja"):
        assert (str(housing), moji.label) == ("居住", "門司区")
    with translation.override("en"):
        assert (str(housing), moji.label) == ("Housing", "Moji Ward")


@pytest.mark.django_db
def test_the_public_member_list_labels_fields_in_english(client: Client) -> None:
    from members.models import FieldOfSupport, Ward
    from tests.members.factories import OrganisationFactory

    organisation = OrganisationFactory()
    organisation.fields.set(FieldOfSupport.objects.filter(slug="housing"))
    organisation.wards.set(Ward.objects.filter(code="moji"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("members:organisation-list")).content.decode()
    assert "Housing" in html and "Moji Ward" in html
    assert "居住" not in html and "門司区" not in html
