"""Provisional due instants made final when a year's official calendar is entered or corrected (SPEC §6).

A due instant counted over a year without official data assumed Monday–Friday for it and was marked provisional. When an
admin marks the year official (or edits its dates while it is official), every open provisional due instant over that
year is counted again: the same number of working days, as counted by the calendar it was computed with, from the same
start, with the calendar as it is now. The provisional flag follows the new count, and a timeline entry records the
change (old → new due).

Which due instants exist is not known here: each app that stores them declares its `ProvisionalClock`s in its
AppConfig (`provisional_clocks`), and may ask to hear of a due that moved earlier (`after_provisional_recount`, the
deadline sweep looks back to it). So the calendar depends on no app that counts over it.

Entry points: every calendar change goes through `workcalendar.services.calendar_edit`, which takes a snapshot of each
changed year before its first change in a transaction and recomputes after commit; `python manage.py
recompute_provisional_deadlines --year YYYY` does the same for a year that was counted Monday–Friday.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from workcalendar.models import CalendarException, CalendarYear
from workcalendar.workdays import LOCAL_TZ, Deadline, add_working_days, end_of_working_day, is_working_day

logger = logging.getLogger(__name__)

# year → (official then, {date: is a working day}) as the calendar stood before the change.
YearSnapshot = dict[int, tuple[bool, dict[date, bool]]]


def _never(row: Any) -> bool:
    return False


def _no_prefix(row: Any) -> str:
    return ""


@dataclass(frozen=True)
class ProvisionalClock:
    """One kind of due instant stored on a model, that may have been counted over a year without official data.

    `rows()` gives the open rows whose due is provisional; `start(row)` when the clock started (None: cannot be
    recounted); `still(row)` the conditions under which the row may still be changed (beside its id and old due, e.g.
    its state); `describe(row)` how the summary names it ("工单 GD… 签收期限"); `record(row, note, now)` writes the
    timeline entry; `committed(row)` tells a date someone committed to (an approved extension), which stands and only
    loses its flag; `note_prefix(row)` starts the timeline note ("督办 DB… "); `mirror_fields` hold a copy of the due
    that moves with it (a ticket's `current_due_at`).
    """

    model: type[models.Model]
    label: str
    due_field: str
    flag_field: str
    rows: Callable[[], Iterable[Any]]
    start: Callable[[Any], datetime | None]
    still: Callable[[Any], dict]
    describe: Callable[[Any], str]
    record: Callable[[Any, str, datetime], None]
    committed: Callable[[Any], bool] = _never
    note_prefix: Callable[[Any], str] = _no_prefix
    mirror_fields: tuple[str, ...] = ()


def registered_clocks() -> list[ProvisionalClock]:
    """The clocks every installed app declares (AppConfig.provisional_clocks), in INSTALLED_APPS order."""
    clocks: list[ProvisionalClock] = []
    for config in apps.get_app_configs():
        path = getattr(config, "provisional_clocks", "")
        if path:
            clocks.extend(import_string(path)())
    return clocks


def _moved_earlier(earliest: datetime) -> None:
    for config in apps.get_app_configs():
        path = getattr(config, "after_provisional_recount", "")
        if path:
            import_string(path)(earliest)


@dataclass
class RecomputeResult:
    changed: int = 0
    confirmed: int = 0  # same due instant, only the provisional flag cleared
    items: list[str] = field(default_factory=list)


def _local_date(instant: datetime) -> date:
    return timezone.localtime(instant, LOCAL_TZ).date()


def _fmt(instant: datetime) -> str:
    return f"{timezone.localtime(instant, LOCAL_TZ):%Y-%m-%d %H:%M}"


def old_calendar(snapshot: YearSnapshot) -> Callable[[date], bool]:
    """Whether a date was a working day before the change: the snapshot for the changed years, today's calendar otherwise."""

    def working(day: date) -> bool:
        if day.year in snapshot:
            official, exceptions = snapshot[day.year]
            if official and day in exceptions:
                return exceptions[day]
            return day.weekday() < 5
        return is_working_day(day)

    return working


def _count(working: Callable[[date], bool], start: datetime, due: datetime) -> int:
    """Working days d with local date of start < d <= local date of due."""
    day, last, total = _local_date(start) + timedelta(days=1), _local_date(due), 0
    while day <= last:
        total += working(day)
        day += timedelta(days=1)
    return total


def _spans(years: set[int], start: datetime, due: datetime) -> bool:
    return any(_local_date(start).year <= year <= _local_date(due).year for year in years)


def _recount(working, start: datetime | None, due: datetime) -> Deadline | None:
    if start is None:
        return None
    days = _count(working, start, due)
    if days < 1:
        return None
    return add_working_days(start, days)


def _note(label: str, old: datetime, new: Deadline, years: Iterable[int]) -> str:
    why = "、".join(f"{year} 年" for year in sorted(years)) + "节假日安排已更新"
    if new.due == old:
        text = f"{label}期限 {_fmt(old)} 按正式节假日安排确认不变"
    else:
        text = f"{label}期限由 {_fmt(old)} 调整为 {_fmt(new.due)}"
    return f"{text}{'（仍为暂定）' if new.provisional else ''}（{why}）。"


def recompute_provisional(*, years: Iterable[int], working_before: Callable[[date], bool], now: datetime | None = None) -> RecomputeResult:
    """Count every open provisional due instant over `years` again (see the module docstring)."""
    years = set(years)
    now = now or timezone.now()
    result = RecomputeResult()
    earliest: list[datetime] = []

    def record(new: Deadline, old: datetime, what: str) -> None:
        if new.due == old:
            result.confirmed += 1
        else:
            result.changed += 1
            earliest.append(new.due)
        result.items.append(f"{what}：{_fmt(old)} → {_fmt(new.due)}{'（暂定）' if new.provisional else ''}")

    with transaction.atomic():
        for clock in registered_clocks():
            for row in clock.rows():
                old = getattr(row, clock.due_field)
                start = clock.start(row)
                if start is None or not _spans(years, start, old):
                    continue
                if clock.committed(row):
                    new = end_of_working_day(_local_date(old))
                else:
                    new = _recount(working_before, start, old)
                if new is None or (new.due == old and new.provisional):
                    continue
                updated = clock.model.objects.filter(pk=row.pk, **{clock.due_field: old}, **clock.still(row)).update(
                    **{clock.due_field: new.due, clock.flag_field: new.provisional},
                    **{name: new.due for name in clock.mirror_fields},
                )
                if updated:
                    clock.record(row, clock.note_prefix(row) + _note(clock.label, old, new, years), now)
                    record(new, old, clock.describe(row))
        if earliest:
            # A due instant moved earlier than a reader may have looked (the sweep's window): tell those who care.
            _moved_earlier(min(earliest))
    return result


# --- the automatic entry point: workcalendar.services.calendar_edit -------------------------------------------------------------------
_pending = threading.local()


@dataclass
class _Pending:
    marker: object  # the outermost atomic block of the transaction that holds the change (None in autocommit)
    snapshot: YearSnapshot = field(default_factory=dict)
    scheduled: bool = False


def _current_marker(using: str | None):
    connection = transaction.get_connection(using)
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def _pending_for(using: str | None) -> _Pending:
    marker = _current_marker(using)
    pending = getattr(_pending, "value", None)
    if pending is None or marker is None or pending.marker is not marker:
        pending = _pending.value = _Pending(marker=marker)
    return pending


def snapshot_years(years: Iterable[int], using: str | None = None) -> None:
    """Before a calendar row changes: remember how its years stood, once per transaction."""
    pending = _pending_for(using)
    for year in set(years):
        if year in pending.snapshot:
            continue
        row = CalendarYear.objects.using(using or "default").filter(year=year).values_list("official", flat=True).first()
        official = bool(row)
        exceptions = {}
        if official:
            exceptions = {
                day: kind == CalendarException.Kind.WORKDAY
                for day, kind in CalendarException.objects.using(using or "default")
                .filter(date__year=year).values_list("date", "kind")
            }
        pending.snapshot[year] = (official, exceptions)


def schedule_recompute(using: str | None = None) -> None:
    """After a calendar row changed: recompute once, when the transaction commits."""
    pending = getattr(_pending, "value", None)
    if pending is None or pending.scheduled or pending.marker is not _current_marker(using):
        return
    pending.scheduled = True

    def run() -> None:
        if getattr(_pending, "value", None) is pending:
            _pending.value = None
        try:
            result = recompute_provisional(years=pending.snapshot.keys(), working_before=old_calendar(pending.snapshot))
        except Exception:  # the calendar change is committed; a failed recount is logged and can be re-run by command
            logger.exception("重新计算暂定期限失败（年份 %s），可运行 recompute_provisional_deadlines 重试。", sorted(pending.snapshot))
            return
        if result.changed or result.confirmed:
            logger.info("暂定期限已重新计算：调整 %s 项，确认 %s 项。", result.changed, result.confirmed)

    transaction.on_commit(run, using=using)
