"""The data migration of 三权分立: every `admin` user becomes `sysadmin`, nothing else changes, and it reverses."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("accounts", "0002_load_organisation")]
AFTER = [("accounts", "0003_three_administrators")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_admin_users_become_sysadmins_and_back():
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Region = apps.get_model("accounts", "Region")
    Department = apps.get_model("accounts", "Department")
    # Its own department: a live-server test before this one may have flushed the organisation.
    region = Region.objects.create(code="t-migration", name="迁移测试市", level="city")
    office = Department.objects.create(code="t-migration-zwfw", name="迁移测试政务服务中心", region=region, kind="office_host")
    User.objects.create(username="root", role="admin")
    User.objects.create(username="clerk", role="office", department=office)
    try:
        apps = migrate(AFTER)
        User = apps.get_model("accounts", "User")
        assert dict(User.objects.values_list("username", "role")) == {"root": "sysadmin", "clerk": "office"}
        apps = migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        assert dict(User.objects.values_list("username", "role")) == {"root": "admin", "clerk": "office"}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
