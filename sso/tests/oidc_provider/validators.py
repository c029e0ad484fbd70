from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ProvincialClaimsValidator(OAuth2Validator):
    """Each provider user's claims (an opaque `sub`, a name, and for enterprise staff the uscc and phone) come from the
    test's configuration, as the provincial identity would hold them."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "uscc": "profile"}

    def get_additional_claims(self, request):
        return dict(settings.CONFIG["users"][request.user.username]["claims"])
