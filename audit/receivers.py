"""Audit rows for events that lower layers announce by signal (they cannot import the audit app)."""

from django.dispatch import receiver

from audit.services import record
from core.pagination import api_page_read


@receiver(api_page_read, dispatch_uid="audit.api_page_read")
def record_api_page(sender, request=None, view=None, page=0, rows=0, **kwargs):
    django_request = getattr(request, "_request", request)
    record("export.api_page", request=django_request, path=django_request.path[:200], page=page, rows=rows,
           view=type(view).__name__ if view is not None else "")
