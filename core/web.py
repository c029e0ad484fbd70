"""What every screen shares: turning an act's errors into what a person sees."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import Conflict


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an act's field errors next to the form's fields ("enterprise.uscc" → field "enterprise_uscc")."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            name = field.replace(".", "_")
            target = name if name in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def run_act(request, form: forms.Form, act: Callable, *, success: str | Callable[[object], str]) -> bool:
    """Call an act; on success flash `success` (or `success(what the act returned)` when what happened next depends on
    it), on a conflict flash the reason, on bad input fill the form.

    Returns True when the act happened. PermissionDenied propagates (403).
    """
    try:
        result = act()
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    except Conflict as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
