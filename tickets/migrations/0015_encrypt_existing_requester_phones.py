"""Encrypt the requesters' phones already stored in the clear, in the demands and their history (SECURITY.md §5)."""

from django.db import migrations

from core.pii_migrations import encrypt_existing

STEPS = [
    encrypt_existing("tickets", "Demand", "requester_phone"),
    encrypt_existing("tickets", "HistoricalDemand", "requester_phone"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0014_encrypted_requester_phone"),
    ]

    operations = [migrations.RunPython(forward, backward) for forward, backward in STEPS]
