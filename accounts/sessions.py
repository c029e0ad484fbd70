"""Ending a user's sessions and tokens (SECURITY.md §2: a deactivated user's sessions and tokens stop at once).

Sessions live in the database (written through the cache, SESSION_ENGINE cached_db): they are found by decoding the
unexpired ones — deactivation is rare, a page view never pays for this — and deleted through the session store so
the cached copy goes too.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import ApiToken, User

LOGIN_AT = "qyzj_login_at"
SEEN_AT = "qyzj_seen_at"


def stamp_login(session) -> None:
    """Remember when the session logged in (the absolute limit) and was last used (the idle limit)."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end_user_sessions(user) -> int:
    """Delete every session of `user`; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def revoke_user_tokens(user) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


# Every path that disables an account (the admin, the account screens, a script) saves the user: this catches them all.
@receiver(pre_save, sender=User, dispatch_uid="accounts.sessions.remember_active")
def _remember_active(sender, instance: User, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = None
        return
    instance._was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()


@receiver(post_save, sender=User, dispatch_uid="accounts.sessions.end_when_deactivated")
def _end_when_deactivated(sender, instance: User, created: bool, **kwargs):
    if getattr(instance, "_was_active", None) and not instance.is_active:
        end_user_sessions(instance)
        revoke_user_tokens(instance)


@receiver(user_logged_in, dispatch_uid="accounts.sessions.stamp_login")
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp_login(request.session)
