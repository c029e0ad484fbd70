"""The working-day engine (SPEC §6), its calendar seed and its cache invalidation."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from workcalendar import workdays
from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy
from workcalendar.seed import DEFAULT_POLICIES, seed_calendar
from workcalendar.services import (
    calendar_exception_delete,
    calendar_exception_save,
    calendar_year_delete,
    calendar_year_save,
)
from workcalendar.workdays import (
    Deadline,
    add_working_days,
    end_of_working_day,
    is_working_day,
    policy_days,
    start_clock,
    working_days_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(y, m, d, hour=10, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def due(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=SHANGHAI)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def isolated_calendar(settings, monkeypatch):
    """Own cache, own monotonic clock, and no in-process copy left over from another test's (rolled back) data."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "workdays-tests"}}
    settings.WORKDAY_CALENDAR_RECHECK_SECONDS = 30
    cache.clear()
    clock = FakeClock()
    monkeypatch.setattr(workdays, "_monotonic", clock)
    workdays.reload_calendar()
    yield clock
    workdays.reload_calendar()


# --- SPEC examples and the 2026 holiday blocks ----------------------------------------------------------------------


def test_spec_example_friday_plus_one_is_the_sunday_make_up_day():
    deadline = add_working_days(at(2026, 9, 18, 10), 1)

    assert deadline == Deadline(due=due(2026, 9, 20), provisional=False)
    local = deadline.due.astimezone(SHANGHAI)
    assert (local.date(), local.time()) == (date(2026, 9, 20), time(23, 59, 59))
    assert deadline.due.utcoffset() == timedelta(hours=8)


def test_spec_example_eve_of_national_day_plus_two_is_october_9():
    assert add_working_days(at(2026, 9, 30, 15), 2) == Deadline(due=due(2026, 10, 9), provisional=False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # New Year: 1–3 Jan off, Sunday 4 Jan worked.
        (at(2025, 12, 31), 1, due(2026, 1, 4)),
        (at(2025, 12, 31), 2, due(2026, 1, 5)),
        # Spring Festival: 15–23 Feb off, Saturdays 14 and 28 Feb worked.
        (at(2026, 2, 13), 1, due(2026, 2, 14)),
        (at(2026, 2, 13), 2, due(2026, 2, 24)),
        (at(2026, 2, 14), 1, due(2026, 2, 24)),
        (at(2026, 2, 27), 1, due(2026, 2, 28)),
        (at(2026, 2, 27), 2, due(2026, 3, 2)),
        # Qingming: 4–6 Apr off.
        (at(2026, 4, 3), 1, due(2026, 4, 7)),
        # Labour Day: 1–5 May off, Saturday 9 May worked.
        (at(2026, 4, 30), 1, due(2026, 5, 6)),
        (at(2026, 5, 8), 1, due(2026, 5, 9)),
        (at(2026, 5, 8), 2, due(2026, 5, 11)),
        # Dragon Boat: 19–21 Jun off.
        (at(2026, 6, 18), 1, due(2026, 6, 22)),
        # Mid-autumn: 25–27 Sep off.
        (at(2026, 9, 24), 1, due(2026, 9, 28)),
        # National Day: 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked.
        (at(2026, 9, 19), 1, due(2026, 9, 20)),
        (at(2026, 9, 30), 1, due(2026, 10, 8)),
        (at(2026, 10, 9), 1, due(2026, 10, 10)),
        (at(2026, 10, 9), 2, due(2026, 10, 12)),
    ],
)
def test_2026_holiday_blocks_and_make_up_days(start, n, expected):
    assert add_working_days(start, n) == Deadline(due=expected, provisional=False)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # Thursday, New Year
        (date(2026, 1, 4), True),  # Sunday, make-up
        (date(2026, 2, 14), True),  # Saturday, make-up
        (date(2026, 2, 16), False),  # Monday, Spring Festival
        (date(2026, 2, 28), True),  # Saturday, make-up
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 11), True),  # an ordinary Wednesday
        (date(2026, 5, 9), True),  # Saturday, make-up
        (date(2026, 10, 7), False),  # Wednesday, National Day
        (date(2026, 10, 10), True),  # Saturday, make-up
        (date(2027, 1, 1), True),  # Friday of a year without official data: Monday–Friday
        (date(2027, 1, 2), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_whole_packaged_calendar_agrees_with_chinesecalendar():
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert is_working_day(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_adding_agrees_with_stepping_day_by_day():
    rng = random.Random(20260918)
    for _ in range(300):
        start = date(2004, 1, 1) + timedelta(days=rng.randrange(0, 8000))
        n = rng.randint(1, 30)
        day, left = start, n
        while left:
            day += timedelta(days=1)
            left -= is_working_day(day)
        if day.year > 2026:
            continue
        assert add_working_days(at(start.year, start.month, start.day, 9), n).due == due(day.year, day.month, day.day)


def test_start_date_is_that_of_shanghai_when_utc_is_still_the_day_before():
    # 16:30 UTC on 17 Sep is 00:30 on Friday 18 Sep in Shanghai: 1 working day ends on the make-up Sunday 20 Sep.
    late_utc = datetime(2026, 9, 17, 16, 30, tzinfo=UTC)

    assert add_working_days(late_utc, 1) == Deadline(due=due(2026, 9, 20), provisional=False)
    # 15:59 UTC on 17 Sep is still Thursday 23:59 in Shanghai.
    assert add_working_days(datetime(2026, 9, 17, 15, 59, tzinfo=UTC), 1).due == due(2026, 9, 18)


def test_naive_instant_is_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 9, 18, 10), 1)


