"""seed_demo: the demo enterprises are verified, `ent` administers its own, one unverified enterprise waits in the
city office's queue with its licence; running it twice changes nothing."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from enterprises.models import EnterpriseAdmin, Licence, Verification

pytestmark = pytest.mark.django_db


def test_seed_demo_identity(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")
    ent, ent2 = User.objects.get(username="ent"), User.objects.get(username="ent2")
    assert Verification.objects.get(pk=ent.enterprise_id).status == Verification.Status.VERIFIED
    assert Verification.objects.get(pk=ent2.enterprise_id).status == Verification.Status.VERIFIED
    assert EnterpriseAdmin.objects.get(pk=ent.enterprise_id).user == ent
    waiting = Verification.objects.get(status=Verification.Status.UNVERIFIED)
    assert Licence.objects.filter(enterprise=waiting.enterprise).count() == 1
    office = Client()
    office.force_login(User.objects.get(username="office"))
    assert waiting.enterprise.name in office.get(reverse("enterprises:verification_queue")).content.decode()
    page = office.get(reverse("enterprises:verification_detail", args=[waiting.pk])).content.decode()
    licence = Licence.objects.get(enterprise=waiting.enterprise)
    assert office.get(reverse("enterprises:licence_file", args=[licence.pk])).status_code == 200
    assert "application/pdf" in page
