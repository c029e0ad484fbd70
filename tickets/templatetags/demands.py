"""Template helpers of the demand screens."""

from django import template

from core.masking import mask_phone
from tickets import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def requester_of(context, demand) -> str:
    """The requester as the viewer may read it: "name · phone", or "匿名" where an anonymous demand hides both
    (rules.may_see_requester)."""
    if not rules.may_see_requester(demand, context["request"].user):
        return "匿名"
    # The phone masked for every reader (SECURITY.md §5); those who call back reveal it with the button beside it.
    parts = [part for part in (demand.requester_name, mask_phone(demand.requester_phone)) if part]
    return " · ".join(parts) or "—"


@register.simple_tag(takes_context=True)
def may_reveal_phone(context, demand) -> bool:
    return rules.may_reveal_phone(demand, context["request"].user)
