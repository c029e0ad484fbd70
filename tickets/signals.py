"""Signal receivers of the tickets app."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from tickets import provisional, workdays
from tickets.models import CalendarException, CalendarYear


@receiver(post_save, sender=CalendarYear, dispatch_uid="workdays_calendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workdays_calendar_year_deleted")
@receiver(post_save, sender=CalendarException, dispatch_uid="workdays_calendar_exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="workdays_calendar_exception_deleted")
def calendar_row_changed(sender, using: str, **kwargs) -> None:
    """Every process must count working days with the new calendar (SPEC §6)."""
    workdays.calendar_changed(using=using)


# --- provisional due instants (tickets/provisional.py) -------------------------------------------------------------
@receiver(pre_save, sender=CalendarYear, dispatch_uid="provisional_calendar_year_saving")
@receiver(pre_delete, sender=CalendarYear, dispatch_uid="provisional_calendar_year_deleting")
def calendar_year_saving(sender, instance: CalendarYear, using: str, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    years = {instance.year}
    if instance.pk:
        years.update(CalendarYear.objects.using(using).filter(pk=instance.pk).values_list("year", flat=True))
    provisional.snapshot_years(years, using=using)


@receiver(pre_save, sender=CalendarException, dispatch_uid="provisional_calendar_exception_saving")
@receiver(pre_delete, sender=CalendarException, dispatch_uid="provisional_calendar_exception_deleting")
def calendar_exception_changing(sender, instance: CalendarException, using: str, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    years = {instance.date.year} if instance.date else set()
    if instance.pk:
        years.update(day.year for day in CalendarException.objects.using(using).filter(pk=instance.pk).values_list("date", flat=True))
    provisional.snapshot_years(years, using=using)


@receiver(post_save, sender=CalendarYear, dispatch_uid="provisional_calendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="provisional_calendar_year_deleted")
@receiver(post_save, sender=CalendarException, dispatch_uid="provisional_calendar_exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="provisional_calendar_exception_deleted")
def calendar_changed_recompute(sender, using: str, raw: bool = False, **kwargs) -> None:
    """Open provisional due instants over a changed year are counted again once the change commits (SPEC §6)."""
    if raw:
        return
    provisional.schedule_recompute(using=using)
