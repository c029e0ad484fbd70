"""The bounds of every date and time a person or an API client enters (SECURITY.md §6).

No year 1, no year 9999: a single out-of-range value must never break a list (PostgreSQL stores a year 0 that Python
cannot read back). Forms, serializers and the workflow check the same bounds; the database's CHECK constraints
(`date_bounds`) keep what slipped past them out.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

EARLIEST_DATE = datetime.date(2000, 1, 1)
# Dates of things that predate the platform (a company's founding, a policy's issue): from the People's Republic on.
EARLIEST_HISTORIC_DATE = datetime.date(1949, 10, 1)
# No date anyone enters lies beyond this one (due dates are bounded closer by the workflow).
LATEST_DATE = datetime.date(2099, 12, 31)
_SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
EARLIEST_DATETIME = datetime.datetime(2000, 1, 1, tzinfo=_SHANGHAI)
LATEST_DATETIME = datetime.datetime(2100, 1, 1, tzinfo=_SHANGHAI)


def _day(value) -> datetime.date:
    # The date as written, before any conversion between zones (which overflows near year 1 and year 9999).
    return value.date() if isinstance(value, datetime.datetime) else value


def bounds_message(label: str, value, *, earliest: datetime.date = EARLIEST_DATE,
                   latest: datetime.date = LATEST_DATE) -> str | None:
    """The Chinese message when `value` (a date or datetime) lies outside [earliest, latest]; None when inside."""
    if value is None:
        return None
    day = _day(value)
    if day < earliest:
        return f"{label}不能早于 {earliest.year} 年 {earliest.month} 月 {earliest.day} 日。"
    if day > latest:
        return f"{label}不能晚于 {latest.year} 年 {latest.month} 月 {latest.day} 日。"
    return None


def check_bounds(value, label: str, *, earliest: datetime.date = EARLIEST_DATE, latest: datetime.date = LATEST_DATE) -> None:
    message = bounds_message(label, value, earliest=earliest, latest=latest)
    if message:
        raise ValidationError(message, code="date_bounds")


class DateBoundsValidator:
    """A field validator (forms and DRF serializers alike): the value within [earliest, latest]."""

    def __init__(self, label: str, *, earliest: datetime.date = EARLIEST_DATE, latest: datetime.date = LATEST_DATE):
        self.label, self.earliest, self.latest = label, earliest, latest

    def __call__(self, value) -> None:
        check_bounds(value, self.label, earliest=self.earliest, latest=self.latest)

    def __eq__(self, other) -> bool:
        return isinstance(other, DateBoundsValidator) and (self.label, self.earliest, self.latest) == (
            other.label, other.earliest, other.latest)

    def deconstruct(self):
        return ("core.dates.DateBoundsValidator", (self.label,), {"earliest": self.earliest, "latest": self.latest})


def date_bounds_q(field: str, *, earliest: datetime.date = EARLIEST_DATE, latest: datetime.date = LATEST_DATE,
                  nullable: bool = False) -> Q:
    """The condition of a CheckConstraint keeping `field` (a DateField) within the bounds."""
    inside = Q(**{f"{field}__gte": earliest, f"{field}__lte": latest})
    return inside | Q(**{f"{field}__isnull": True}) if nullable else inside


def datetime_bounds_q(field: str, *, nullable: bool = False) -> Q:
    """The condition of a CheckConstraint keeping `field` (a DateTimeField) within [2000-01-01, 2100-01-01) +08:00."""
    inside = Q(**{f"{field}__gte": EARLIEST_DATETIME, f"{field}__lt": LATEST_DATETIME})
    return inside | Q(**{f"{field}__isnull": True}) if nullable else inside


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February → 28 February): an upper bound, never a deadline."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
