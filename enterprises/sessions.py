"""Ending a user's sessions and API tokens at once (SECURITY.md §1: removing a staff member ends their sessions)."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(user) -> int:
    """Delete every live session of `user` from the session store (the cache too, with cached_db) and every API token
    the installed token apps hold for them. Returns the number of sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    end_tokens(user)
    return ended


def end_tokens(user) -> None:
    """The API tokens of `user`, whichever token app is installed (DRF's authtoken today; knox if it replaces it)."""
    for label, model in (("knox", "AuthToken"), ("authtoken", "Token")):
        if apps.is_installed({"knox": "knox", "authtoken": "rest_framework.authtoken"}[label]):
            apps.get_model(label, model).objects.filter(user=user).delete()
