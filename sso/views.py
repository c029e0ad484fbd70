"""/sso/start/ sends the browser to the provider, /sso/callback/ receives it back; both 404 unless SSO is configured."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sso.matching import CANCELLED, FAILED


class _OnlyWhenConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not settings.SSO_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class StartView(_OnlyWhenConfigured, OIDCAuthenticationRequestView):
    pass


class CallbackView(_OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    def login_failure(self):
        """Back to the login page, saying why in Chinese (the backend leaves its reason on the request)."""
        if self.request.GET.get("error") == "access_denied":
            message = CANCELLED
        else:
            message = getattr(self.request, "sso_refusal", FAILED)
        messages.error(self.request, message)
        return redirect("accounts:login")
