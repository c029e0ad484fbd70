"""Working days and due instants (SPEC §6).

A date is a working day if it is an official make-up working day (调休上班), or Monday–Friday and not an official
holiday. Only years with an official `CalendarYear` row use their exception dates; any other year falls back to
Monday–Friday and every due instant computed across it is `provisional`.

The calendar is held in memory as a cumulative count of working days per date over 2000-01-01..2099-12-31 (the years a
`CalendarYear` may have), so counting is a subtraction and adding is a bisection. Outside that range Monday–Friday is
counted in closed form, so any date the `datetime` type can hold gives an answer.

Freshness: the copy is loaded on first use (2 queries) and kept per process. A calendar change (made through
`workcalendar.services`, which calls `calendar_changed`) drops this process's copy at once and, on commit, replaces a
token in the shared cache; every process compares its token with the cache at most once per
`settings.WORKDAY_CALENDAR_RECHECK_SECONDS` and reloads when it differs or is missing.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
TABLE_FIRST = date(2000, 1, 1)
TABLE_LAST = date(2099, 12, 31)
VERSION_CACHE_KEY = "qyzj:workdays:version"

_FIRST_ORDINAL = TABLE_FIRST.toordinal()
_LAST_ORDINAL = TABLE_LAST.toordinal()
_MAX_ORDINAL = date.max.toordinal()

# Seconds since an arbitrary point; a module attribute so that tests can move it.
_monotonic = time.monotonic


@dataclass(frozen=True)
class Deadline:
    due: datetime  # aware, 23:59:59 Asia/Shanghai of the last working day
    provisional: bool  # some counted day lies in a year without official data


def _monday_to_friday_up_to(ordinal: int) -> int:
    """Number of Monday–Friday dates with ordinal 1..`ordinal` (ordinal 1, 0001-01-01, is a Monday); extends below 1."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _monday_to_friday_nth(count: int) -> int:
    """The smallest ordinal x with `_monday_to_friday_up_to(x) >= count`."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


class _Calendar:
    """An immutable snapshot of the official calendar, plus when this process last confirmed it is current."""

    def __init__(self, official_years: frozenset[int], exceptions: dict[date, bool], token: str | None):
        self.official_years = official_years
        self.token = token  # None: not confirmed by the shared cache, reload at the next check
        self.checked_at = _monotonic()
        # cumulative[i]: working days in TABLE_FIRST .. TABLE_FIRST + i (inclusive).
        cumulative = []
        total = 0
        day = TABLE_FIRST
        one_day = timedelta(days=1)
        for _ in range(_LAST_ORDINAL - _FIRST_ORDINAL + 1):
            working = exceptions.get(day)
            if working is None:
                working = day.weekday() < 5
            total += working
            cumulative.append(total)
            day += one_day
        self.cumulative = cumulative
        self._below = _monday_to_friday_up_to(_FIRST_ORDINAL - 1)
        self._above = _monday_to_friday_up_to(_LAST_ORDINAL)

    def count_up_to(self, ordinal: int) -> int:
        """Working days from TABLE_FIRST up to and including `ordinal` (0 on the eve of TABLE_FIRST, negative before)."""
        if ordinal < _FIRST_ORDINAL:
            return _monday_to_friday_up_to(ordinal) - self._below
        if ordinal > _LAST_ORDINAL:
            return self.cumulative[-1] + _monday_to_friday_up_to(ordinal) - self._above
        return self.cumulative[ordinal - _FIRST_ORDINAL]

    def ordinal_of_count(self, count: int) -> int:
        """The first date whose `count_up_to` reaches `count`: that date is a working day."""
        if count <= 0:
            return _monday_to_friday_nth(count + self._below)
        if count > self.cumulative[-1]:
            return _monday_to_friday_nth(count - self.cumulative[-1] + self._above)
        return _FIRST_ORDINAL + bisect_left(self.cumulative, count)

    def is_provisional(self, first: date, last: date) -> bool:
        return any(year not in self.official_years for year in range(first.year, last.year + 1))


_calendar: _Calendar | None = None
# Set while this thread has saved a calendar row that is not committed yet (see `_load`).
_uncommitted = threading.local()


def _read_token() -> str | None:
    try:
        return cache.get(VERSION_CACHE_KEY)
    except Exception:  # an unreachable cache must not stop deadlines; reload from the database instead
        logger.warning("无法读取工作日历版本（缓存不可用），将从数据库重新载入。", exc_info=True)
        return None


def _current_token() -> str | None:
    token = _read_token()
    if token is None:
        try:
            cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.warning("无法写入工作日历版本（缓存不可用）。", exc_info=True)
            return None
        token = _read_token()
    return token


def _load() -> _Calendar:
    """Read the calendar (2 queries). The token is read first, so a change committed meanwhile is seen at the next check."""
    from workcalendar.models import CalendarException, CalendarYear

    connection = transaction.get_connection()
    pending = getattr(_uncommitted, "value", False)
    if pending and not connection.in_atomic_block:
        # The transaction that saved the change has ended, committed or rolled back: the database is the truth again.
        _uncommitted.value = pending = False
    token = _current_token()
    official_years = frozenset(
        year
        for year in CalendarYear.objects.filter(official=True).values_list("year", flat=True)
        if TABLE_FIRST.year <= year <= TABLE_LAST.year
    )
    exceptions = {
        day: kind == CalendarException.Kind.WORKDAY
        for day, kind in CalendarException.objects.values_list("date", "kind")
        # Dates of a year not (yet) official are ignored: that year counts Monday–Friday until it is complete.
        if day.year in official_years
    }
    # Loaded inside a transaction holding an uncommitted calendar edit: if that transaction rolls back, nothing would
    # tell this process, so such a copy is only trusted until the next check.
    return _Calendar(official_years, exceptions, token=None if pending else token)


def _get() -> _Calendar:
    global _calendar
    calendar = _calendar
    if calendar is not None:
        now = _monotonic()
        if now - calendar.checked_at >= settings.WORKDAY_CALENDAR_RECHECK_SECONDS:
            token = _read_token()
            if token is not None and token == calendar.token:
                calendar.checked_at = now
            else:
                calendar = None
    if calendar is None:
        calendar = _calendar = _load()
    return calendar


def current_calendar() -> "_Calendar":
    """This process's copy of the calendar (loaded or re-checked as needed). Things derived from the calendar and the
    policies may be kept on it: they are dropped with it when an admin changes either."""
    return _get()


def reload_calendar() -> None:
    """Forget this process's copy; the next call reloads it (tests start from the database this way)."""
    global _calendar
    _calendar = None
    _uncommitted.value = False


