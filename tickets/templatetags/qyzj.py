"""Template helpers shared by every screen: state badges and due instants as a person reads them."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tickets.deadlines import demand_clock, due_status, ticket_clock
from tickets.models import Demand, Ticket

register = template.Library()

_STATE_STYLE = {
    # demands
    "registered": "primary", "awaiting_materials": "warning", "consulting": "info", "ticketed": "success",
    "merged": "secondary", "rejected": "dark", "escalated": "secondary", "withdrawn": "light",
    # tickets
    "dispatched": "primary", "disputed": "warning", "government_decision": "warning", "handling": "info",
    "closed": "success", "review": "warning", "archived": "secondary", "terminated": "dark",
}
_DUE_ICON = {"normal": "clock", "warning": "exclamation-triangle", "overdue": "x-octagon"}


@register.simple_tag
def state_badge(obj):
    """The state's Chinese name in a coloured badge (the text carries the meaning, colour only helps)."""
    style = _STATE_STYLE.get(obj.state, "secondary")
    text_class = " text-dark border" if style in ("light", "warning", "info") else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', style, text_class, obj.get_state_display())


@register.simple_tag
def due(obj, now=None):
    """`剩余 2 个工作日` / `今日到期` / `已超期 3 个工作日` with an icon and a class; empty when no clock runs."""
    if isinstance(obj, Ticket):
        clock = ticket_clock(obj)
    elif isinstance(obj, Demand):
        clock = demand_clock(obj)
    else:
        clock = obj
    status = due_status(clock, now=now)
    if status is None:
        return mark_safe('<span class="text-secondary">—</span>')
    provisional = mark_safe(
        ' <span class="badge text-bg-light border" title="该年度官方节假日安排尚未录入，按周一至周五暂定">暂定</span>'
    ) if status.provisional else ""
    return format_html(
        '<span class="due due-{level}" title="{label}期限：{when}"><i class="bi bi-{icon}" aria-hidden="true"></i> {text}</span>{prov}',
        level=status.level,
        label=clock.label,
        when=timezone.localtime(status.due).strftime("%Y-%m-%d %H:%M"),
        icon=_DUE_ICON[status.level],
        text=status.text,
        prov=provisional,
    )


@register.filter
def local_dt(value):
    """Asia/Shanghai date and minute, the way every screen shows instants."""
    if not value:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
