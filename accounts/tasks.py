"""Celery tasks: thin wrappers around service functions. Schedules live in settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from accounts.services import users_disable_idle


@shared_task
def disable_idle_users() -> list[str]:
    """Disable accounts idle for 90 days (SECURITY.md §3); beat runs it daily. Returns the usernames disabled."""
    return users_disable_idle()
