"""``{{ problem|stored_text }}``: a stored check message in the reader's language."""

from typing import Any

from django import template

from ..messages import stored_text as _stored_text

register = template.Library()


@register.filter
def stored_text(item: Any) -> str:
    """A problem or note stored on a ``DatasetFile``, rendered again from its code and
    parameters; text stored before codes existed as it was stored."""
    return _stored_text(item)
