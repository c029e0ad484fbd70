"""audit.services.record: one row per act, with who, from where, what and the result; no secret keys."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def test_a_row_carries_the_actor_the_address_and_the_object(office_clerk):
    request = RequestFactory().get("/", HTTP_USER_AGENT="Chromium", REMOTE_ADDR="10.1.2.3")
    request.user = office_clerk
    event = record("ticket.export", request=request, obj=office_clerk.department, rows=12)
    event.refresh_from_db()
    assert (event.actor, event.actor_name, event.role) == (office_clerk, office_clerk.username, "office")
    assert (event.ip, event.user_agent, event.action, event.result) == ("10.1.2.3", "Chromium", "ticket.export", "ok")
    assert event.object_type == "accounts.department" and event.object_id == str(office_clerk.department.pk)
    assert event.detail == {"rows": 12}


def test_a_visitor_is_recorded_without_an_actor():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/track/", REMOTE_ADDR="10.9.9.9")
    request.user = AnonymousUser()
    event = record("demand.track", request=request, result="failed")
    assert event.actor is None and event.actor_name == "" and event.result == "failed"


@pytest.mark.parametrize("key", ["password", "token", "phone", "code", "SMS"])
def test_secret_or_personal_detail_keys_are_refused(key):
    with pytest.raises(ValueError):
        record("x", **{key: "13800000000"})
    assert not AuditEvent.objects.exists()


def test_the_row_belongs_to_the_act_s_transaction(office_clerk):
    with pytest.raises(RuntimeError), transaction.atomic():
        record("account.create", actor=office_clerk)
        raise RuntimeError("the act failed")
    assert not AuditEvent.objects.exists()
