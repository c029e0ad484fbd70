"""The workflow switches (auto-sign and its supervision): one row, seeded by the migrations, edited in the admin."""

import pytest
from django.urls import reverse

from tickets.models import WorkflowSettings

pytestmark = pytest.mark.django_db


def test_migration_seeded_the_settings_row():
    row = WorkflowSettings.objects.get(pk=1)
    assert (row.auto_sign_enabled, row.auto_sign_raises_supervision) == (True, True)



def test_workflow_settings_single_row(superuser_client):
    settings_row = WorkflowSettings.objects.get(pk=1)

    assert superuser_client.get(reverse("admin:tickets_workflowsettings_add")).status_code == 403
    delete_url = reverse("admin:tickets_workflowsettings_delete", args=[1])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = superuser_client.post(reverse("admin:tickets_workflowsettings_change", args=[1]), {"auto_sign_enabled": "on"})
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.auto_sign_enabled, settings_row.auto_sign_raises_supervision) == (True, False)


def test_workflow_settings_can_be_added_when_missing(superuser_client):
    WorkflowSettings.objects.all().delete()

    page = superuser_client.get(reverse("admin:tickets_workflowsettings_add"))
    assert page.status_code == 200
    assert "超时视为签收" in page.content.decode() and "视为签收时自动系统督办" in page.content.decode()
    response = superuser_client.post(reverse("admin:tickets_workflowsettings_add"), {"auto_sign_enabled": "on"})
    assert response.status_code == 302
    row = WorkflowSettings.objects.get()
    assert (row.pk, row.auto_sign_enabled, row.auto_sign_raises_supervision) == (1, True, False)
    # One row only: once it exists there is nothing more to add.
    assert superuser_client.get(reverse("admin:tickets_workflowsettings_add")).status_code == 403

