import datetime as dt

import pytest
from freezegun import freeze_time

from handbook import selectors
from handbook.demo import seed_demo
from handbook.models import Service, Worry
from members.models import Ward

from .factories import OpeningHoursFactory, ServiceFactory, WorryFactory

pytestmark = pytest.mark.django_db


def _rank(worries: list[Worry], **kw: object) -> selectors.Ranking:
    snap = selectors.snapshot_build(None)
    return selectors.services_rank(snapshot=snap, worry_ids=[w.pk for w in worries], **kw)


def test_services_matching_more_worries_come_first() -> None:
    money, work = WorryFactory(), WorryFactory()
    ServiceFactory(name="a-money-only", worries=[money])
    ServiceFactory(name="z-both", worries=[money, work])
    ranking = _rank([money, work])
    assert [r.service.name for r in ranking.services] == ["z-both", "a-money-only"]
    assert ranking.services[0].matched == 2


def test_age_fit_ranks_before_the_rest_and_misfits_go_last() -> None:
    w = WorryFactory()
    ServiceFactory(name="a-adults", age_min=40, worries=[w])
    ServiceFactory(name="b-anyone", worries=[w])
    ServiceFactory(name="c-youth", age_min=15, age_max=39, worries=[w])
    ranking = _rank([w], age=17)
    assert [r.service.name for r in ranking.services] == ["c-youth", "b-anyone", "a-adults"]


def test_ward_fit_puts_own_ward_first_and_other_wards_last() -> None:
    w = WorryFactory()
    moji, tobata = Ward.objects.get(code="moji"), Ward.objects.get(code="tobata")
    ServiceFactory(name="a-moji", ward=moji, worries=[w])
    ServiceFactory(name="b-citywide", worries=[w])
    ServiceFactory(name="c-tobata", ward=tobata, worries=[w])
    ranking = _rank([w], ward_id=tobata.pk)
    assert [r.service.name for r in ranking.services] == ["c-tobata", "b-citywide", "a-moji"]
    # Without a ward, city-wide windows come before ward offices.
    assert [r.service.name for r in _rank([w]).services][0] == "b-citywide"


def test_hidden_services_and_worries_are_left_out() -> None:
    w = WorryFactory()
    ServiceFactory(name="hidden", is_active=False, worries=[w])
    assert _rank([w]).services == []


def test_crisis_worry_puts_crisis_lines_above_everything() -> None:
    crisis = WorryFactory(is_crisis=True)
    other = WorryFactory()
    line = ServiceFactory(name="line", is_crisis_line=True, crisis_order=10, worries=[crisis])
    ServiceFactory(name="ordinary", worries=[crisis, other])
    ranking = _rank([other, crisis])
    assert ranking.crisis
    assert [r.service.id for r in ranking.crisis_lines] == [line.pk]
    assert line.pk not in [r.service.id for r in ranking.services]


@freeze_time("2026-11-25 14:00:00")  # 23:00 JST on a Wednesday
def test_open_crisis_lines_come_before_closed_ones() -> None:
    crisis = WorryFactory(is_crisis=True)
    closed = ServiceFactory(name="day", is_crisis_line=True, crisis_order=1, worries=[crisis])
    OpeningHoursFactory(service=closed, weekday=2, opens=dt.time(9), closes=dt.time(17))
    always = ServiceFactory(
        name="24h", is_crisis_line=True, crisis_order=9, is_24h=True, worries=[crisis]
    )
    ranking = _rank([crisis])
    assert [r.service.id for r in ranking.crisis_lines] == [always.pk, closed.pk]
    assert ranking.crisis_lines[1].open_now is False


@pytest.mark.parametrize(
    "when", ["2026-11-25 01:00:00", "2026-11-23 03:00:00", "2026-12-31 15:00:00"]
)
def test_shinitai_always_shows_crisis_lines_first(when: str) -> None:
    seed_demo()
    with freeze_time(when):
        snap = selectors.snapshot_build(None)
        result = selectors.worries_search(snapshot=snap, text="死にたい")
        assert result.crisis
        ranking = selectors.services_rank(
            snapshot=snap, worry_ids=[result.hits[0].id], crisis_query=result.crisis
        )
    names = [r.service.name for r in ranking.crisis_lines]
    assert ranking.crisis and len(names) >= 4
    assert any("いのちの電話" in n for n in names)
    assert any("よりそいホットライン" in n for n in names)
    assert all(r.service.is_crisis_line for r in ranking.crisis_lines)


def test_only_verified_numbers_get_a_tel_button() -> None:
    w = WorryFactory()
    ServiceFactory(name="v", phone="093-000-0001", phone_status="VERIFIED", worries=[w])
    ServiceFactory(name="u", phone="093-000-0002", phone_status="UNVERIFIED", worries=[w])
    by_name = {r.service.name: r.service for r in _rank([w]).services}
    assert by_name["v"].tel_href == "tel:0930000001"
    assert by_name["u"].tel == "" and by_name["u"].use_general_line


def test_demo_has_enough_content() -> None:
    seed_demo()
    snap = selectors.snapshot_build(None)
    assert len(snap.categories) >= 12
    assert len(snap.worries) >= 80
    assert Service.objects.count() >= 60
    samples = Service.objects.filter(is_sample=True)
    assert samples.exists() and not samples.exclude(phone="").exists()
    assert all("サンプル" in s.name for s in samples)


def test_content_check_lists() -> None:
    w = WorryFactory(text="行き止まり")
    ServiceFactory(name="no-phone")
    assert "no-phone" in [s.name for s in selectors.services_without_phone()]
    assert "no-phone" in [s.name for s in selectors.services_without_hours()]
    assert w in selectors.worries_without_service()
