import datetime as dt

import pytest
from freezegun import freeze_time

from handbook import hours, selectors
from handbook.hours import Schedule, Span, is_open

T = dt.time


def sched(*spans: tuple[int, dt.time, dt.time], **kw: bool) -> Schedule:
    return Schedule(
        is_24h=kw.get("is_24h", False),
        closed_on_holidays=kw.get("closed_on_holidays", True),
        closed_new_year=kw.get("closed_new_year", False),
        spans=tuple(Span(*s) for s in spans),
    )


WEEKDAYS_9_17 = sched(*[(d, T(9), T(17)) for d in range(5)], closed_new_year=True)
# #8000: 平日19:00〜翌7:00、土曜12:00〜翌7:00、日祝7:00〜翌7:00
CHILD_ER = sched(
    *[(d, T(19), T(7)) for d in range(5)], (5, T(12), T(7)), (6, T(7), T(7)), (7, T(7), T(7))
)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-11-25 10:00", True),  # Wednesday
        ("2026-11-25 08:59", False),
        ("2026-11-25 17:00", False),  # closing time is exclusive
        ("2026-11-28 10:00", False),  # Saturday
        ("2026-11-23 10:00", False),  # 勤労感謝の日 (Monday holiday)
        ("2026-12-29 10:00", False),  # year-end break
        ("2027-01-04 10:00", True),
    ],
)
def test_weekday_office_hours(when: str, expected: bool) -> None:
    assert is_open(WEEKDAYS_9_17, dt.datetime.fromisoformat(when)) is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-11-25 23:30", True),  # Wednesday night
        ("2026-11-26 06:59", True),  # Thursday early morning: Wednesday's span
        ("2026-11-26 07:00", False),
        ("2026-11-26 12:00", False),
        ("2026-11-28 13:00", True),  # Saturday from 12:00
        ("2026-11-29 03:00", True),  # Sunday early: Saturday's span
        ("2026-11-29 12:00", True),  # Sunday daytime
        ("2026-11-23 12:00", True),  # Monday holiday: the holiday row (7:00〜翌7:00)
        ("2026-11-24 06:00", True),  # Tuesday early: the holiday's span carries over
        ("2026-11-24 12:00", False),
    ],
)
def test_spans_across_midnight_and_holiday_rows(when: str, expected: bool) -> None:
    assert is_open(CHILD_ER, dt.datetime.fromisoformat(when)) is expected


def test_span_to_midnight_and_24h_days() -> None:
    inochi_sos = sched(
        *[(d, T(0), T(0)) for d in (0, 3, 4)],
        *[(d, T(6), T(0)) for d in (1, 2, 5, 6)],
        closed_on_holidays=False,
    )
    assert is_open(inochi_sos, dt.datetime(2026, 11, 26, 3, 0))  # Thursday: 24 hours
    assert not is_open(inochi_sos, dt.datetime(2026, 11, 25, 3, 0))  # Wednesday 3:00
    assert is_open(inochi_sos, dt.datetime(2026, 11, 25, 23, 59))


def test_unknown_hours_and_24h() -> None:
    assert is_open(sched(), dt.datetime(2026, 11, 25, 10)) is None
    assert is_open(sched(is_24h=True), dt.datetime(2026, 11, 23, 3)) is True


def test_format_spans_merges_days() -> None:
    assert hours.format_spans(WEEKDAYS_9_17.spans) == "月〜金 9:00〜17:00"
    assert "翌7:00" in hours.format_spans(CHILD_ER.spans)


def test_parse_and_write_hours_round_trip() -> None:
    rows = hours.parse_hours("月-金 09:00-17:00; 祝 10:00-24:00")
    assert len(rows) == 6 and rows[-1] == (7, T(10), T(0))
    assert hours.parse_hours(hours.hours_to_text(rows)) == rows
    with pytest.raises(ValueError):
        hours.parse_hours("毎日 9時から")


@freeze_time("2026-11-23 01:00:00")  # 10:00 on 勤労感謝の日 in Asia/Tokyo
def test_local_now_is_tokyo_time() -> None:
    assert selectors.local_now() == dt.datetime(2026, 11, 23, 10, 0)
    assert is_open(WEEKDAYS_9_17, selectors.local_now()) is False
