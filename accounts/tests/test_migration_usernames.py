"""accounts 0010 renames every enterprise user whose username is a phone (SECURITY.md §5): a generated username, every
row kept, the user's history and django-axes' rows renamed with it (the lockout keeps counting the account, none of them
keeps the phone); a demo name, a staff name and the append-only audit log are left as they are; and it can be reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import crypto

BEFORE = [("accounts", "0009_encrypt_existing_phones")]
AFTER = [("accounts", "0010_usernames_not_phones")]
PHONE, OTHER, NOBODY = "13985300881", "13985300882", "13985300889"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_phone_usernames_are_renamed_with_their_history_and_lockout_rows_and_back_again():
    try:
        apps = _migrate(BEFORE)
        User, History = apps.get_model("accounts", "User"), apps.get_model("accounts", "HistoricalUser")
        Enterprise = apps.get_model("accounts", "Enterprise")
        enterprise = Enterprise.objects.create(name="迁移企业", uscc="91520400MA6K7N2R3Y")
        office = apps.get_model("accounts", "Department").objects.get(code="anshun-zwfw")

        def user(username, phone, role="enterprise"):
            row = User.objects.create(username=username, password="!", role=role, phone=phone,
                                      phone_digest=crypto.pii_hash(phone), enterprise=enterprise if role == "enterprise" else None,
                                      department=None if role == "enterprise" else office)
            History.objects.create(id=row.pk, username=username, role=role, phone=phone, history_date="2026-12-01T09:00Z",
                                   history_type="+", is_superuser=False, is_staff=False, is_active=True,
                                   date_joined="2026-12-01T09:00Z", first_name="", last_name="", email="",
                                   must_change_password=False, phone_digest=row.phone_digest)
            return row.pk

        signed_up, invited = user(PHONE, PHONE), user(OTHER, OTHER)
        demo, staff = user("ent", "13985300001"), user("13985300883", "13985300883", role="office")
        from axes.models import AccessAttempt, AccessFailureLog

        from audit.models import AuditEvent

        common = {"user_agent": "t", "ip_address": "10.0.0.1", "http_accept": "*/*", "path_info": "/login/"}
        AccessAttempt.objects.create(username=PHONE, get_data="", post_data="", failures_since_start=3, **common)
        AccessAttempt.objects.create(username=NOBODY, get_data="", post_data="", failures_since_start=2, **common)
        AccessFailureLog.objects.create(username=OTHER, **common)
        AuditEvent.objects.create(action="account.login", actor_name=PHONE)

        _migrate(AFTER)
        from accounts.login_names import GENERATED, UNKNOWN_PHONE_PREFIX
        from accounts.models import User as LiveUser

        assert LiveUser.objects.count() == 4  # every row kept
        users = {u.pk: u for u in LiveUser.objects.all()}
        assert GENERATED.match(users[signed_up].username) and GENERATED.match(users[invited].username)
        assert users[signed_up].phone == PHONE and users[invited].phone == OTHER  # the phones stay, encrypted
        assert users[demo].username == "ent" and users[staff].username == "13985300883"  # not enterprise-by-phone
        history = dict(LiveUser.history.values_list("id", "username"))
        assert history[signed_up] == users[signed_up].username and history[demo] == "ent"
        attempts = dict(AccessAttempt.objects.values_list("failures_since_start", "username"))
        assert attempts[3] == users[signed_up].username  # the lockout keeps counting the account
        assert attempts[2].startswith(UNKNOWN_PHONE_PREFIX) and NOBODY not in attempts[2]
        assert AccessFailureLog.objects.get().username == users[invited].username
        # The audit log is append-only: its old row keeps the name it was written with.
        assert AuditEvent.objects.get(action="account.login").actor_name == PHONE
        from django.test import Client

        renamed = LiveUser.objects.get(pk=signed_up)
        renamed.set_password("Qyzj-2026-Migrate")
        renamed.save(update_fields=["password"])
        assert Client().login(username=PHONE, password="Qyzj-2026-Migrate")  # the phone still logs in

        _migrate(BEFORE)
        assert dict(User.objects.values_list("pk", "username")) == {
            signed_up: PHONE, invited: OTHER, demo: "ent", staff: "13985300883",
        }
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
