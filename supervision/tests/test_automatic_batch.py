"""supervisions_raise_automatic(): many automatic supervisions at once (the deadline sweep) — once per key, numbered in
one block, each with its history row, timeline entry and notice to the addressee, as supervision_raise_automatic
writes them one at a time; a constant number of queries; two at once create each key once (PostgreSQL)."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from accounts.models import Region
from accounts.tests.factories import department
from core.models import next_numbers
from notifications.models import Notification
from supervision.models import Supervision
from supervision.services import (
    AutomaticSupervision,
    supervision_raise_automatic,
    supervisions_raise_automatic,
)
from tickets.models import Ticket, TicketEvent
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=SH)  # a Monday


def loaded(ticket):
    return Ticket.objects.select_related("region", "lead_department").get(pk=ticket.pk)


def overdue(ticket, key=None, **overrides):
    values = {
        "ticket": ticket, "trigger": Supervision.Trigger.OVERDUE, "department": ticket.lead_department,
        "content": f"工单 {ticket.number} 办理期限已过仍未办结，请说明原因并尽快办结。",
        "key": f"overdue:{ticket.pk}" if key is None else key,
    }
    return AutomaticSupervision(**{**values, **overrides})


@pytest.fixture
def tickets(office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        return [loaded(handling_ticket(office_clerk, lead_handler)) for _ in range(3)]


def raise_batch(triggers, capture):
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return supervisions_raise_automatic(triggers, now=NOW)


def test_each_key_is_raised_once_and_the_batch_is_numbered_in_one_block(tickets, django_capture_on_commit_callbacks):
    first = raise_batch([overdue(t) for t in tickets] + [overdue(tickets[0])], django_capture_on_commit_callbacks)
    assert [s.number for s in first] == ["DB20261207-0001", "DB20261207-0002", "DB20261207-0003"]
    assert [s.ticket_id for s in first] == [t.pk for t in tickets]  # a key repeated in the batch counts once
    assert raise_batch([overdue(t) for t in tickets], django_capture_on_commit_callbacks) == []
    # A key raised one at a time counts too, and the batch only numbers what it creates.
    with time_machine.travel(NOW, tick=False):
        assert supervision_raise_automatic(ticket=tickets[0], trigger="overdue", department=tickets[0].lead_department,
                                           content="x", key=f"overdue:{tickets[0].pk}", now=NOW) is None
    later = raise_batch([overdue(tickets[1]), overdue(tickets[2], key="other")], django_capture_on_commit_callbacks)
    assert [(s.ticket_id, s.number) for s in later] == [(tickets[2].pk, "DB20261207-0004")]
    assert Supervision.objects.count() == 4


def test_the_batch_writes_what_one_at_a_time_writes(tickets, lead_handler, django_capture_on_commit_callbacks):
    single_ticket, batch_ticket = tickets[0], tickets[1]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        single = supervision_raise_automatic(
            ticket=single_ticket, trigger="overdue", department=single_ticket.lead_department, content="请尽快办结。",
            key="one", now=NOW,
        )
    [batched] = raise_batch([overdue(batch_ticket, key="many", content="请尽快办结。")], django_capture_on_commit_callbacks)

    def row(supervision):
        s = Supervision.objects.get(pk=supervision.pk)
        return (s.region_id, s.department_id, s.trigger, s.form, s.content, s.automatic, s.issued_by_id,
                s.issuing_department_id, s.issued_at, s.due_at, s.due_provisional, s.answered_at)

    assert row(batched) == row(single)
    assert Supervision.objects.get(pk=batched.pk).due_at == datetime(2026, 12, 9, 23, 59, 59, tzinfo=SH)  # 2 working days
    assert Supervision.history.filter(id=batched.pk, history_type="+").count() == 1  # its history row, as a save writes

    def entry(ticket, supervision):
        event = TicketEvent.objects.get(ticket=ticket, action="supervise")
        return (event.actor_id, event.from_state, event.to_state, event.internal, event.at,
                event.note.replace(supervision.number, "DB…"))

    assert entry(batch_ticket, batched) == entry(single_ticket, single)
    assert "系统自动督办：系统督办（可能超期或已超期）DB" in TicketEvent.objects.get(ticket=batch_ticket, action="supervise").note

    def notice(supervision):
        n = Notification.objects.get(recipient=lead_handler, key=f"supervision:{supervision.pk}")
        return (n.event, n.title.replace(supervision.ticket.number, "GD…"), n.body, n.url.replace(str(supervision.pk), "…"))

    assert notice(batched) == notice(single)
    assert notice(batched)[1] == "系统督办：工单 GD…（可能超期或已超期）"


def test_the_addressee_is_told_a_county_office_through_its_staff(
    tickets, lead_handler, other_handler, office_clerk, county_office, django_capture_on_commit_callbacks
):
    city = Region.objects.get(code="anshun")
    created = raise_batch(
        [overdue(tickets[0]), overdue(tickets[1], department=department("xixiu-zwfw"), region=city)],
        django_capture_on_commit_callbacks,
    )
    to_lead, to_county = created
    assert list(Notification.objects.filter(recipient=lead_handler).values_list("key", flat=True)) == [
        f"supervision:{to_lead.pk}"
    ]
    assert list(Notification.objects.filter(recipient=county_office).values_list("key", flat=True)) == [
        f"supervision:{to_county.pk}"
    ]
    assert not Notification.objects.filter(recipient__in=[other_handler, office_clerk]).exists()
    assert Supervision.objects.get(pk=to_county.pk).issuing_department.code == "anshun-zwfw"


def test_nothing_is_kept_or_told_when_the_transaction_rolls_back(tickets, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                supervisions_raise_automatic([overdue(t) for t in tickets], now=NOW)
                raise RuntimeError("巡检失败")
    assert callbacks == [] and not Supervision.objects.exists()
    assert not TicketEvent.objects.filter(action="supervise").exists()
    assert raise_batch([overdue(tickets[0])], django_capture_on_commit_callbacks)[0].number == "DB20261207-0001"


def test_unknown_triggers_and_missing_keys_are_programming_errors(tickets):
    with pytest.raises(ValueError):
        supervisions_raise_automatic([overdue(tickets[0], trigger="late")], now=NOW)
    with pytest.raises(ValueError):
        supervisions_raise_automatic([overdue(tickets[0], key="")], now=NOW)
    assert supervisions_raise_automatic([], now=NOW) == []


def test_the_cost_does_not_grow_with_the_batch(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        few = [loaded(handling_ticket(office_clerk, lead_handler)) for _ in range(2)]
        many = [loaded(handling_ticket(office_clerk, lead_handler)) for _ in range(12)]

    def queries(batch):
        with CaptureQueriesContext(connection) as captured:
            created = raise_batch([overdue(t) for t in batch], django_capture_on_commit_callbacks)
        assert len(created) == len(batch)
        return len(captured.captured_queries)

    with time_machine.travel(NOW, tick=False):
        next_numbers("DB", 1)  # the day's sequence exists, as it does after the day's first number
    assert queries(few) == queries(many) <= 20


# --- two batches at once (PostgreSQL: two real connections) ----------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_batches_at_once_raise_each_key_once_without_a_gap_in_the_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two real connections")
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    office = UserFactory(username="race_office", role=Role.OFFICE, department=department("anshun-zwfw"))
    handler = UserFactory(username="race_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        shared = [loaded(handling_ticket(office, handler)) for _ in range(4)]
    barrier = threading.Barrier(2)
    created, errors = [], []

    def sweeper(own_key):
        try:
            barrier.wait(10)
            with transaction.atomic():
                created.extend(supervisions_raise_automatic(
                    [overdue(t) for t in shared] + [overdue(shared[0], key=own_key)], now=NOW
                ))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper, args=(key,)) for key in ("own:a", "own:b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    keys = sorted(s.key for s in created)
    assert keys == sorted([f"overdue:{t.pk}" for t in shared] + ["own:a", "own:b"])  # each key once
    assert Supervision.objects.count() == 6
    counters = sorted(int(number.rsplit("-", 1)[1]) for number in Supervision.objects.values_list("number", flat=True))
    assert counters == [1, 2, 3, 4, 5, 6]  # the loser's rolled-back block was given back
    assert TicketEvent.objects.filter(action="supervise").count() == 6
