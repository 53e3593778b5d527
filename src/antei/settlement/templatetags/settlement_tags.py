"""Template filters of the settlement screens."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def comma(value: object) -> str:
    """1234567 -> "1,234,567" (yen and counts); anything else as it is."""
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)
