"""A demand about a policy (OUTREACH §2): the demand records `policy`, which must be a published policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from policies.models import Policy
from policies.selectors import published_policy
from tickets.models import Demand
from tickets.workflow.meeting_link import resolve_meeting
from tickets.workflow.registration import demand_register

POLICY_DOMAIN = "policy"
BAD_POLICY = "关联的政策不存在或未发布。"


def resolve_policy(value) -> Policy | None:
    """The published policy a demand body names (id), None for none; ValidationError on `policy` otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, Policy):
        value = value.pk
    if isinstance(value, bool):
        raise ValidationError({"policy": [BAD_POLICY]})
    policy = published_policy(value)
    if policy is None:
        raise ValidationError({"policy": [BAD_POLICY]})
    return policy


def demand_register_linked(*, policy=None, meeting=None, **kwargs) -> tuple[Demand, bool]:
    """`demand_register`, linking the new demand to a published policy or to the meeting where it was raised
    (tickets.workflow.meeting_link); every error together, nothing saved when one is wrong. A demand found again by
    its external reference keeps its own link."""
    errors: dict[str, list[str]] = {}
    try:
        policy = resolve_policy(policy)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        meeting = resolve_meeting(meeting, actor=kwargs.get("actor"), channel=kwargs.get("channel"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    with transaction.atomic():
        try:
            demand, created = demand_register(**kwargs)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({**exc.message_dict, **errors}) from None
        if errors:
            raise ValidationError(errors)  # leaving the block rolls the registration back
        if created and policy is not None:
            demand.policy = policy
            Demand.objects.filter(pk=demand.pk).update(policy=policy)
        if created and meeting is not None:
            demand.meeting = meeting
            Demand.objects.filter(pk=demand.pk).update(meeting=meeting)
    return demand, created


def ask_about_policy(*, actor, policy: Policy, title: str, content: str, requester_name: str = "",
                     requester_phone: str = "") -> Demand:
    """An enterprise's question about a policy: a consultation demand, channel `online`, domain `policy`."""
    demand, _ = demand_register_linked(
        policy=policy, actor=actor, channel="online", title=title, content=content, domain=POLICY_DOMAIN,
        requester_name=requester_name, requester_phone=requester_phone,
    )
    return demand
