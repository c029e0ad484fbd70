"""Template helpers shared by every screen: state badges and instants as a person reads them."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def state_badge(obj):
    """The state's Chinese name in a coloured badge (the text carries the meaning, colour only helps).

    The model names the colour of each state in `STATE_STYLES` (a Bootstrap contextual class).
    """
    style = getattr(obj, "STATE_STYLES", {}).get(obj.state, "secondary")
    text_class = " text-dark border" if style in ("light", "warning", "info") else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', style, text_class, obj.get_state_display())


@register.filter
def local_dt(value):
    """Asia/Shanghai date and minute, the way every screen shows instants."""
    if not value:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
