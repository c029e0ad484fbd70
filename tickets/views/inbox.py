"""Screens: inbox (see tickets/urls.py)."""

urlpatterns: list = []
