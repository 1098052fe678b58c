import pytest

from members.models import Organisation
from members.selectors import kana_variants, people_directory

from .conftest import World

pytestmark = pytest.mark.django_db


def test_directory_by_field_returns_people_of_member_organisations(world: World) -> None:
    assert set(people_directory(field="reentry")) == {world.person_a}
    assert set(people_directory(field="housing")) == {world.person_a, world.hidden_a}
    Organisation.objects.filter(pk=world.org_a.pk).update(status=Organisation.Status.FORMER)
    assert list(people_directory(field="housing")) == []


def test_directory_free_text_over_name_kana_topic_and_organisation(world: World) -> None:
    assert list(people_directory(q="住田")) == [world.person_a]
    assert list(people_directory(q="すみだ あきら")) == [world.person_a]
    assert list(people_directory(q="住まい")) == [world.person_a]
    assert set(people_directory(q="ダンタイビー")) == {world.person_b}
    assert list(people_directory(q="会計")) == [world.hidden_a]
    assert list(people_directory(q="秘密")) == []  # no consent: not findable by name
    assert list(people_directory(field="reentry", q="別府")) == []


def test_kana_variants_cover_hiragana_katakana_and_half_width() -> None:
    assert set(kana_variants("ｽﾐﾀﾞ")) == {"スミダ", "すみだ"}
    assert set(kana_variants("すみだ")) == {"すみだ", "スミダ"}
