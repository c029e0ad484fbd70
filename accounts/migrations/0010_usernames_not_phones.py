"""No username is a phone (SECURITY.md §5): every enterprise user whose username is a mobile number gets a generated,
non-personal one (accounts.login_names.new_username) and logs in with the phone or it from now on. Every row is kept.

The user's history rows (simple-history) and django-axes' tables (attempts, access and failure logs) are renamed with
it, so the lockout keeps counting the same account and none of them keeps the phone; a phone in axes' tables that no
account holds is replaced by its keyed hash, as axes now records it (accounts.login_names.lockout_name). The audit log
is append-only and is not touched: its old rows keep the name they were written with.

Backward: an enterprise user with a generated username and a phone gets the phone as username again (the contract
before this migration), unless another account has that name; axes' rows keep the new names.
"""

from django.db import migrations

from accounts.login_names import (
    GENERATED,
    UNKNOWN_PHONE_PREFIX,
    new_username,
    typed_phone,
)
from core import crypto

PHONE_LIKE = r"^[0-9 +()-]+$"
AXES_MODELS = ("AccessAttempt", "AccessLog", "AccessFailureLog")


def forward(apps, schema_editor):
    alias = schema_editor.connection.alias
    User = apps.get_model("accounts", "User")
    History = apps.get_model("accounts", "HistoricalUser")
    users = User._base_manager.using(alias)
    renamed: dict[str, str] = {}  # old username → new
    for pk, old in list(users.filter(role="enterprise", username__regex=PHONE_LIKE).values_list("pk", "username")):
        if not typed_phone(old):
            continue
        new = new_username(lambda name: users.filter(username__iexact=name).exists())
        users.filter(pk=pk).update(username=new)
        History._base_manager.using(alias).filter(id=pk, username=old).update(username=new)
        renamed[old] = new
    for model_name in AXES_MODELS:
        model = apps.get_model("axes", model_name)
        rows = model._base_manager.using(alias)
        for name in list(rows.filter(username__regex=PHONE_LIKE).values_list("username", flat=True).distinct()):
            phone = typed_phone(name)
            if not phone:
                continue
            if name in renamed:
                replacement = renamed[name]
            else:
                holders = list(users.filter(role="enterprise", phone_digest=crypto.pii_hash(phone))
                               .values_list("username", flat=True)[:2])
                replacement = holders[0] if len(holders) == 1 else UNKNOWN_PHONE_PREFIX + crypto.pii_hash(phone)[:24]
            rows.filter(username=name).update(username=replacement)


def backward(apps, schema_editor):
    alias = schema_editor.connection.alias
    User = apps.get_model("accounts", "User")
    History = apps.get_model("accounts", "HistoricalUser")
    users = User._base_manager.using(alias)
    for user in list(users.filter(role="enterprise", username__startswith="qy").exclude(phone="").only("pk", "username", "phone")):
        phone = typed_phone(user.phone)  # the field decrypts it
        if not (GENERATED.match(user.username) and phone) or users.filter(username=phone).exists():
            continue
        users.filter(pk=user.pk).update(username=phone)
        History._base_manager.using(alias).filter(id=user.pk, username=user.username).update(username=phone)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0009_encrypt_existing_phones"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forward, backward)]
