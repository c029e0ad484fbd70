"""Admin of the working-day calendar, the deadline policies and the workflow settings."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from workcalendar import workdays
from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DUPLICATE_IN_FORM = "同一日期在本次填写中出现了不止一次"


@pytest.fixture(autouse=True)
def isolated_calendar(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "admin-tests"}}
    workdays.reload_calendar()
    yield
    workdays.reload_calendar()


@pytest.fixture
def year_2027():
    year = CalendarYear.objects.create(year=2027, official=True, source="国办发明电〔2026〕")
    CalendarException.objects.create(calendar_year=year, date=date(2027, 1, 1), kind="holiday", name="元旦")
    return year


def inline_post(calendar_year: CalendarYear | None, rows: list[dict], **parent) -> dict:
    """POST data of the CalendarYear form: its existing dates unchanged, then `rows` as new lines."""
    existing = list(calendar_year.exceptions.order_by("date")) if calendar_year else []
    data = {
        "official": "on",
        "source": "测试",
        "exceptions-TOTAL_FORMS": str(len(existing) + len(rows)),
        "exceptions-INITIAL_FORMS": str(len(existing)),
        "exceptions-MIN_NUM_FORMS": "0",
        "exceptions-MAX_NUM_FORMS": "1000",
        "_save": "保存",
        **parent,
    }
    for i, row in enumerate(existing):
        data.update(
            {
                f"exceptions-{i}-id": str(row.pk),
                f"exceptions-{i}-calendar_year": str(calendar_year.pk),
                f"exceptions-{i}-date": row.date.isoformat(),
                f"exceptions-{i}-kind": row.kind,
                f"exceptions-{i}-name": row.name,
            }
        )
    for i, row in enumerate(rows, start=len(existing)):
        data.update({f"exceptions-{i}-{key}": value for key, value in row.items()})
    return data


# --- CalendarYear with its dates ------------------------------------------------------------------------------------


def test_year_list_shows_official_flag_and_counts(superuser_client):
    response = superuser_client.get(reverse("admin:workcalendar_calendaryear_changelist"))

    assert response.status_code == 200
    rows = {row.year: row for row in response.context["cl"].result_list}
    assert (rows[2026].official, rows[2026].holiday_count, rows[2026].workday_count) == (True, 33, 6)
    content = response.content.decode()
    assert "节假日天数" in content and "调休上班天数" in content


def test_year_change_page_lists_its_dates(superuser_client):
    year = CalendarYear.objects.get(year=2026)

    response = superuser_client.get(reverse("admin:workcalendar_calendaryear_change", args=[year.pk]))

    assert response.status_code == 200
    assert "2026-10-10" in response.content.decode()


def test_inline_adds_a_date_and_the_calendar_follows(superuser_client, year_2027):
    start = datetime(2027, 1, 7, 10, tzinfo=SHANGHAI)  # Thursday
    assert workdays.add_working_days(start, 1).due.date() == date(2027, 1, 8)

    response = superuser_client.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year_2027.pk]),
        inline_post(year_2027, [{"date": "2027-01-08", "kind": "holiday", "name": "测试假日"}]),
    )

    assert response.status_code == 302
    assert CalendarException.objects.filter(date=date(2027, 1, 8), calendar_year=year_2027).exists()
    assert workdays.add_working_days(start, 1).due.date() == date(2027, 1, 11)


def test_inline_same_date_twice_is_refused_and_nothing_saved(superuser_client, year_2027):
    response = superuser_client.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year_2027.pk]),
        inline_post(
            year_2027,
            [
                {"date": "2027-02-06", "kind": "holiday", "name": "春节"},
                {"date": "2027-02-06", "kind": "workday", "name": "春节"},
            ],
            source="改过的来源",
        ),
    )

    assert response.status_code == 200
    assert DUPLICATE_IN_FORM in response.content.decode()
    assert list(year_2027.exceptions.values_list("date", flat=True)) == [date(2027, 1, 1)]
    year_2027.refresh_from_db()
    assert year_2027.source == "国办发明电〔2026〕"


def test_inline_date_already_entered_is_refused(superuser_client, year_2027):
    response = superuser_client.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year_2027.pk]),
        inline_post(year_2027, [{"date": "2027-01-01", "kind": "workday", "name": "元旦"}]),
    )

    assert response.status_code == 200
    assert "2027-01-01 已录入（2027 年：法定节假日（休息），元旦）" in response.content.decode()
    assert year_2027.exceptions.get().kind == "holiday"


def test_inline_date_outside_the_year_is_refused(superuser_client, year_2027):
    response = superuser_client.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year_2027.pk]),
        inline_post(year_2027, [{"date": "2028-01-01", "kind": "holiday", "name": "元旦"}]),
    )

    assert response.status_code == 200
    assert "日期必须在所属年度（2027 年）之内。" in response.content.decode()
    assert year_2027.exceptions.count() == 1


def test_new_year_with_its_dates_is_added(superuser_client):
    response = superuser_client.post(
        reverse("admin:workcalendar_calendaryear_add"),
        inline_post(None, [{"date": "2028-01-01", "kind": "holiday", "name": "元旦"}], year="2028"),
    )

    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2028).exceptions.get().date == date(2028, 1, 1)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                {"date": "2028-01-01", "kind": "holiday", "name": "元旦"},
                {"date": "2028-01-01", "kind": "holiday", "name": "元旦"},
            ],
            DUPLICATE_IN_FORM,
        ),
        ([{"date": "2029-01-01", "kind": "holiday", "name": "元旦"}], "日期必须在所属年度（2028 年）之内。"),
        ([{"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}], "2026-10-01 已录入"),
    ],
)
def test_new_year_with_bad_dates_saves_nothing(superuser_client, rows, message):
    response = superuser_client.post(reverse("admin:workcalendar_calendaryear_add"), inline_post(None, rows, year="2028"))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_year_cannot_be_renumbered(superuser_client, year_2027):
    superuser_client.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year_2027.pk]), inline_post(year_2027, [], year="2030")
    )

    year_2027.refresh_from_db()
    assert year_2027.year == 2027


# --- CalendarException on its own -----------------------------------------------------------------------------------


def test_exception_list_filters_and_date_hierarchy(superuser_client):
    url = reverse("admin:workcalendar_calendarexception_changelist")

    response = superuser_client.get(url, {"kind": "workday", "date__year": "2026"})

    assert response.status_code == 200
    assert [row.date for row in response.context["cl"].result_list] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert "星期日" in response.content.decode()


def test_standalone_duplicate_date_is_refused(superuser_client):
    year = CalendarYear.objects.get(year=2026)
    count = CalendarException.objects.count()

    response = superuser_client.post(
        reverse("admin:workcalendar_calendarexception_add"),
        {"calendar_year": year.pk, "date": "2026-10-01", "kind": "workday", "name": "国庆节"},
    )

    assert response.status_code == 200
    assert "2026-10-01 已录入（2026 年：法定节假日（休息），国庆节）" in response.content.decode()
    assert CalendarException.objects.count() == count
    assert CalendarException.objects.get(date=date(2026, 10, 1)).kind == "holiday"


def test_standalone_duplicate_date_under_another_year_is_refused(superuser_client, year_2027):
    count = CalendarException.objects.count()

    response = superuser_client.post(
        reverse("admin:workcalendar_calendarexception_add"),
        {"calendar_year": year_2027.pk, "date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
    )

    assert response.status_code == 200
    assert "2026-10-01 已录入" in response.content.decode()
    assert CalendarException.objects.count() == count


def test_standalone_date_outside_the_year_is_refused(superuser_client, year_2027):
    response = superuser_client.post(
        reverse("admin:workcalendar_calendarexception_add"),
        {"calendar_year": year_2027.pk, "date": "2028-05-01", "kind": "holiday", "name": "劳动节"},
    )

    assert response.status_code == 200
    assert "日期必须在所属年度（2027 年）之内。" in response.content.decode()
    assert not CalendarException.objects.filter(date=date(2028, 5, 1)).exists()


def test_standalone_edit_keeps_its_own_date(superuser_client):
    row = CalendarException.objects.get(date=date(2026, 10, 10))

    response = superuser_client.post(
        reverse("admin:workcalendar_calendarexception_change", args=[row.pk]),
        {"calendar_year": row.calendar_year_id, "date": "2026-10-10", "kind": "holiday", "name": "国庆节"},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.kind == "holiday"
    assert workdays.is_working_day(date(2026, 10, 10)) is False


# --- Deadline policies and workflow settings ------------------------------------------------------------------------


def test_policy_edited_in_the_list_changes_the_limit(superuser_client):
    policies = list(DeadlinePolicy.objects.order_by("id"))
    data = {
        "form-TOTAL_FORMS": str(len(policies)),
        "form-INITIAL_FORMS": str(len(policies)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for i, policy in enumerate(policies):
        days = 3 if policy.clock == "sign" else policy.working_days
        warning = 2 if policy.clock == "sign" else policy.warning_working_days
        data.update(
            {f"form-{i}-id": str(policy.pk), f"form-{i}-working_days": days, f"form-{i}-warning_working_days": warning}
        )

    response = superuser_client.post(reverse("admin:workcalendar_deadlinepolicy_changelist"), data)

    assert response.status_code == 302
    sign = DeadlinePolicy.objects.get(clock="sign")
    assert (sign.working_days, sign.warning_working_days) == (3, 2)
    assert workdays.policy_days("sign") == 3


def test_policy_clock_cannot_be_changed(superuser_client):
    policy = DeadlinePolicy.objects.get(clock="sign")

    response = superuser_client.post(
        reverse("admin:workcalendar_deadlinepolicy_change", args=[policy.pk]),
        {"clock": "callback", "working_days": "4", "warning_working_days": "1", "basis": "§4.3.1"},
    )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.clock, policy.working_days) == ("sign", 4)


def test_policy_cannot_be_deleted(superuser_client):
    policy = DeadlinePolicy.objects.get(clock="sign")

    response = superuser_client.post(reverse("admin:workcalendar_deadlinepolicy_delete", args=[policy.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert DeadlinePolicy.objects.filter(pk=policy.pk).exists()


def test_policy_below_one_working_day_is_refused(superuser_client):
    policy = DeadlinePolicy.objects.get(clock="sign")

    response = superuser_client.post(
        reverse("admin:workcalendar_deadlinepolicy_change", args=[policy.pk]),
        {"working_days": "0", "warning_working_days": "1", "basis": "§4.3.1"},
    )

    assert response.status_code == 200
    policy.refresh_from_db()
    assert policy.working_days == 2

def test_a_policy_changed_in_the_admin_warns_by_its_new_days_at_once(superuser_client):
    from workcalendar.clocks import warning_days_table

    assert warning_days_table()["sign"] == 1  # this process has the policies now
    policy = DeadlinePolicy.objects.get(clock="sign")
    response = superuser_client.post(
        reverse("admin:workcalendar_deadlinepolicy_change", args=[policy.pk]),
        {"working_days": "2", "warning_working_days": "2", "basis": "§4.3.1"},
    )
    assert response.status_code == 302
    # The screens' `due` tag reads the new warning days: the admin's change dropped this process's copy.
    assert warning_days_table()["sign"] == 2
