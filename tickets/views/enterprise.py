"""Screens: enterprise (see tickets/urls.py)."""

urlpatterns: list = []
