"""Screens: intake (see tickets/urls.py)."""

urlpatterns: list = []
