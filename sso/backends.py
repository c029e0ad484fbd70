"""The relying party of the provincial unified identity (OpenID Connect authorization code flow with PKCE).

mozilla-django-oidc exchanges the code, checks the ID token's signature against the provider's JWKS and its nonce;
this backend adds what the library leaves out (the issuer and the audience of the ID token, the userinfo subject
being the ID token's) and replaces its e-mail matching and user creation with sso.matching: nobody is created.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from notifications.backends import PlatformBackend
from sso.matching import FAILED, Refused, user_for_claims

logger = logging.getLogger(__name__)


class ProvincialIdentityBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login never reaches the provider.
        if request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.sso_refusal = refusal.message
            logger.info("single sign-on refused: %s", refusal.message)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError) as exc:
            # The class only: provider answers may carry tokens or personal data.
            logger.warning("single sign-on failed: %s", type(exc).__name__)
            request.sso_refusal = FAILED
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core §5.3.2: userinfo about another subject than the ID token's must not be used.
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo subject differs from the ID token's")
        return user_for_claims(issuer=payload["iss"], claims=claims)

    def get_user(self, user_id):
        # A session opened here is then read like every other: the top bar's data in one query, disabled users out.
        return PlatformBackend().get_user(user_id)
