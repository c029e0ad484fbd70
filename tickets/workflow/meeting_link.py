"""A demand raised at a meeting (OUTREACH §5): the demand records `meeting`.

meetings sits above tickets (.importlinter), so the meeting is reached through the relation `Demand.meeting`, never
imported: its model's `objects.visible_to(user)` is the meetings app's own rule of who reads which meeting (the staff
of the meeting's region), the same one its screens and API use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tickets.models import Demand

# The channels of a question raised at a meeting: a department's (部门反映/走访调研座谈), or one the city leadership
# hands over there (市委市政府交办).
MEETING_CHANNELS = ("department", "assigned")
BAD_MEETING = "关联的会议不存在或不属于本区域。"
BAD_CHANNEL = "会上提出的诉求只能登记为“部门反映”或“市委市政府交办”渠道。"


def meeting_model():
    return Demand._meta.get_field("meeting").remote_field.model


def resolve_meeting(value, *, actor, channel):
    """The meeting a demand body names (id), None for none; ValidationError on `meeting` when it is not a meeting of
    the caller's region visible to them, or the channel is not one a meeting's question is registered on."""
    if value in (None, ""):
        return None
    model = meeting_model()
    if isinstance(value, model):
        value = value.pk
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise ValidationError({"meeting": [BAD_MEETING]})
    meeting = model.objects.visible_to(actor).filter(pk=int(value)).first()
    if meeting is None:
        raise ValidationError({"meeting": [BAD_MEETING]})
    if channel not in MEETING_CHANNELS:
        raise ValidationError({"meeting": [BAD_CHANNEL]})
    return meeting


def visible_meeting(user, value):
    """The meeting of the user's region with this id (for the registration form's notice), or None."""
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        return None
    return meeting_model().objects.visible_to(user).filter(pk=int(value)).first()
