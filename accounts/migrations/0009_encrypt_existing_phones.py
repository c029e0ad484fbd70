"""Encrypt the phones already stored in the clear, in the users, the enterprises and their history (SECURITY.md §5)."""

from django.db import migrations

from core.pii_migrations import encrypt_existing

STEPS = [
    encrypt_existing("accounts", "User", "phone", "phone_digest"),
    encrypt_existing("accounts", "HistoricalUser", "phone", "phone_digest"),
    encrypt_existing("accounts", "Enterprise", "contact_phone"),
    encrypt_existing("accounts", "HistoricalEnterprise", "contact_phone"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_encrypted_phones"),
    ]

    operations = [migrations.RunPython(forward, backward) for forward, backward in STEPS]
