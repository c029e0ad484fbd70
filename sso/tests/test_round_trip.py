"""The round trip through a real OpenID provider (django-oauth-toolkit in its own process) over HTTP (SECURITY.md §1)."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
    department,
)
from sso import matching
from sso.models import OidcIdentity
from sso.services import link_identity
from sso.tests.conftest import ENTERPRISE_PHONE, ENTERPRISE_USCC, STAFF_SUBJECT
from sso.tests.provider import sign_in_through_provider


def identity_shown(response) -> str:
    """The name the top bar shows (empty when nobody is logged in)."""
    marker = 'data-testid="user-identity"'
    if marker not in response.text:
        return ""
    return response.text.split(marker, 1)[1].split("</span>", 2)[0]


def test_staff_linked_by_subject_logs_in(platform, sso_on):
    handler = UserFactory(username="zw_handler", last_name="张", first_name="伟", role=Role.HANDLER,
                          department=department("anshun-scjg"))
    link_identity(user=handler, issuer=sso_on.issuer, subject=STAFF_SUBJECT)

    back = sign_in_through_provider(platform.url, "zhangwei")

    assert back.url == f"{platform.url}/"
    assert "张伟" in identity_shown(back)
    assert "涉企服务工作人员" in back.text
    # The session is the platform's own: the next page is served to the same person.
    assert "张伟" in identity_shown(back.session.get(f"{platform.url}/", timeout=30))


def test_staff_returns_to_the_page_they_asked_for(platform, sso_on):
    handler = UserFactory(username="zw_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    link_identity(user=handler, issuer=sso_on.issuer, subject=STAFF_SUBJECT)

    back = sign_in_through_provider(platform.url, "zhangwei", next_path="/notifications/")

    assert back.url == f"{platform.url}/notifications/"


def test_enterprise_user_matched_by_uscc_and_phone_logs_in(platform, sso_on):
    enterprise = EnterpriseFactory(name="安顺黔中测试装备有限公司", uscc=ENTERPRISE_USCC)
    EnterpriseUserFactory(username="ent_other", enterprise=enterprise, phone="13908519999")
    EnterpriseUserFactory(username="ent_li", last_name="李", first_name="娜", enterprise=enterprise,
                          phone=ENTERPRISE_PHONE)

    back = sign_in_through_provider(platform.url, "lina")

    assert back.url == f"{platform.url}/"
    assert "李娜" in identity_shown(back)
    assert "安顺黔中测试装备有限公司" in back.text
    assert not OidcIdentity.objects.exists()  # matched afresh at every login, nothing stored


def test_enterprise_user_whose_phone_differs_is_refused(platform, sso_on):
    enterprise = EnterpriseFactory(uscc=ENTERPRISE_USCC)
    EnterpriseUserFactory(username="ent_li", enterprise=enterprise, phone="13908510000")

    back = sign_in_through_provider(platform.url, "lina")

    assert back.url == f"{platform.url}/login/"
    assert matching.UNLINKED in back.text
    assert identity_shown(back) == ""


def test_unknown_subject_is_refused_with_a_chinese_message_and_nothing_created(platform, sso_on):
    users_before = get_user_model().objects.count()

    back = sign_in_through_provider(platform.url, "wangwu")

    assert back.url == f"{platform.url}/login/"
    assert matching.UNLINKED in back.text
    assert identity_shown(back) == ""
    assert get_user_model().objects.count() == users_before
    assert not OidcIdentity.objects.exists()
    # Still nobody: a page for logged-in people sends the browser back to the login page.
    home = back.session.get(f"{platform.url}/notifications/", timeout=30)
    assert home.url.startswith(f"{platform.url}/login/")


def test_subject_linked_at_another_issuer_is_not_this_one(platform, sso_on):
    handler = UserFactory(username="zw_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    link_identity(user=handler, issuer="https://other-province.example/oidc", subject=STAFF_SUBJECT)

    back = sign_in_through_provider(platform.url, "zhangwei")

    assert back.url == f"{platform.url}/login/"
    assert matching.UNLINKED in back.text


@pytest.mark.parametrize("who", ["staff", "enterprise"])
def test_inactive_user_is_refused(platform, sso_on, who):
    if who == "staff":
        user = UserFactory(username="zw_handler", role=Role.HANDLER, department=department("anshun-scjg"),
                           is_active=False)
        link_identity(user=user, issuer=sso_on.issuer, subject=STAFF_SUBJECT)
        provider_user = "zhangwei"
    else:
        EnterpriseUserFactory(username="ent_li", enterprise=EnterpriseFactory(uscc=ENTERPRISE_USCC),
                              phone=ENTERPRISE_PHONE, is_active=False)
        provider_user = "lina"

    back = sign_in_through_provider(platform.url, provider_user)

    assert back.url == f"{platform.url}/login/"
    assert matching.INACTIVE in back.text
    assert identity_shown(back) == ""


def test_provider_unreachable_at_the_token_step_is_explained(platform, sso_on, settings):
    handler = UserFactory(username="zw_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    link_identity(user=handler, issuer=sso_on.issuer, subject=STAFF_SUBJECT)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token/"  # the discard port: nothing listens

    back = sign_in_through_provider(platform.url, "zhangwei")

    assert back.url == f"{platform.url}/login/"
    assert matching.FAILED in back.text
    assert identity_shown(back) == ""


def test_id_token_from_another_issuer_is_refused(platform, sso_on, settings):
    """A validly signed ID token whose `iss` is not the configured provider is refused (mozilla-django-oidc does not
    check the issuer: sso.backends does)."""
    handler = UserFactory(username="zw_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    link_identity(user=handler, issuer=sso_on.issuer, subject=STAFF_SUBJECT)
    settings.OIDC_OP_ISSUER = sso_on.issuer + "-elsewhere"

    back = sign_in_through_provider(platform.url, "zhangwei")

    assert back.url == f"{platform.url}/login/"
    assert matching.FAILED in back.text
