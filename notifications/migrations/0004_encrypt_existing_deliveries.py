"""Encrypt the addresses and texts already in the outbox and fill their keyed hash (SECURITY.md §5). Every row is kept.

Two old rows that were distinct as typed but are the same address once normalised (`+86 139…` and `139…`, or an
email address in two cases) under the same key would break the unique constraint 0005 adds: the later one of such a
pair is given a hash of its own row instead (it stays, marked by nothing else; it is history, never sent again).
Backward: every token is written back in the clear (0003 then restores the columns and the old constraint)."""

from django.db import migrations, models
from django.db.models import Count

from core import crypto

BATCH = 1000


def _digest(channel: str, address: str) -> str:
    return crypto.pii_hash(address, namespace="phone" if channel == "sms" else "email")


def forward(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    manager = Delivery._base_manager.using(schema_editor.connection.alias)
    batch = []
    # The fields decrypt tokens and pass plain values through, so `row.address` is plain either way; bulk_update binds
    # it through the field, which writes a token.
    for row in manager.order_by("pk").only("pk", "channel", "address", "body").iterator(chunk_size=BATCH):
        row.address_digest = _digest(row.channel, row.address)
        batch.append(row)
        if len(batch) >= BATCH:
            manager.bulk_update(batch, ["address", "address_digest", "body"])
            batch = []
    if batch:
        manager.bulk_update(batch, ["address", "address_digest", "body"])
    clashes = (
        manager.values("channel", "address_digest", "key").annotate(n=Count("pk")).filter(n__gt=1).order_by()
    )
    for clash in clashes.iterator():
        later = manager.filter(**{k: clash[k] for k in ("channel", "address_digest", "key")}).order_by("pk")[1:]
        for pk in list(later.values_list("pk", flat=True)):
            manager.filter(pk=pk).update(address_digest=crypto.pii_hash(str(pk), namespace="delivery-duplicate"))


def backward(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    manager = Delivery._base_manager.using(schema_editor.connection.alias)
    for pk, address, body in manager.order_by("pk").values_list("pk", "address", "body").iterator(chunk_size=BATCH):
        # A Value expression is written as it is, not through the encrypting field.
        manager.filter(pk=pk).update(
            address=models.Value(address, output_field=models.TextField()),
            body=models.Value(body, output_field=models.TextField()),
        )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_delivery_encrypted"),
    ]

    operations = [migrations.RunPython(forward, backward)]
