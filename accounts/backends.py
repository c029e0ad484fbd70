"""Password authentication with a username or, for an enterprise user, the phone (accounts.login_names)."""

from django.contrib.auth.backends import ModelBackend

from accounts.login_names import login_username


class LoginNameBackend(ModelBackend):
    """Django's model backend, after mapping a typed phone to its account's username through the keyed hash."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=login_username(username), password=password, **kwargs)
