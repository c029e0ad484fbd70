"""The outbox keeps no personal data in the clear (SECURITY.md §5): the address (a phone or an email address) and the
text of every Delivery row are encrypted at rest; the keyed hash of the address is what the unique constraint compares,
so a retried action still sends one message per address and key, however the phone was typed."""

import pytest
from django.db import IntegrityError, connection, transaction

from core import crypto
from notifications.models import Delivery, address_digest
from notifications.services import Message, notify, notify_enterprise, notify_many
from notifications.tasks import send_deliveries

pytestmark = pytest.mark.django_db
PHONE = "13985326644"
BODY_WORDS = "请于三日内补正材料"


def _raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _holds_digits_of_phone(value: str) -> bool:
    return any(PHONE[i:i + 4] in value for i in range(len(PHONE) - 3))


@pytest.fixture
def reachable(lead_handler):
    lead_handler.phone, lead_handler.email = PHONE, "lead.handler@example.cn"
    lead_handler.save()
    return lead_handler


def test_the_raw_columns_hold_neither_the_phone_nor_the_text(django_capture_on_commit_callbacks, reachable, sms):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[reachable], event="dispatch", key="k-raw", title="材料待补正", body=BODY_WORDS)
    assert len(sms) == 1 and sms[0][0] == PHONE and BODY_WORDS in sms[0][1]  # sent as it was written
    rows = _raw("SELECT channel, address, address_digest, body FROM notifications_delivery ORDER BY channel")
    assert [row[0] for row in rows] == ["email", "sms"]
    for channel, address, digest, body in rows:
        assert address.startswith("pii1:") and body.startswith("pii1:")
        assert not _holds_digits_of_phone(address) and "lead.handler" not in address
        assert BODY_WORDS not in body and not _holds_digits_of_phone(body)
        assert digest == address_digest(channel, PHONE if channel == "sms" else "lead.handler@example.cn")
        assert not _holds_digits_of_phone(digest)
    sms_row = Delivery.objects.get(channel="sms")  # read through the model: plain again
    assert (sms_row.address, sms_row.masked_address) == (PHONE, "139****6644") and BODY_WORDS in sms_row.body
    assert str(sms_row) == "短信 139****6644"


def test_the_unique_constraint_on_the_hash_still_refuses_a_second_row():
    Delivery.objects.create(channel="sms", address=PHONE, key="k-dup", event="dispatch", body="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Typed differently, the same phone: the same hash, the same (channel, address, key).
        Delivery.objects.create(channel="sms", address="+86 139-8532-6644", key="k-dup", event="dispatch", body="二")
    Delivery.objects.create(channel="email", address="A@Example.cn", key="k-dup", event="dispatch")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(channel="email", address="a@example.CN", key="k-dup", event="dispatch")
    Delivery.objects.create(channel="sms", address=PHONE, key="k-other", event="dispatch")  # another key: allowed
    assert Delivery.objects.count() == 3


def test_a_retried_action_sends_once_to_the_same_phone_however_typed(django_capture_on_commit_callbacks, sms):
    for typed in (PHONE, "+86 139 8532 6644", "139-8532-6644"):
        with django_capture_on_commit_callbacks(execute=True):
            notify_enterprise(None, event="enterprise_account", key="k-once", title="申请已通过", phones=[typed])
    assert Delivery.objects.count() == 1 and len(sms) == 1


def test_the_batch_path_claims_by_the_hash_too(django_capture_on_commit_callbacks, reachable, sms, queued):
    message = Message(recipients=[reachable], event="dispatch", key="k-many", title="新工单待签收", body=BODY_WORDS)
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([message])
    # Another phone's row under the same key does not stand in the way; the same message again (a re-run sweep) adds
    # nothing for the phone already claimed.
    Delivery.objects.create(channel="sms", address="13900000009", key="k-many", event="dispatch", body="另一条")
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([message])
    rows = _raw("SELECT address, body FROM notifications_delivery WHERE channel = 'sms' ORDER BY id")
    assert len(rows) == 2 and all(a.startswith("pii1:") and b.startswith("pii1:") for a, b in rows)
    assert all(not _holds_digits_of_phone(a) and BODY_WORDS not in b for a, b in rows)
    for chunk in queued:
        send_deliveries.apply(args=(chunk,))
    assert [phone for phone, _ in sms] == [PHONE]  # sent once (the other row was never queued here)


def test_the_hash_is_keyed(settings):
    before = address_digest("sms", PHONE)
    settings.PII_HASH_KEY = b"\x07" * 32
    assert address_digest("sms", PHONE) != before and address_digest("email", PHONE) != crypto.pii_hash(PHONE)


class _EchoingGateway:
    """A gateway whose error repeats the number it was given (some do)."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError(f"发送到 {phone} 失败")


def test_a_gateway_error_is_stored_without_the_number(monkeypatch, django_capture_on_commit_callbacks, reachable):
    monkeypatch.setattr("notifications.outbox.get_sms_sender", lambda: _EchoingGateway())
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[reachable], event="dispatch", key="k-echo", title="材料待补正", body=BODY_WORDS)
    row = Delivery.objects.get(channel="sms", key="k-echo")
    assert row.status == Delivery.Status.PENDING and row.error.startswith("发送到 ")
    assert not _holds_digits_of_phone(row.error)
