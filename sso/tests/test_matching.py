"""Which user a set of verified claims is (sso.matching), without the HTTP round trip."""

import pytest

from accounts.models import Role
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
    department,
    valid_uscc,
)
from sso import matching
from sso.services import link_identity

pytestmark = pytest.mark.django_db

ISSUER = "https://ids.example.gov.cn/oidc"
USCC = valid_uscc(777)


def claims(**extra):
    return {"sub": "gz-0001", **extra}


@pytest.mark.parametrize(
    ("raw", "national"),
    [("13908511234", "13908511234"), ("+86 139 0851 1234", "13908511234"), ("0086-139-0851-1234", "13908511234"),
     ("86 13908511234", "13908511234"), ("(0851) 3322 1100", "085133221100")],
)
def test_national_phone(raw, national):
    assert matching.national_phone(raw) == national


def test_linked_subject_is_its_user_whatever_the_claims_say(lead_handler):
    enterprise = EnterpriseFactory(uscc=USCC)
    EnterpriseUserFactory(enterprise=enterprise, phone="13908511234")
    link_identity(user=lead_handler, issuer=ISSUER, subject="gz-0001")
    assert matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234")) == lead_handler


def test_staff_are_never_matched_by_phone():
    staff = UserFactory(role=Role.OFFICE, department=department("anshun-zwfw"), phone="13908511234")
    EnterpriseFactory(uscc=USCC)
    with pytest.raises(matching.Refused) as refusal:
        matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number=staff.phone))
    assert refusal.value.message == matching.UNLINKED


def test_enterprise_not_registered_is_refused():
    EnterpriseUserFactory(phone="13908511234")  # another enterprise's user with that phone
    with pytest.raises(matching.Refused):
        matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234"))


def test_a_phone_the_provider_says_is_unverified_is_not_trusted():
    EnterpriseUserFactory(enterprise=EnterpriseFactory(uscc=USCC), phone="13908511234")
    with pytest.raises(matching.Refused):
        matching.user_for_claims(
            issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234", phone_number_verified=False)
        )


def test_two_users_of_one_enterprise_with_the_same_phone_are_not_guessed_between():
    enterprise = EnterpriseFactory(uscc=USCC)
    EnterpriseUserFactory(enterprise=enterprise, phone="13908511234")
    EnterpriseUserFactory(enterprise=enterprise, phone="+86 13908511234")
    with pytest.raises(matching.Refused) as refusal:
        matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234"))
    assert refusal.value.message == matching.AMBIGUOUS


def test_a_disabled_former_user_with_the_same_phone_does_not_block_the_active_one():
    enterprise = EnterpriseFactory(uscc=USCC)
    EnterpriseUserFactory(enterprise=enterprise, phone="13908511234", is_active=False)
    current = EnterpriseUserFactory(enterprise=enterprise, phone="13908511234")
    assert matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234")) == current


def test_claim_names_come_from_the_settings(settings):
    settings.OIDC_CLAIM_USCC, settings.OIDC_CLAIM_PHONE = "social_credit_code", "mobile"
    user = EnterpriseUserFactory(enterprise=EnterpriseFactory(uscc=USCC), phone="13908511234")
    assert matching.user_for_claims(
        issuer=ISSUER, claims=claims(social_credit_code=USCC, mobile="13908511234")
    ) == user
    with pytest.raises(matching.Refused):
        matching.user_for_claims(issuer=ISSUER, claims=claims(uscc=USCC, phone_number="13908511234"))


@pytest.mark.parametrize("bad", [{"uscc": USCC}, {"phone_number": "13908511234"}, {"uscc": 5, "phone_number": 6},
                                 {"sub": None}])
def test_incomplete_claims_match_nobody(bad):
    EnterpriseUserFactory(enterprise=EnterpriseFactory(uscc=USCC), phone="13908511234")
    with pytest.raises(matching.Refused):
        matching.user_for_claims(issuer=ISSUER, claims=claims(**bad))
