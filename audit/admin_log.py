"""Every change made in the Django admin is also an audit row (SECURITY.md §4): `LogEntryManager.log_actions`, which
each ModelAdmin calls for an addition, a change or deletions (one or many at once) inside the admin's transaction, is
wrapped once at start-up so that no admin class can forget it."""

from __future__ import annotations

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntryManager

from audit.services import record

ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _audit(entries) -> None:
    for entry in entries:
        record(
            ACTIONS.get(entry.action_flag, "admin.change"),
            actor=entry.user if entry.user_id else None,
            obj=None,
            model=entry.content_type.model_class()._meta.label_lower if entry.content_type_id else "",
            target=str(entry.object_id or "")[:64],
            target_repr=(entry.object_repr or "")[:200],
            log_entry=entry.pk,
            fields=_changed_fields(entry),
        )


def _changed_fields(entry) -> list[str]:
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    fields: list[str] = []
    for item in messages if isinstance(messages, list) else []:
        for value in item.values():
            if isinstance(value, dict):
                fields += [str(name) for name in value.get("fields", [])]
    return fields


def install() -> None:
    if getattr(LogEntryManager.log_actions, "_audited", False):
        return
    original = LogEntryManager.log_actions

    def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
        result = original(self, user_id, queryset, action_flag, change_message, single_object=single_object)
        _audit([result] if single_object else list(result or []))
        return result

    log_actions._audited = True
    LogEntryManager.log_actions = log_actions
