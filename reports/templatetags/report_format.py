"""How report figures read: rates as percentages, missing figures as a dash (never a misleading 0)."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def dash(value) -> str:
    return "—" if value is None or value == "" else value


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def points(value) -> str:
    """A composite score in [0, 1] read as points out of 100."""
    return "—" if value is None else f"{float(value) * 100:.1f}"
