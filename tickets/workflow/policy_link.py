"""A demand linked to the outreach side: about a policy (OUTREACH §2: `policy`, a published policy), or collected at
a chamber activity (OUTREACH §4: `activity`, channel `chamber` only, an activity of the registrar's region — a chamber
user only its own chamber's)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from chambers.models import Activity
from chambers.selectors import activity_for_link
from policies.models import Policy
from policies.selectors import published_policy
from tickets.models import Demand
from tickets.workflow.meeting_link import resolve_meeting
from tickets.workflow.registration import demand_register
from tickets.workflow.training_link import (
    TRAINING_CHANNEL,
    WRONG_CHANNEL,
    check_training_link,
    resolve_training,
)

POLICY_DOMAIN = "policy"
BAD_POLICY = "关联的政策不存在或未发布。"
CHAMBER_CHANNEL = "chamber"
ACTIVITY_CHANNEL_ONLY = "只有“商会轮值活动”渠道（chamber）的诉求可以关联商会活动。"


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


def resolve_activity(actor, value, channel) -> Activity | None:
    """The chamber activity a demand body names (id), None for none. ValidationError on `activity` for another
    channel or an activity outside the registrar's region; PermissionDenied for a chamber user naming another
    chamber's activity."""
    if value in (None, ""):
        return None
    if channel != CHAMBER_CHANNEL:
        raise ValidationError({"activity": [ACTIVITY_CHANNEL_ONLY]})
    return activity_for_link(actor, value)


def demand_register_linked(*, policy=None, training=None, activity=None, meeting=None, **kwargs) -> tuple[Demand, bool]:
    """`demand_register`, linking the new demand to a published policy, a training session (OUTREACH §3: channel
    `department`, first contact the organiser) a chamber activity (§4: channel `chamber`) or the
    meeting where it was raised (§5, tickets.workflow.meeting_link); every error together,
    nothing saved when one is wrong. A demand found again by its external reference keeps its own link."""
    errors: dict[str, list[str]] = {}
    try:
        policy = resolve_policy(policy)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        training = resolve_training(training)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if training is not None and kwargs.get("channel") != TRAINING_CHANNEL:
        errors["training"] = [WRONG_CHANNEL]
    if activity not in (None, ""):
        try:
            activity = resolve_activity(kwargs.get("actor"), activity, kwargs.get("channel"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    else:
        activity = None
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
        if created and training is not None and "training" not in errors:
            wrong = check_training_link(training, channel=demand.channel,
                                        first_contact_id=demand.first_contact_department_id)
            if wrong:
                errors["training"] = wrong
        if errors:
            raise ValidationError(errors)  # leaving the block rolls the registration back
        links = {name: value for name, value in (("policy", policy), ("training", training), ("activity", activity),
                                                 ("meeting", meeting)) if value is not None}
        if created and links:
            for name, value in links.items():
                setattr(demand, name, value)
            Demand.objects.filter(pk=demand.pk).update(**links)
    return demand, created


def ask_about_policy(*, actor, policy: Policy, title: str, content: str, requester_name: str = "",
                     requester_phone: str = "") -> Demand:
    """An enterprise's question about a policy: a consultation demand, channel `online`, domain `policy`."""
    demand, _ = demand_register_linked(
        policy=policy, actor=actor, channel="online", title=title, content=content, domain=POLICY_DOMAIN,
        requester_name=requester_name, requester_phone=requester_phone,
    )
    return demand
