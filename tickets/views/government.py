"""Screens: government (see tickets/urls.py)."""

urlpatterns: list = []
