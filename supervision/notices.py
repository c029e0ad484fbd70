"""Who hears of supervision and urging (SPEC §7), queued after the act's transaction commits."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from notifications.services import (
    Message,
    notify_department,
    notify_many,
    notify_region_office,
    recipients_for,
)
from supervision.models import Supervision, Urge


def _inbox_url(supervision: Supervision) -> str:
    return reverse("supervision:inbox") + f"#supervision-{supervision.pk}"


def _issued_text(supervision: Supervision) -> dict:
    what = f"工单 {supervision.ticket.number}" if supervision.ticket_id else "未登记事项"
    return {
        "event": "supervision",
        "key": f"supervision:{supervision.pk}",
        "title": f"{supervision.get_form_display()}：{what}（{supervision.get_trigger_display()}）",
        "body": f"{supervision.content}\n请于 {timezone.localtime(supervision.due_at):%Y-%m-%d %H:%M} 前回复。",
        "url": _inbox_url(supervision),
    }


def supervision_issued(supervision: Supervision) -> None:
    """The addressed department's handlers; when the addressee hosts an office (a county office), its office staff."""
    department = supervision.department
    if department.kind == Department.Kind.OFFICE_HOST:
        notify_region_office(department.region, **_issued_text(supervision))
    else:
        notify_department(department, **_issued_text(supervision))


def supervisions_issued(supervisions: list[Supervision]) -> None:
    """`supervision_issued` for many supervisions at once (the sweep): the same messages, the recipients read in two
    queries, queued together through `notify_many`."""
    to_office = Department.Kind.OFFICE_HOST
    people = recipients_for(
        department_ids={s.department_id for s in supervisions if s.department.kind != to_office},
        region_ids={s.department.region_id for s in supervisions if s.department.kind == to_office},
    )
    notify_many(
        Message(
            recipients=(
                people.of_region_office(s.department.region_id) if s.department.kind == to_office
                else people.of_department(s.department_id)
            ),
            **_issued_text(s),
        )
        for s in supervisions
    )


def supervision_answered(supervision: Supervision, *, late: str) -> None:
    """The supervising office reads the answer on its board."""
    notify_region_office(
        supervision.region, event="supervision", key=f"supervision-answer:{supervision.pk}",
        title=f"{supervision.department.name}已回复督办 {supervision.number}{late}", body=supervision.answer,
        url=reverse("supervision:board") + "?tab=answered",
    )


def urged(ticket, urge: Urge) -> None:
    notify_department(
        ticket.lead_department, event="urge", key=f"urge:{urge.pk}", title=f"催办：工单 {ticket.number}", body=urge.note,
        url=reverse("tickets:ticket_detail", args=[ticket.pk]),
    )


def concentrated_alert(region, *, supervision: Supervision, title: str, body: str) -> None:
    """The region's office hears that a run of complaints was supervised automatically."""
    notify_region_office(
        region, event="supervision", key=f"concentrated-alert:{supervision.pk}", title=title, body=body,
        url=reverse("supervision:board"),
    )
