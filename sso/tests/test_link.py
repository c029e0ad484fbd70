"""Linking a subject to a user: the command `sso_link` and the admin (统一身份关联)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sso.models import OidcIdentity

pytestmark = pytest.mark.django_db

ISSUER = "https://ids.example.gov.cn/oidc"


@pytest.fixture
def issuer(settings):
    settings.OIDC_OP_ISSUER = ISSUER
    return ISSUER


def test_sso_link_links_the_subject_at_the_configured_issuer(issuer, lead_handler):
    out = StringIO()
    call_command("sso_link", lead_handler.username, " gz-0001 ", stdout=out)
    identity = OidcIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (lead_handler, ISSUER, "gz-0001")
    assert "已将统一身份标识关联到用户" in out.getvalue()


def test_sso_link_takes_an_explicit_issuer(settings, lead_handler):
    settings.OIDC_OP_ISSUER = ""
    call_command("sso_link", lead_handler.username, "gz-0001", "--issuer", "https://other.example/oidc")
    assert OidcIdentity.objects.get().issuer == "https://other.example/oidc"


def test_sso_link_without_an_issuer_says_so(settings, lead_handler):
    settings.OIDC_OP_ISSUER = ""
    with pytest.raises(CommandError, match="OIDC_OP_ISSUER"):
        call_command("sso_link", lead_handler.username, "gz-0001")
    assert not OidcIdentity.objects.exists()


def test_sso_link_unknown_user(issuer):
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        call_command("sso_link", "nobody", "gz-0001")


def test_sso_link_refuses_a_subject_linked_to_someone_else(issuer, lead_handler, other_handler):
    call_command("sso_link", lead_handler.username, "gz-0001")
    with pytest.raises(CommandError, match="该统一身份标识已关联其他用户"):
        call_command("sso_link", other_handler.username, "gz-0001")
    assert OidcIdentity.objects.get().user == lead_handler


def test_sso_link_refuses_a_second_subject_for_the_same_user(issuer, lead_handler):
    call_command("sso_link", lead_handler.username, "gz-0001")
    with pytest.raises(CommandError, match="该用户已关联此身份提供方"):
        call_command("sso_link", lead_handler.username, "gz-0002")


def test_sso_link_refuses_an_empty_subject(issuer, lead_handler):
    with pytest.raises(CommandError, match="不能为空"):
        call_command("sso_link", lead_handler.username, "  ")


def test_the_system_administrator_links_in_the_admin(client, platform_admin, lead_handler, issuer):
    client.force_login(platform_admin)
    add = reverse("admin:sso_oidcidentity_add")
    page = client.get(add)
    assert page.status_code == 200
    assert ISSUER in page.content.decode()  # the issuer is filled in
    response = client.post(add, {"user": lead_handler.pk, "issuer": ISSUER, "subject": "gz-0001"})
    assert response.status_code == 302
    identity = OidcIdentity.objects.get()
    assert identity.user == lead_handler
    assert identity.history.get().history_user == platform_admin  # who linked it stays on record


def test_the_admin_explains_a_subject_already_linked(client, platform_admin, lead_handler, other_handler, issuer):
    OidcIdentity.objects.create(user=lead_handler, issuer=ISSUER, subject="gz-0001")
    client.force_login(platform_admin)
    response = client.post(
        reverse("admin:sso_oidcidentity_add"), {"user": other_handler.pk, "issuer": ISSUER, "subject": "gz-0001"}
    )
    assert response.status_code == 200
    assert "该统一身份标识已关联其他用户。" in response.content.decode()
    assert OidcIdentity.objects.count() == 1


def test_an_auditor_cannot_link(client, issuer):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    auditor = UserFactory(role=Role.AUDITOR, department=None, is_staff=True)
    client.force_login(auditor)
    assert client.get(reverse("admin:sso_oidcidentity_add")).status_code == 403
