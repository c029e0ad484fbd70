"""Which provincial unified identity (OpenID Connect subject) belongs to which staff user (SECURITY.md §1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OidcIdentity(models.Model):
    """A subject of the identity provider, linked to a user by the system administrator.

    The subject (`sub`) is unique only within its issuer (OpenID Connect Core §2), so both are stored. Enterprise users
    need no row: they are matched by their enterprise's uscc and their phone at each login (sso.matching).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("平台用户"), on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("身份提供方（issuer）"), max_length=255)
    subject = models.CharField(_("统一身份标识（sub）"), max_length=255)
    linked_at = models.DateTimeField(_("关联时间"), auto_now_add=True)
    # Who linked or unlinked which subject, and when: a link is a way into an account.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("统一身份关联")
        verbose_name_plural = _("统一身份关联")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                name="oidc_identity_unique_subject",
                violation_error_message=_("该统一身份标识已关联其他用户。"),
            ),
            models.UniqueConstraint(
                fields=["issuer", "user"],
                name="oidc_identity_one_per_user",
                violation_error_message=_("该用户已关联此身份提供方的另一个统一身份标识。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subject}"
