"""Screens: triage (see tickets/urls.py)."""

urlpatterns: list = []
