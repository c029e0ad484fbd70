"""Celery tasks of the trainings app: thin wrappers (the beat schedule is in qiyezhijia/settings.py)."""

from celery import shared_task

from trainings.reminders import send_reminders


@shared_task(acks_late=True)
def send_training_reminders() -> int:
    return send_reminders()
