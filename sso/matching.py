"""Which platform user a provincial unified identity is (SECURITY.md §1). Nobody is ever created here.

1. A subject the system administrator linked (OidcIdentity: issuer + sub) is that user, whatever the role.
2. Otherwise an enterprise user is found by the claims naming the enterprise (uscc) and the person's mobile phone:
   the enterprise must be registered and exactly one of its users must hold that phone.
3. Anybody else is refused, and so is a matched user whose account is disabled.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts import uscc as uscc_codes
from accounts.models import Role
from sso.models import OidcIdentity

UNLINKED = (
    "您的省统一身份认证账号尚未关联本平台账号，未能登录。工作人员请联系系统管理员关联账号；"
    "企业用户请确认本平台账号登记的手机号、企业统一社会信用代码与省统一身份认证一致。"
)
INACTIVE = "该平台账号已停用，不能登录。如有疑问请联系系统管理员。"
AMBIGUOUS = "该企业有多个平台账号登记了同一手机号，无法确定登录哪一个，请联系系统管理员。"
FAILED = "省统一身份认证未能完成登录，请稍后重试，或使用账号密码登录。"
CANCELLED = "已取消省统一身份认证登录。"

_CHINA_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")


class Refused(Exception):
    """The platform refuses this identity; `message` is what the person reads on the login page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def national_phone(value: str) -> str:
    """A mobile number as the platform stores it: 11 digits, without spaces, dashes or the +86 prefix."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    return _CHINA_PREFIX.sub("", digits)


def user_for_claims(*, issuer: str, claims: dict):
    """The active user these verified claims identify, or Refused."""
    subject = claims.get("sub")
    user = None
    if isinstance(subject, str) and subject:
        identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
        user = identity.user if identity else None
    if user is None:
        user = _enterprise_user(claims)
    if user is None:
        raise Refused(UNLINKED)
    if not user.is_active:
        raise Refused(INACTIVE)
    return user


def _enterprise_user(claims: dict):
    code, phone = claims.get(settings.OIDC_CLAIM_USCC), claims.get(settings.OIDC_CLAIM_PHONE)
    if not (isinstance(code, str) and code.strip() and isinstance(phone, str) and phone.strip()):
        return None
    # A provider that says the phone is not verified does not vouch for it (OpenID Connect Core §5.1).
    if claims.get(f"{settings.OIDC_CLAIM_PHONE}_verified") is False:
        return None
    phone = national_phone(phone)
    # The stored phone is encrypted at rest (SECURITY §5): it is found by its keyed hash.
    matches = list(
        get_user_model().objects.with_phone(phone).filter(role=Role.ENTERPRISE, enterprise__uscc=uscc_codes.normalize(code))
    )
    # A disabled former colleague who held the same number does not stand in the way of the active user.
    active = [user for user in matches if user.is_active]
    if len(active) > 1 or (not active and len(matches) > 1):
        raise Refused(AMBIGUOUS)
    return (active or matches or [None])[0]
