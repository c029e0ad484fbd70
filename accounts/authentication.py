"""How the API knows a caller by token: django-rest-knox (digests, expiry), with Chinese refusals and one query.

knox's own class also sweeps the caller's other expired tokens on every request (a second query); here only the
token presented is judged: expired → deleted and refused (401). Expired tokens nobody presents stay until revoked.
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.signals import token_expired
from rest_framework import exceptions


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已被吊销。") from None

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用。")
        return (auth_token.user, auth_token)

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document names the token (API.md: `Authorization: Token <key>`)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Authorization: Token <key>（个人中心签发的 API 令牌）"}
