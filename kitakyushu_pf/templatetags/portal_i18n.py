"""Dates in the reader's language (a built-in template library: no {% load %} needed).

``{{ d|local_date:"day_weekday" }}`` gives 「1月20日(水)」 on a Japanese page and "Wed, Jan 20"
on an English one. The styles are the ``*_FORMAT`` names of ``kitakyushu_pf/formats/<lang>/``
(``day``, ``day_weekday``, ``date_weekday``, ``day_time``) or Django's own (``date``: DATE_FORMAT,
``datetime``: DATETIME_FORMAT, ``time``: TIME_FORMAT, ``month``: YEAR_MONTH_FORMAT), which the
portal's format modules set too.

``{% local_range first last "day" %}`` writes a span (「1月20日〜1月21日」, "Jan 20 – Jan 21"; one
date when both are the same), ``{% local_when day start end %}`` a day with its times
(「2027年1月20日(水) 14:00〜16:00」, "Wed, Jan 20, 2027, 14:00 – 16:00"; start and end optional).
The same functions serve Python code that writes a date into a message.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format, get_format_modules

register = template.Library()

DJANGO_STYLES = {
    "date": "DATE_FORMAT",
    "datetime": "DATETIME_FORMAT",
    "time": "TIME_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
}


def _portal_format(name: str) -> str:
    for module in get_format_modules():
        if hasattr(module, name):
            return str(getattr(module, name))
    raise template.TemplateSyntaxError(f"local_date: unknown format {name!r}")


def local_format(style: str) -> str:
    """The format string of ``style`` in the active language."""
    if style in DJANGO_STYLES:
        return str(get_format(DJANGO_STYLES[style]))
    return _portal_format(f"{style.upper()}_FORMAT")


@register.filter
def local_date(value: Any, style: str = "date") -> str:
    if isinstance(value, time):
        return dateformat.time_format(value, local_format(style))
    if not isinstance(value, date):
        return "" if value in (None, "") else str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, local_format(style))


@register.simple_tag
def local_range(first: Any, last: Any, style: str = "date") -> str:
    start, end = local_date(first, style), local_date(last, style)
    if not end or end == start:
        return start
    return f"{start}{_portal_format('RANGE_SEPARATOR')}{end}"


@register.simple_tag
def local_when(day: Any, start: Any = None, end: Any = None, style: str = "date_weekday") -> str:
    text = local_date(day, style)
    if start is None:
        return text
    return f"{text}{_portal_format('DATE_TIME_SEPARATOR')}{local_range(start, end, 'time')}"
