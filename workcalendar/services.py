"""Every change of the official calendar, as named acts (SPEC §6).

A change must (1) drop every process's in-memory calendar (this one at once, the others after commit), and (2) recount
the open provisional due instants over the changed years with the calendar as it stood before. Both happen here,
explicitly: the admin screens, the seeding command and the tests call these, never model signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction

from workcalendar import provisional, workdays
from workcalendar.models import CalendarException, CalendarYear


@contextmanager
def calendar_edit(years: Iterable[int], *, using: str | None = None) -> Iterator[None]:
    """Wrap any change of the calendar rows of `years` (saves, deletes, the official tick).

    1. Inside one transaction, remember how those years stand before the first change.
    2. Let the caller change the rows.
    3. Drop this process's calendar now and tell the others when the transaction commits.
    4. On commit, recount every open provisional due instant over the changed years (nothing if it rolls back).
    """
    with transaction.atomic(using=using):
        provisional.snapshot_years(set(years), using=using)
        yield
        workdays.calendar_changed(using=using)
        provisional.schedule_recompute(using=using)


def _years_of_exception(exception: CalendarException) -> set[int]:
    years = {exception.date.year} if exception.date else set()
    if exception.pk:
        years.update(d.year for d in CalendarException.objects.filter(pk=exception.pk).values_list("date", flat=True))
    return years


def calendar_year_save(*, year: CalendarYear) -> CalendarYear:
    """Save a year's row (its official tick, its source)."""
    years = {year.year}
    if year.pk:
        years.update(CalendarYear.objects.filter(pk=year.pk).values_list("year", flat=True))
    with calendar_edit(years):
        year.save()
    return year


def calendar_year_mark_official(*, year: int, source: str = "") -> CalendarYear:
    """Mark a year's dates complete: from now on they count, and provisional dues over the year are recounted."""
    with calendar_edit({year}):
        row, _ = CalendarYear.objects.get_or_create(year=year)
        row.official = True
        fields = ["official"]
        if source:
            row.source = source
            fields.append("source")
        row.save(update_fields=fields)
    return row


def calendar_year_delete(*, year: CalendarYear) -> None:
    """Delete a year with its dates: the year counts Monday–Friday again (its dues become provisional going forward)."""
    with calendar_edit({year.year}):
        year.delete()


def calendar_exception_save(*, exception: CalendarException) -> CalendarException:
    """Add or change one holiday or make-up working day."""
    with calendar_edit(_years_of_exception(exception)):
        exception.save()
    return exception


def calendar_exception_delete(*, exception: CalendarException) -> None:
    with calendar_edit(_years_of_exception(exception)):
        exception.delete()


def deadline_policy_save(*, policy) -> None:
    """Change a deadline policy: new clocks count with it; screens warn by its warning days (every process drops its
    copy of the calendar and what hangs on it, this one at once, the others after commit)."""
    with transaction.atomic():
        policy.save()
        workdays.calendar_changed()
