"""Template helpers of the demand screens."""

from django import template

from tickets import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def requester_of(context, demand) -> str:
    """The requester as the viewer may read it: "name · phone", or "匿名" where an anonymous demand hides both
    (rules.may_see_requester)."""
    if not rules.may_see_requester(demand, context["request"].user):
        return "匿名"
    parts = [part for part in (demand.requester_name, demand.requester_phone) if part]
    return " · ".join(parts) or "—"
