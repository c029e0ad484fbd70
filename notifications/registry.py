"""The Chinese names of notification events. This app knows no event of its own: each app declares the events it
sends in its AppConfig (`notification_events`, code → name)."""

from functools import cache

from django.apps import apps

UNKNOWN = "通知"


@cache
def event_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        labels.update(getattr(config, "notification_events", {}))
    return labels


def event_label(code: str) -> str:
    return event_labels().get(code, UNKNOWN)
