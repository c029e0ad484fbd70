"""How a running clock stands, in the words a clerk would use (SPEC §6). Overdue is derived at read time.

One rule for "可能超期" serves the screens (the `due` tag) and the deadline sweep: a clock is in its warning period
when at most the policy's `warning_working_days` working days are left (0: never warned), and overdue once its due
instant has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from workcalendar.models import DeadlinePolicy
from workcalendar import workdays
from workcalendar.workdays import working_days_between

DEFAULT_WARNING_DAYS = 1


@dataclass(frozen=True)
class Clock:
    name: str  # triage / sign / handle / callback / supervision_answer
    label: str  # 研判 / 签收 / 办理 / 回访 / 回复
    due: datetime
    provisional: bool
    policy: str = ""  # the DeadlinePolicy clock whose warning days apply (handle_complaint …)


@dataclass(frozen=True)
class DueStatus:
    level: str  # normal / warning / overdue
    text: str  # as a person says it: 剩余 2 个工作日, 今日到期, 已超期 3 个工作日
    due: datetime
    provisional: bool


def warning_days_table() -> dict[str, int]:
    """Warning working days of every policy clock: one query per process and calendar version (an admin's change of
    a policy or the calendar replaces both, workcalendar.services), then none per page."""
    calendar = workdays.current_calendar()
    table = getattr(calendar, "warning_days", None)
    if table is None:
        table = calendar.warning_days = dict(DeadlinePolicy.objects.values_list("clock", "warning_working_days"))
    return table


def warning_days(policy: str) -> int:
    value = DeadlinePolicy.objects.filter(clock=policy).values_list("warning_working_days", flat=True).first()
    return DEFAULT_WARNING_DAYS if value is None else value


def classify(now: datetime, due: datetime, warn_days: int) -> str | None:
    """"overdue" past the due instant; "warning" within `warn_days` working days of it (never when 0); else None."""
    if now > due:
        return "overdue"
    if warn_days >= 1 and working_days_between(now, due) <= warn_days:
        return "warning"
    return None


def due_status(clock: Clock | None, *, now: datetime | None = None, warn_days: int | None = None) -> DueStatus | None:
    """How a running clock stands.

    Working days left counts the working days after today up to the due date; the due day itself being today reads
    今日到期. The level is `classify`'s, with the warning days of the clock's policy unless `warn_days` is given.
    """
    if clock is None:
        return None
    now = now or timezone.now()
    if warn_days is None:
        warn_days = warning_days(clock.policy) if clock.policy else DEFAULT_WARNING_DAYS
    level = classify(now, clock.due, warn_days) or "normal"
    if level == "overdue":
        late = working_days_between(clock.due, now)
        text = f"已超期 {late} 个工作日" if late > 0 else "已超期"
    elif timezone.localdate(now) == timezone.localdate(clock.due):
        text = "今日到期"
    else:
        text = f"剩余 {working_days_between(now, clock.due)} 个工作日"
    return DueStatus(level, text, clock.due, clock.provisional)


@dataclass(frozen=True)
class DueWindows:
    """The bounds a workbench groups running dues by: overdue before `now`, due today up to `today_end`, due this
    (calendar) week up to `week_end` (Sunday's end, local time), later after that."""

    now: datetime
    today_end: datetime
    week_end: datetime

    def bucket(self, due: datetime | None) -> str:
        if due is None:
            return "later"
        if due < self.now:
            return "overdue"
        if due <= self.today_end:
            return "today"
        if due <= self.week_end:
            return "week"
        return "later"


DUE_BUCKETS = (("overdue", "已超期"), ("today", "今日到期"), ("week", "本周到期"), ("later", "以后到期"))


def due_windows(now: datetime | None = None) -> DueWindows:
    now = now or timezone.now()
    today = timezone.localdate(now)
    year, week, _weekday = today.isocalendar()
    return DueWindows(
        now=now,
        today_end=workdays.end_of_working_day(today).due,
        week_end=workdays.end_of_working_day(date.fromisocalendar(year, week, 7)).due,
    )