def calendar_changed(using: str | None = None) -> None:
    """A calendar row was saved or deleted (workcalendar.services): drop this process's copy now and tell the other
    processes after commit."""
    global _calendar
    _calendar = None
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        _uncommitted.value = True
    transaction.on_commit(_after_commit, using=using)


def _after_commit() -> None:
    global _calendar
    _calendar = None
    _uncommitted.value = False
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.error("无法通知其他进程重新载入工作日历（缓存不可用）；它们将在缓存恢复后重新载入。", exc_info=True)


def _local_date(instant: datetime) -> date:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("需要带时区的时间 / an aware datetime is required")
    return instant.astimezone(LOCAL_TZ).date()


def _end_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LOCAL_TZ)


def is_working_day(day: date) -> bool:
    """A make-up working day, or Monday–Friday and not a holiday (Monday–Friday in years without official data)."""
    calendar = _get()
    ordinal = day.toordinal()
    return calendar.count_up_to(ordinal) - calendar.count_up_to(ordinal - 1) == 1


def add_working_days(instant: datetime, n: int) -> Deadline:
    """Due instant of `n` working days from `instant` (SPEC §6).

    1. Take the Asia/Shanghai date of `instant`; that date never counts.
    2. Find the n-th working day after it.
    3. Due at 23:59:59 local time of that day; provisional if any day after the start up to it lies in a year
       without official data.
    """
    if n < 1:
        raise ValueError(f"工作日数必须至少为 1（收到 {n}）/ n must be >= 1")
    start = _local_date(instant)
    calendar = _get()
    ordinal = calendar.ordinal_of_count(calendar.count_up_to(start.toordinal()) + n)
    # Past 9999-12-31 no date exists; the last one stands in (provisional, as year 9999 has no official data).
    due = date.fromordinal(min(ordinal, _MAX_ORDINAL))
    return Deadline(due=_end_of_day(due), provisional=calendar.is_provisional(start + timedelta(days=1), due))


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days d with local date of `start` < d <= local date of `end`; negative (mirrored) when `end` is earlier."""
    calendar = _get()
    return calendar.count_up_to(_local_date(end).toordinal()) - calendar.count_up_to(_local_date(start).toordinal())


def end_of_working_day(day: date) -> Deadline:
    """Due at 23:59:59 local time of `day` (e.g. the committed date of an extension); provisional if its year is."""
    return Deadline(due=_end_of_day(day), provisional=day.year not in _get().official_years)


def policy_days(clock: str) -> int:
    """Working days of a clock, read from `DeadlinePolicy` on every call (1 query), so an edit applies at once.

    A clock whose row is missing uses the seeded default and logs an error; an unknown clock raises ValueError.
    """
    from workcalendar.models import DeadlinePolicy
    from workcalendar.seed import DEFAULT_POLICIES

    if clock not in DeadlinePolicy.Clock.values:
        raise ValueError(f"未知的时限：{clock!r}")
    days = DeadlinePolicy.objects.filter(clock=clock).values_list("working_days", flat=True).first()
    if days is None:
        logger.error("缺少时限规则 %s，按默认 %s 个工作日计算。", clock, DEFAULT_POLICIES[clock][0])
        return DEFAULT_POLICIES[clock][0]
    return days


def start_clock(clock: str, instant: datetime) -> Deadline:
    """Due instant of `clock` started at `instant`, with the limit the policy has now."""
    return add_working_days(instant, policy_days(clock))
