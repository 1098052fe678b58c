"""Links inside the handbook carry on the visitor's channel (and language) without a cookie."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def hurl(context: template.Context, name: str, *args: Any) -> str:
    """`{% hurl 'handbook:home' %}`: the URL with the kept parameters (`src`, `lang`)."""
    url = reverse(name, args=args)
    keep = context.get("keep") or ()
    return f"{url}?{urlencode(keep)}" if keep else url


@register.simple_tag(takes_context=True)
def keep_fields(context: template.Context) -> SafeString:
    """Hidden inputs that carry the kept parameters through a GET form."""
    keep = context.get("keep") or ()
    return format_html_join(
        "", '<input type="hidden" name="{}" value="{}">', ((k, v) for k, v in keep)
    ) or mark_safe("")  # noqa: S308 - a constant


@register.filter
def plain(value: Any) -> str:
    """The text without its ruby (for <title> and attributes): escaped as any text."""
    return str.__str__(value) if isinstance(value, str) else str(value)
