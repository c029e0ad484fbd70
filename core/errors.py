"""Errors the acts of every app raise; web views and the API translate them (403, 409, 400 with field messages)."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["Conflict", "PermissionDenied", "ValidationError", "field_error"]


class Conflict(Exception):
    """The action is not allowed from the object's current state (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})