@pytest.mark.parametrize("n", [0, -1])
def test_less_than_one_working_day_is_refused(n):
    with pytest.raises(ValueError):
        add_working_days(at(2026, 9, 18), n)


# --- Years without official data ------------------------------------------------------------------------------------


def test_deadline_running_into_2027_is_provisional_and_counts_monday_to_friday():
    assert not CalendarYear.objects.filter(year=2027, official=True).exists()

    # 1 Jan 2027 is a Friday: without official data it counts as a working day.
    assert add_working_days(at(2026, 12, 31), 1) == Deadline(due=due(2027, 1, 1), provisional=True)
    assert add_working_days(at(2026, 12, 31), 2) == Deadline(due=due(2027, 1, 4), provisional=True)
    # Ending on the last day of 2026 crosses only official days.
    assert add_working_days(at(2026, 12, 30), 1) == Deadline(due=due(2026, 12, 31), provisional=False)


def test_dates_typed_into_a_year_not_yet_official_are_not_used():
    year = CalendarYear.objects.create(year=2027, official=False)
    CalendarException.objects.create(calendar_year=year, date=date(2027, 1, 1), kind="holiday", name="元旦")

    assert add_working_days(at(2026, 12, 31), 1) == Deadline(due=due(2027, 1, 1), provisional=True)


def test_marking_2027_official_with_a_holiday_changes_the_result_at_once():
    assert add_working_days(at(2026, 12, 31), 1) == Deadline(due=due(2027, 1, 1), provisional=True)
    year = CalendarYear.objects.create(year=2027, official=False)
    CalendarException.objects.create(calendar_year=year, date=date(2027, 1, 1), kind="holiday", name="元旦")

    year.official = True
    calendar_year_save(year=year)

    assert add_working_days(at(2026, 12, 31), 1) == Deadline(due=due(2027, 1, 4), provisional=False)
    assert is_working_day(date(2027, 1, 1)) is False


def test_editing_an_exception_takes_effect():
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)
    make_up = CalendarException.objects.get(date=date(2026, 9, 20))

    make_up.date = date(2026, 9, 19)
    calendar_exception_save(exception=make_up)

    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 19)


def test_deleting_an_exception_takes_effect():
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)

    calendar_exception_delete(exception=CalendarException.objects.get(date=date(2026, 9, 20)))

    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 21)


