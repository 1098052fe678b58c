import pytest

from members.models import Organisation
from members.search import query_variants
from members.selectors import people_directory

from .conftest import World
from .factories import PersonFactory

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


def test_query_variants_fold_half_width_katakana_and_read_kanji() -> None:
    assert query_variants("ｽﾐﾀﾞ") == ["すみだ"]
    assert query_variants("引きこもり") == ["引きこもり", "ひきこもり"]


@pytest.mark.parametrize("query", ["引きこもり", "ひきこもり", "ヒキコモリ", "ﾋｷｺﾓﾘ"])
@pytest.mark.parametrize(
    "written", ["引きこもりの若者の居場所", "ひきこもり支援", "ヒキコモリ相談"]
)
def test_directory_finds_hikikomori_however_it_is_written(
    world: World, query: str, written: str
) -> None:
    person = PersonFactory(organisation=world.org_b, ask_me_about=written, listed_by_name=False)
    assert list(people_directory(q=query)) == [person]


def test_directory_search_text_follows_consent(world: World) -> None:
    world.hidden_a.listed_by_name = True
    world.hidden_a.save()
    assert list(people_directory(q="ひみつ")) == [world.hidden_a]
    world.hidden_a.listed_by_name = False
    world.hidden_a.save(update_fields=["listed_by_name"])
    assert list(people_directory(q="秘密")) == []
