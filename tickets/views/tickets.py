"""Screens: tickets (see tickets/urls.py)."""

urlpatterns: list = []
