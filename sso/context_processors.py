from django.conf import settings


def single_sign_on(request):
    """Whether the login page offers the provincial unified identity (off unless configured)."""
    return {"sso_enabled": settings.SSO_ENABLED}