def test_deleting_the_official_year_falls_back_to_monday_to_friday():
    assert add_working_days(at(2026, 9, 30), 2) == Deadline(due=due(2026, 10, 9), provisional=False)
    calendar_year_delete(year=CalendarYear.objects.get(year=2026))

    assert add_working_days(at(2026, 9, 30), 2) == Deadline(due=due(2026, 10, 2), provisional=True)


# --- Other processes: the shared version token ----------------------------------------------------------------------


def test_change_by_another_process_is_seen_after_the_recheck_interval(isolated_calendar):
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)
    # Another process changes the row (no signal here) and bumps the shared token on commit.
    CalendarException.objects.filter(date=date(2026, 9, 20)).update(kind="holiday")
    cache.set(workdays.VERSION_CACHE_KEY, "changed elsewhere", timeout=None)

    isolated_calendar.now += 29
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)  # trusted for 30 s
    isolated_calendar.now += 1
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 21)


def test_cleared_shared_cache_makes_processes_reload(isolated_calendar):
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)
    CalendarException.objects.filter(date=date(2026, 9, 20)).update(kind="holiday")
    cache.clear()

    isolated_calendar.now += 30
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 21)


def test_cache_is_asked_at_most_once_per_interval(isolated_calendar, monkeypatch):
    add_working_days(at(2026, 9, 18), 1)
    reads = []
    real_read = workdays._read_token
    monkeypatch.setattr(workdays, "_read_token", lambda: reads.append(1) or real_read())

    for _ in range(1000):
        add_working_days(at(2026, 9, 18), 1)
    assert reads == []
    isolated_calendar.now += 30
    for _ in range(1000):
        add_working_days(at(2026, 9, 18), 1)
    assert reads == [1]


def test_committed_change_replaces_the_shared_token(django_capture_on_commit_callbacks):
    add_working_days(at(2026, 9, 18), 1)
    before = cache.get(workdays.VERSION_CACHE_KEY)
    assert before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_exception_delete(exception=CalendarException.objects.get(date=date(2026, 9, 20)))

    assert callbacks
    assert cache.get(workdays.VERSION_CACHE_KEY) not in (None, before)


def test_rolled_back_change_leaves_no_stale_calendar(isolated_calendar, django_capture_on_commit_callbacks):
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)
    before = cache.get(workdays.VERSION_CACHE_KEY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            calendar_exception_delete(exception=CalendarException.objects.get(date=date(2026, 9, 20)))
            # Read inside the transaction: sees its own uncommitted change.
            assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 21)
            raise RuntimeError("rolled back")

    assert callbacks == []
    assert cache.get(workdays.VERSION_CACHE_KEY) == before  # other processes are not disturbed
    isolated_calendar.now += 30
    assert add_working_days(at(2026, 9, 18), 1).due == due(2026, 9, 20)


# --- Counting -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 9, 18, 10), at(2026, 9, 18, 23), 0),
        (at(2026, 9, 18, 10), at(2026, 9, 20, 9), 1),  # Saturday off, make-up Sunday counts
        (at(2026, 9, 18, 10), at(2026, 9, 19, 9), 0),
        # Spring Festival: make-up 14 Feb, then 24–27 Feb (Monday–Friday alone would give 10).
        (at(2026, 2, 13), at(2026, 2, 27), 5),
        (at(2026, 2, 27), at(2026, 2, 13), -5),
        (at(2026, 9, 30), at(2026, 10, 9), 2),
        (at(2026, 10, 9), at(2026, 9, 30), -2),
        # Into 2027, Monday–Friday.
        (at(2026, 12, 30), at(2027, 1, 8), 7),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_uses_shanghai_dates():
    # 16:30 UTC on Thursday 17 Sep is already Friday in Shanghai: Friday does not count from itself.
    assert working_days_between(datetime(2026, 9, 17, 16, 30, tzinfo=UTC), at(2026, 9, 18, 20)) == 0
    assert working_days_between(datetime(2026, 9, 17, 15, 30, tzinfo=UTC), at(2026, 9, 18, 20)) == 1


def test_counting_back_what_was_added():
    start = at(2026, 1, 1, 8)
    for n in (1, 2, 5, 10, 15, 30, 200):
        assert working_days_between(start, add_working_days(start, n).due) == n


