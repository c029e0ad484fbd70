"""The migrations that encrypt the outbox (notifications 0003–0005) keep every row, leave no address or text in the
clear, fill the keyed hash the unique constraint compares, and can be reversed (the rows come back in the clear)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from notifications.models import address_digest

BEFORE = [("notifications", "0002_delivery_outbox")]
AFTER = [("notifications", "0005_delivery_unique_by_digest")]
PHONE = "13985326644"


def _raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_outbox_rows_are_encrypted_every_one_kept_and_back_again():
    try:
        old = _migrate(BEFORE).get_model("notifications", "Delivery")
        for n, (channel, address, key) in enumerate([
            ("sms", PHONE, "k-1"), ("email", "Li.Na@example.cn", "k-1"), ("sms", PHONE, "k-2"),
            # The same phone typed another way under the same key: distinct before, one address after normalising.
            ("sms", "+86 13985326644", "k-1"), ("email", "li.na@example.cn", "k-1"),
        ]):
            old.objects.create(channel=channel, address=address, key=key, event="dispatch", status="sent",
                               body=f"第{n}条：请于三日内补正材料")

        _migrate(AFTER)
        rows = _raw("SELECT channel, address, address_digest, body, key FROM notifications_delivery ORDER BY id")
        assert len(rows) == 5  # every row kept
        for _channel, address, digest, body, _key in rows:
            assert address.startswith("pii1:") and body.startswith("pii1:") and len(digest) == 64
            assert not any(PHONE[i:i + 4] in address + body for i in range(len(PHONE) - 3))
            assert "Li.Na" not in address and "li.na" not in address and "补正材料" not in body
        digests = [row[2] for row in rows]
        assert digests[0] == address_digest("sms", PHONE) and digests[1] == address_digest("email", "li.na@example.cn")
        assert digests[2] == digests[0] and len(set(digests)) == 4  # the clashing later rows got hashes of their own
        from notifications.models import Delivery

        assert [d.address for d in Delivery.objects.order_by("pk")] == [
            PHONE, "Li.Na@example.cn", PHONE, "+86 13985326644", "li.na@example.cn"
        ]
        assert Delivery.objects.order_by("pk").first().body == "第0条：请于三日内补正材料"
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.create(channel="sms", address="139 8532 6644", key="k-2", event="dispatch")

        _migrate(BEFORE)
        assert _raw("SELECT address, body FROM notifications_delivery ORDER BY id") == [
            (PHONE, "第0条：请于三日内补正材料"), ("Li.Na@example.cn", "第1条：请于三日内补正材料"),
            (PHONE, "第2条：请于三日内补正材料"), ("+86 13985326644", "第3条：请于三日内补正材料"),
            ("li.na@example.cn", "第4条：请于三日内补正材料"),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
