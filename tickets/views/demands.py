"""Screens: demands (see tickets/urls.py)."""

urlpatterns: list = []
