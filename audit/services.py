"""Writing the audit log. `record` runs inside the caller's transaction: if the row cannot be written, the act fails
with it (SECURITY.md §4). It takes the request when there is one (actor, IP, user agent) and refuses detail keys that
could carry secrets or personal data."""

from __future__ import annotations

from typing import Any

from django.db import models as dj_models

from audit.middleware import current_request
from audit.models import AuditEvent, Result
from core.ratelimit import client_ip

# Keys that must never reach the audit log (nor any log): secrets and full personal data.
FORBIDDEN_KEYS = frozenset({"password", "token", "code", "secret", "phone", "id_number", "sms", "otp", "key"})


def _object_fields(obj) -> dict[str, str]:
    if obj is None:
        return {}
    if isinstance(obj, dj_models.Model):
        return {
            "object_type": obj._meta.label_lower[:64],
            "object_id": str(obj.pk)[:64],
            "object_repr": str(obj)[:200],
        }
    return {"object_repr": str(obj)[:200]}


def _check(detail: dict) -> None:
    bad = {key for key in detail if key.lower() in FORBIDDEN_KEYS}
    if bad:
        raise ValueError(f"audit detail must not carry {sorted(bad)}")


def record(action: str, *, request=None, actor=None, obj=None, result: str = Result.OK, **detail: Any) -> AuditEvent:
    """Append one audit row. `request` defaults to the one being served (audit.middleware), `actor` to its user; a
    visitor, or a task outside any request, has none."""
    _check(detail)
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else "")[:150],
        role=(getattr(actor, "role", "") or "")[:16],
        ip=(client_ip(request) if request is not None else "")[:45],
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        action=action[:64],
        result=result,
        detail=detail,
        **_object_fields(obj),
    )


def record_system(action: str, rows: list[tuple[Any, dict[str, Any]]], *, at=None) -> list[AuditEvent]:
    """Rows for an act of the platform itself on many objects at once (a batch task: no actor, no request), written
    in one statement in the caller's transaction; `rows` pairs each object with its detail."""
    for _obj, detail in rows:
        _check(detail)
    extra = {"at": at} if at is not None else {}
    return AuditEvent.objects.bulk_create([
        AuditEvent(action=action[:64], detail=detail, **extra, **_object_fields(obj)) for obj, detail in rows
    ])