@pytest.mark.parametrize(
    ("first", "last"), [(date(1999, 12, 20), date(2000, 1, 12)), (date(2099, 12, 20), date(2100, 1, 12))]
)
def test_counting_across_the_ends_of_the_table_is_monday_to_friday(first, last):
    expected = sum(1 for i in range(1, (last - first).days + 1) if (first + timedelta(days=i)).weekday() < 5)
    start = at(first.year, first.month, first.day)
    end = at(last.year, last.month, last.day)

    assert working_days_between(start, end) == expected
    assert add_working_days(start, expected).due == due(last.year, last.month, last.day)


# --- Extremes and helpers -------------------------------------------------------------------------------------------


def test_extreme_dates_do_not_raise():
    assert add_working_days(at(1900, 1, 1), 1) == Deadline(due=due(1900, 1, 2), provisional=True)
    assert add_working_days(at(1900, 1, 1), 365).provisional is True
    assert add_working_days(at(9998, 12, 31), 200) == Deadline(due=due(9999, 10, 7), provisional=True)
    # Past the last date Python can represent, the last date stands in.
    assert add_working_days(at(9998, 12, 31), 365) == Deadline(due=due(9999, 12, 31), provisional=True)
    assert add_working_days(at(9998, 12, 30), 1) == Deadline(due=due(9998, 12, 31), provisional=True)
    assert is_working_day(date(1900, 1, 6)) is False  # Saturday
    assert is_working_day(date(9998, 12, 31)) is True  # Thursday
    assert working_days_between(at(1900, 1, 1), at(9998, 12, 31)) > 2_000_000
    assert working_days_between(at(9998, 12, 31), at(1900, 1, 1)) < -2_000_000
    assert end_of_working_day(date(9998, 12, 31)) == Deadline(due=due(9998, 12, 31), provisional=True)


def test_end_of_working_day():
    assert end_of_working_day(date(2026, 10, 9)) == Deadline(due=due(2026, 10, 9), provisional=False)
    assert end_of_working_day(date(2027, 3, 1)) == Deadline(due=due(2027, 3, 1), provisional=True)


def test_loading_takes_two_queries_and_then_none(django_assert_num_queries):
    with django_assert_num_queries(2):
        add_working_days(at(2026, 9, 18), 1)

    with django_assert_num_queries(0):
        for i in range(1000):
            instant = at(2026, 1, 1) + timedelta(days=i % 365)
            add_working_days(instant, 1 + i % 15)
            working_days_between(instant, at(2026, 12, 31))
            is_working_day(instant.date())
            end_of_working_day(instant.date())


# --- Policies -------------------------------------------------------------------------------------------------------


def test_policy_days_are_the_seeded_limits():
    assert {clock: policy_days(clock) for clock in DEFAULT_POLICIES} == {
        "triage": 1,
        "sign": 2,
        "handle_consultation": 1,
        "handle_coordination": 10,
        "handle_coordination_complex": 15,
        "handle_complaint": 5,
        "handle_complaint_complex": 15,
        "callback": 5,
        "supervision_answer": 2,
    }


def test_start_clock_uses_the_current_policy():
    assert start_clock("sign", at(2026, 9, 30, 15)) == Deadline(due=due(2026, 10, 9), provisional=False)

    DeadlinePolicy.objects.filter(clock="sign").update(working_days=3)

    assert start_clock("sign", at(2026, 9, 30, 15)).due == due(2026, 10, 10)


def test_missing_policy_row_falls_back_to_the_default():
    DeadlinePolicy.objects.filter(clock="callback").delete()

    assert policy_days("callback") == 5


def test_unknown_clock_is_refused():
    with pytest.raises(ValueError):
        policy_days("lunch")


# --- Seed data ------------------------------------------------------------------------------------------------------


