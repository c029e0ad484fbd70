"""`{% due obj %}`: a running clock as a person reads it (剩余 2 个工作日 / 今日到期 / 已超期 3 个工作日)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from workcalendar.clocks import DEFAULT_WARNING_DAYS, due_status, warning_days_table

register = template.Library()

_DUE_ICON = {"normal": "clock", "warning": "exclamation-triangle", "overdue": "x-octagon"}


@register.simple_tag
def due(obj, now=None):
    """The clock running on `obj` (anything with `running_clock()`, or a Clock) with an icon and a class; "—" when
    no clock runs. The warning starts as the clock's deadline policy says, as in the deadline sweep."""
    clock = obj.running_clock() if hasattr(obj, "running_clock") else obj
    if clock is None:
        return mark_safe('<span class="text-secondary">—</span>')
    status = due_status(clock, now=now, warn_days=warning_days_table().get(clock.policy, DEFAULT_WARNING_DAYS))
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
