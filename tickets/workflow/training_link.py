"""A question raised at a training session (OUTREACH §3): registered as a demand on channel `department` with the
organiser as first contact, linked to the session, which must be published or held."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from trainings.models import TrainingSession
from trainings.selectors import public_session

TRAINING_CHANNEL = "department"
BAD_TRAINING = "关联的培训不存在或未发布。"
WRONG_CHANNEL = "关联培训的诉求只能以“部门收集”渠道登记。"
WRONG_FIRST_CONTACT = "关联培训的诉求，首问部门须为培训的主办部门。"


def resolve_training(value) -> TrainingSession | None:
    """The published or held session a demand body names (id), None for none; ValidationError on `training`."""
    if value in (None, ""):
        return None
    if isinstance(value, TrainingSession):
        value = value.pk
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValidationError({"training": [BAD_TRAINING]})
    session = public_session(int(str(value).strip()))
    if session is None:
        raise ValidationError({"training": [BAD_TRAINING]})
    return session


def check_training_link(session: TrainingSession | None, *, channel, first_contact_id) -> list[str]:
    """What is wrong with linking a demand of `channel` and first contact `first_contact_id` to the session."""
    if session is None:
        return []
    if channel != TRAINING_CHANNEL:
        return [WRONG_CHANNEL]
    if first_contact_id != session.department_id:
        return [WRONG_FIRST_CONTACT]
    return []