def test_migration_seeded_every_packaged_year_in_chinese():
    years = CalendarYear.objects.filter(official=True)
    assert sorted(years.values_list("year", flat=True)) == list(range(2004, 2027))
    assert set(years.values_list("source", flat=True)) == {"国务院办公厅通知（chinesecalendar 1.11.0）"}
    from chinese_calendar.constants import holidays
    from chinese_calendar.constants import workdays as make_up_days

    assert CalendarException.objects.filter(kind="holiday").count() == len(holidays)
    assert CalendarException.objects.filter(kind="workday").count() == len(make_up_days)
    names = dict(CalendarException.objects.filter(date__year=2026).values_list("date", "name"))
    assert names[date(2026, 1, 1)] == "元旦"
    assert names[date(2026, 2, 14)] == "春节"
    assert names[date(2026, 4, 4)] == "清明节"
    assert names[date(2026, 5, 9)] == "劳动节"
    assert names[date(2026, 6, 19)] == "端午节"
    assert names[date(2026, 9, 25)] == "中秋节"
    assert names[date(2026, 10, 10)] == "国庆节"
    assert CalendarException.objects.get(date=date(2015, 9, 3)).name == "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"
    assert not CalendarException.objects.filter(name__regex=r"[A-Za-z]").exists()
    assert all(e.date.year == e.calendar_year.year for e in CalendarException.objects.select_related("calendar_year"))


def test_migration_seeded_policies():
    rows = {p.clock: (p.working_days, p.warning_working_days, p.basis) for p in DeadlinePolicy.objects.all()}
    assert rows == {
        "triage": (1, 1, "§4.2.1(1)"),
        "sign": (2, 1, "§4.3.1"),
        "handle_consultation": (1, 1, "§4.4.1(1)"),
        "handle_coordination": (10, 1, "§4.4.1(2)"),
        "handle_coordination_complex": (15, 1, "§4.4.1(2)"),
        "handle_complaint": (5, 1, "§4.4.1(3)"),
        "handle_complaint_complex": (15, 1, "§4.4.1(3)"),
        "callback": (5, 1, "§4.7.1"),
        "supervision_answer": (2, 1, "SPEC §6"),
    }


def test_seeding_again_keeps_what_admins_changed_in_official_years():
    CalendarException.objects.filter(date=date(2026, 10, 10)).update(name="国庆节调休")
    CalendarException.objects.filter(date=date(2026, 9, 20)).delete()
    count = CalendarException.objects.count()

    result = seed_calendar(CalendarYear, CalendarException)

    assert result.years_kept == list(range(2004, 2027))
    assert result.dates_written == 0
    assert CalendarException.objects.count() == count
    assert CalendarException.objects.get(date=date(2026, 10, 10)).name == "国庆节调休"


def test_seeding_completes_a_year_not_yet_official():
    CalendarYear.objects.filter(year=2026).update(official=False, source="")
    CalendarException.objects.filter(date=date(2026, 10, 10)).update(kind="holiday", name="误录")
    CalendarException.objects.filter(date=date(2026, 9, 20)).delete()

    result = seed_calendar(CalendarYear, CalendarException)

    assert result.years_completed == [2026]
    year = CalendarYear.objects.get(year=2026)
    assert year.official is True
    assert year.source == "国务院办公厅通知（chinesecalendar 1.11.0）"
    assert CalendarException.objects.get(date=date(2026, 10, 10)).kind == "workday"
    assert CalendarException.objects.get(date=date(2026, 9, 20)).name == "国庆节"


def test_seed_command_is_safe_to_run_twice(capsys):
    CalendarYear.objects.filter(year=2025).delete()
    DeadlinePolicy.objects.filter(clock="callback").delete()
    DeadlinePolicy.objects.filter(clock="sign").update(working_days=4)

    call_command("seed_calendar")
    first = capsys.readouterr().out
    call_command("seed_calendar")
    second = capsys.readouterr().out

    assert "新建年份：2025" in first
    assert "新建时限规则：callback" in first
    assert "新建年份：无" in second
    assert "写入日期：0 条" in second
    assert CalendarYear.objects.get(year=2025).official is True
    assert DeadlinePolicy.objects.get(clock="sign").working_days == 4
    assert add_working_days(at(2025, 9, 26), 1).due == due(2025, 9, 28)  # make-up Sunday, 2025 is back
