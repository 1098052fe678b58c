"""Dates in the reader's language (a built-in template library: no {% load %} needed).

``{{ d|local_date:"day_weekday" }}`` gives 「1月20日(水)」 on a Japanese page and "Wed, Jan 20"
on an English one. The styles are the ``*_FORMAT`` names of ``kitakyushu_pf/formats/<lang>/``
(``day``, ``day_weekday``, ``date_weekday``, ``day_time``) or Django's own (``date``: DATE_FORMAT,
``month``: YEAR_MONTH_FORMAT).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format, get_format_modules

register = template.Library()

DJANGO_STYLES = {"date": "DATE_FORMAT", "month": "YEAR_MONTH_FORMAT"}


def local_format(style: str) -> str:
    """The format string of ``style`` in the active language."""
    if style in DJANGO_STYLES:
        return str(get_format(DJANGO_STYLES[style]))
    name = f"{style.upper()}_FORMAT"
    for module in get_format_modules():
        if hasattr(module, name):
            return str(getattr(module, name))
    raise template.TemplateSyntaxError(f"local_date: unknown style {style!r}")


@register.filter
def local_date(value: Any, style: str = "date") -> str:
    if not isinstance(value, date):
        return "" if value in (None, "") else str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, local_format(style))
