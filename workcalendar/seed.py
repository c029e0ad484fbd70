"""Seed data of the working-day calendar and the deadline policies (SPEC §6).

The functions take model classes so that the data migration can pass historical models and the `seed_calendar`
management command the real ones (whose signals then refresh the in-memory calendar).

Rule for years already in the database: a year marked `official` belongs to the admins and is never touched again, not
even to re-add a date they deleted. A year present but not yet official (an admin started typing it in) is completed
from the package: every packaged date is created or overwritten by date, then the year is marked official. Dates an
admin added that the package does not know are left alone.
"""

from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version

# English names used by chinesecalendar → the names of the State Council notices.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# clock → (working days, basis); the warning always starts 1 working day ahead (SPEC §6).
DEFAULT_POLICIES = {
    "triage": (1, "§4.2.1(1)"),
    "sign": (2, "§4.3.1"),
    "handle_consultation": (1, "§4.4.1(1)"),
    "handle_coordination": (10, "§4.4.1(2)"),
    "handle_coordination_complex": (15, "§4.4.1(2)"),
    "handle_complaint": (5, "§4.4.1(3)"),
    "handle_complaint_complex": (15, "§4.4.1(3)"),
    "callback": (5, "§4.7.1"),
    "supervision_answer": (2, "SPEC §6"),
}
DEFAULT_WARNING_WORKING_DAYS = 1


@dataclass
class CalendarSeedResult:
    years_created: list[int]
    years_completed: list[int]
    years_kept: list[int]
    dates_written: int


def package_source() -> str:
    try:
        package_version = version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        package_version = "?"
    return f"国务院办公厅通知（chinesecalendar {package_version}）"


def holiday_name_zh(english: str) -> str:
    """The Chinese name of a chinesecalendar holiday; a name added by a newer package falls back to its own translation."""
    if english in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[english]
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def packaged_calendar() -> dict[int, list[tuple[date, str, str]]]:
    """Year → [(date, kind, Chinese name)] for every year chinesecalendar covers."""
    from chinese_calendar.constants import holidays, workdays

    by_year: dict[int, list[tuple[date, str, str]]] = {}
    for kind, dates in (("holiday", holidays), ("workday", workdays)):
        for day, english in dates.items():
            by_year.setdefault(day.year, []).append((day, kind, holiday_name_zh(english)))
    for rows in by_year.values():
        rows.sort()
    return dict(sorted(by_year.items()))


def seed_calendar(calendar_year_model, calendar_exception_model) -> CalendarSeedResult:
    """Load the official dates of chinesecalendar. Safe to run again: official years are kept as they are."""
    source = package_source()
    result = CalendarSeedResult(years_created=[], years_completed=[], years_kept=[], dates_written=0)
    existing = {row.year: row for row in calendar_year_model.objects.all()}
    for year, rows in packaged_calendar().items():
        calendar_year = existing.get(year)
        if calendar_year is not None and calendar_year.official:
            result.years_kept.append(year)
            continue
        if calendar_year is None:
            calendar_year = calendar_year_model.objects.create(year=year, official=False, source=source)
            result.years_created.append(year)
        else:
            result.years_completed.append(year)
        for day, kind, name in rows:
            calendar_exception_model.objects.update_or_create(
                date=day, defaults={"calendar_year": calendar_year, "kind": kind, "name": name}
            )
            result.dates_written += 1
        # Marked official only once all its dates are in, so no process computes with half a year.
        calendar_year.official = True
        calendar_year.source = source
        calendar_year.save(update_fields=["official", "source"])
    return result


def seed_policies(deadline_policy_model) -> list[str]:
    """Create the missing deadline policies; existing values are never changed.

    Returns the clocks that were created.
    """
    created = []
    for clock, (working_days, basis) in DEFAULT_POLICIES.items():
        _, was_created = deadline_policy_model.objects.get_or_create(
            clock=clock,
            defaults={"working_days": working_days, "warning_working_days": DEFAULT_WARNING_WORKING_DAYS, "basis": basis},
        )
        if was_created:
            created.append(clock)
    return created
