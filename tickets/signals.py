"""Signal receivers of the tickets app."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tickets import workdays
from tickets.models import CalendarException, CalendarYear


@receiver(post_save, sender=CalendarYear, dispatch_uid="workdays_calendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workdays_calendar_year_deleted")
@receiver(post_save, sender=CalendarException, dispatch_uid="workdays_calendar_exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="workdays_calendar_exception_deleted")
def calendar_row_changed(sender, using: str, **kwargs) -> None:
    """Every process must count working days with the new calendar (SPEC §6)."""
    workdays.calendar_changed(using=using)
