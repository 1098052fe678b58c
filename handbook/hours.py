"""受付中 / 受付時間外 for now in Asia/Tokyo, with Japanese public holidays (jpholiday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import jpholiday

HOLIDAY = 7


@dataclass(frozen=True)
class Span:
    weekday: int  # 0 = Monday … 6 = Sunday, 7 = public holiday
    opens: dt.time
    closes: dt.time  # at or before `opens`: ends the next day


@dataclass(frozen=True)
class Schedule:
    is_24h: bool
    closed_on_holidays: bool
    closed_new_year: bool
    spans: tuple[Span, ...]

    @property
    def known(self) -> bool:
        return self.is_24h or bool(self.spans)

    @property
    def shut_on_holidays(self) -> bool:
        has_holiday_rows = any(s.weekday == HOLIDAY for s in self.spans)
        return (
            self.closed_on_holidays
            and not self.is_24h
            and bool(self.spans)
            and not has_holiday_rows
        )


def is_new_year_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def _spans_for(schedule: Schedule, day: dt.date) -> list[Span]:
    """The spans that start on `day`, after public holidays and the year-end break."""
    if schedule.closed_new_year and is_new_year_break(day):
        return []
    if jpholiday.is_holiday(day):
        holiday_spans = [s for s in schedule.spans if s.weekday == HOLIDAY]
        if holiday_spans:
            return holiday_spans
        if schedule.closed_on_holidays:
            return []
    return [s for s in schedule.spans if s.weekday == day.weekday()]


def is_open(schedule: Schedule, now: dt.datetime) -> bool | None:
    """True/False, or None when the hours are not known. `now` is a naive local time."""
    if schedule.is_24h:
        return not (schedule.closed_new_year and is_new_year_break(now.date()))
    if not schedule.spans:
        return None
    today, t = now.date(), now.time()
    for span in _spans_for(schedule, today):
        if span.closes > span.opens:
            if span.opens <= t < span.closes:
                return True
        elif t >= span.opens:
            return True
    yesterday = today - dt.timedelta(days=1)
    for span in _spans_for(schedule, yesterday):
        if span.closes <= span.opens and t < span.closes:
            return True
    return False


def schedule_from_rows(
    *,
    is_24h: bool,
    closed_on_holidays: bool,
    closed_new_year: bool,
    rows: Sequence[tuple[int, dt.time, dt.time]],
) -> Schedule:
    return Schedule(
        is_24h=is_24h,
        closed_on_holidays=closed_on_holidays,
        closed_new_year=closed_new_year,
        spans=tuple(Span(w, o, c) for w, o, c in rows),
    )


DAY_LABELS = ("月", "火", "水", "木", "金", "土", "日", "祝")
_DAY_INDEX = {label: i for i, label in enumerate(DAY_LABELS)}


def format_spans(spans: Sequence[Span]) -> str:
    """「月〜金 9:00〜17:00、土 10:00〜16:00」: consecutive days with the same hours are merged."""
    groups: list[tuple[list[int], dt.time, dt.time]] = []
    for span in sorted(spans, key=lambda s: (s.opens, s.closes, s.weekday)):
        for days, o, c in groups:
            if (o, c) == (span.opens, span.closes):
                days.append(span.weekday)
                break
        else:
            groups.append(([span.weekday], span.opens, span.closes))
    parts = []
    for days, o, c in sorted(groups, key=lambda g: min(g[0])):
        days.sort()
        runs: list[list[int]] = []
        for d in days:
            if runs and d == runs[-1][-1] + 1 and d != HOLIDAY:
                runs[-1].append(d)
            else:
                runs.append([d])
        label = "・".join(
            DAY_LABELS[r[0]] if len(r) == 1 else f"{DAY_LABELS[r[0]]}〜{DAY_LABELS[r[-1]]}"
            for r in runs
        )
        close = f"翌{c.hour}:{c.minute:02d}" if c <= o and c != dt.time(0) else f"{c:%H:%M}"
        if c == dt.time(0):
            close = "24:00"
        parts.append(f"{label} {o.hour}:{o.minute:02d}〜{close.lstrip('0') or '0'}")
    return "、".join(parts)


def parse_hours(text: str) -> list[tuple[int, dt.time, dt.time]]:
    """Parse the CSV form 「月-金 09:00-17:00; 祝 10:00-16:00」. Raises ValueError."""
    rows: list[tuple[int, dt.time, dt.time]] = []
    for part in [p.strip() for p in text.replace("；", ";").split(";") if p.strip()]:
        try:
            days_text, times_text = part.split()
            opens_text, closes_text = times_text.split("-")
            opens = dt.time.fromisoformat(opens_text.zfill(5))
            closes = dt.time.fromisoformat(
                "00:00" if closes_text == "24:00" else closes_text.zfill(5)
            )
            if "-" in days_text:
                first, last = days_text.split("-")
                days = list(range(_DAY_INDEX[first], _DAY_INDEX[last] + 1))
            else:
                days = [_DAY_INDEX[d] for d in days_text.split(",")]
        except (KeyError, ValueError) as exc:
            raise ValueError(part) from exc
        rows.extend((d, opens, closes) for d in days)
    return rows


def hours_to_text(rows: Sequence[tuple[int, dt.time, dt.time]]) -> str:
    """The inverse of parse_hours, one segment per row."""
    return "; ".join(
        f"{DAY_LABELS[w]} {o:%H:%M}-{'24:00' if c == dt.time(0) else c.strftime('%H:%M')}"
        for w, o, c in rows
    )
