"""やさしい日本語 on the answer pages: readings (ruby) over every word with kanji."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from kitakyushu_pf.japanese import ruby_segments

register = template.Library()


@register.filter
def ruby(text: str, on: bool = True) -> str | SafeString:
    """``{{ text|ruby:easy }}``: with readings when ``on``, plain (escaped) text otherwise."""
    if not on or not text:
        return text
    parts = []
    for surface, reading in ruby_segments(str(text)):
        if reading:
            parts.append(
                f"<ruby>{conditional_escape(surface)}<rt>{conditional_escape(reading)}</rt></ruby>"
            )
        else:
            parts.append(str(conditional_escape(surface)))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
