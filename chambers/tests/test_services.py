"""The acts of chamber rotation: who may do each, what each refuses (in Chinese, nothing saved), the audit rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from time_machine import travel

from audit.models import AuditEvent
from chambers import services
from chambers.models import (
    Activity,
    Chamber,
    ChamberMembership,
    RotationEntry,
    RotationPlan,
)
from chambers.tests.factories import ChamberFactory, EntryFactory
from core.errors import Conflict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen")]


@pytest.fixture
def _frozen():
    with travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False):
        yield


def entry_data(chamber, /, **overrides):
    data = {"year": 2026, "chamber": chamber.pk, "starts_on": "2026-04-01", "ends_on": "2026-06-30",
            "theme": "民营企业融资座谈"}
    data.update(overrides)
    return data


def activity_data(chamber, /, **overrides):
    data = {"chamber": chamber.pk, "kind": "symposium", "held_on": "2026-06-10", "place": "商会会议室",
            "summary": "座谈会，18 家企业参加。", "departments": ["anshun-sw", "anshun-rsj"], "enterprises_count": 18}
    data.update(overrides)
    return data


# --- chambers and members ------------------------------------------------------------------------------------------
def test_federation_registers_a_chamber_of_its_region(gsl_handler):
    chamber = services.chamber_create(actor=gsl_handler, data={"name": " 安顺市湖南商会 ", "kind": "chamber",
                                                                "contact": "刘会长"})
    assert (chamber.name, chamber.region.code, chamber.get_kind_display()) == ("安顺市湖南商会", "anshun", "商会")
    assert AuditEvent.objects.filter(action="chambers.chamber_create", object_id=str(chamber.pk)).exists()


@pytest.mark.parametrize("persona", ["reader", "chamber_user", "xixiu_gsl_none"])
def test_only_the_federation_registers_chambers(request, persona, zhejiang):
    user = request.getfixturevalue("reader" if persona == "xixiu_gsl_none" else persona)
    with pytest.raises(PermissionDenied):
        services.chamber_create(actor=user, data={"name": "安顺市湖南商会", "kind": "chamber"})
    assert not Chamber.objects.filter(name="安顺市湖南商会").exists()


def test_chamber_names_are_unique_per_region_and_checked(gsl_spec, zhejiang, xixiu_gsl):
    with pytest.raises(ValidationError) as exc:
        services.chamber_create(actor=gsl_spec, data={"name": "安顺市浙江商会", "kind": "club"})
    assert exc.value.message_dict == {"name": ["本区域已有同名的商会或协会。"],
                                      "kind": ["类别无效，可选：chamber（商会）、association（行业协会）。"]}
    other = services.chamber_create(actor=xixiu_gsl, data={"name": "安顺市浙江商会", "kind": "association"})
    assert other.region.code == "xixiu"  # the same name in another region is another chamber


def test_a_chamber_of_another_region_is_refused(gsl_spec):
    with pytest.raises(PermissionDenied):
        services.chamber_create(actor=gsl_spec, data={"name": "西秀区某商会", "region": "xixiu"})
    with pytest.raises(ValidationError):
        services.chamber_create(actor=gsl_spec, data={"name": "", "region": "nowhere"})


def test_membership_places_and_moves_a_chamber_user(gsl_spec, chamber_user, fujian):
    services.membership_set(actor=gsl_spec, user=chamber_user, chamber=fujian)
    assert ChamberMembership.objects.get(user=chamber_user).chamber == fujian
    with pytest.raises(ValidationError):
        services.membership_set(actor=gsl_spec, user=gsl_spec, chamber=fujian)  # not a chamber user


def test_membership_is_refused_outside_the_federation(reader, xixiu_gsl, chamber_user, fujian):
    for actor in (reader, xixiu_gsl):
        with pytest.raises(PermissionDenied):
            services.membership_set(actor=actor, user=chamber_user, chamber=fujian)


# --- the plan ------------------------------------------------------------------------------------------------------
def test_an_entry_creates_the_draft_plan(gsl_spec, zhejiang):
    entry = services.entry_add(actor=gsl_spec, data=entry_data(zhejiang))
    assert entry.plan.year == 2026 and not entry.plan.published
    assert AuditEvent.objects.filter(action="chambers.entry_add").count() == 1


@pytest.mark.parametrize(("starts_on", "ends_on"), [
    ("2026-06-30", "2026-08-31"),  # touches the last day
    ("2026-03-01", "2026-04-01"),  # touches the first day
    ("2026-05-01", "2026-05-10"),  # inside
    ("2026-01-01", "2026-12-31"),  # around
])
def test_overlapping_turns_of_one_chamber_are_refused(gsl_spec, zhejiang, starts_on, ends_on):
    services.entry_add(actor=gsl_spec, data=entry_data(zhejiang))
    with pytest.raises(ValidationError) as exc:
        services.entry_add(actor=gsl_spec, data=entry_data(zhejiang, starts_on=starts_on, ends_on=ends_on))
    assert exc.value.message_dict["starts_on"] == [
        "该商会在 2026-04-01～2026-06-30 已有轮值安排（民营企业融资座谈），同一商会的轮值时间不能重叠。"]
    assert RotationEntry.objects.count() == 1


def test_adjacent_turns_and_other_chambers_may_share_dates(gsl_spec, zhejiang, fujian):
    services.entry_add(actor=gsl_spec, data=entry_data(zhejiang))
    services.entry_add(actor=gsl_spec, data=entry_data(zhejiang, starts_on="2026-07-01", ends_on="2026-09-30"))
    services.entry_add(actor=gsl_spec, data=entry_data(fujian))
    assert RotationEntry.objects.count() == 3


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_on": "2026-03-31"}, "ends_on", "结束日期不能早于开始日期。"),
    ({"starts_on": "1999-12-31"}, "starts_on", "开始日期不能早于 2000 年 1 月 1 日。"),
    ({"ends_on": "2100-01-01"}, "ends_on", "结束日期不能晚于 2099 年 12 月 31 日。"),
    ({"starts_on": "2026-13-01"}, "starts_on", "开始日期格式不正确，应为 YYYY-MM-DD。"),
    ({"starts_on": "2027-01-05", "ends_on": "2027-02-01"}, "starts_on", "开始日期应在 2026 年内。"),
    ({"theme": "  "}, "theme", "请填写轮值主题。"),
    ({"year": "二〇二六"}, "year", "年度应为整数。"),
    ({"year": 1999}, "year", "年度应在 2000～2099 之间。"),
    ({"chamber": None}, "chamber", "请选择商会或协会。"),
])
def test_bad_entries_are_refused_in_chinese(gsl_spec, zhejiang, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        services.entry_add(actor=gsl_spec, data=entry_data(zhejiang, **overrides))
    assert message in exc.value.message_dict[field]
    assert not RotationEntry.objects.exists() and not RotationPlan.objects.exists()


def test_another_regions_chamber_cannot_enter_the_plan(xixiu_gsl, zhejiang):
    with pytest.raises(ValidationError) as exc:
        services.entry_add(actor=xixiu_gsl, data=entry_data(zhejiang))
    assert exc.value.message_dict["chamber"] == ["商会或协会不存在或不属于本区域。"]


@pytest.mark.parametrize("persona", ["reader", "chamber_user"])
def test_only_the_federation_plans(request, persona, zhejiang):
    with pytest.raises(PermissionDenied):
        services.entry_add(actor=request.getfixturevalue(persona), data=entry_data(zhejiang))


def test_publishing_the_plan_once(gsl_spec, zhejiang):
    with pytest.raises(Conflict, match="还没有任何安排"):
        services.plan_publish(actor=gsl_spec, year=2026)
    services.entry_add(actor=gsl_spec, data=entry_data(zhejiang))
    plan = services.plan_publish(actor=gsl_spec, year=2026)
    assert plan.published and plan.published_by == gsl_spec
    with pytest.raises(Conflict, match="已发布"):
        services.plan_publish(actor=gsl_spec, year=2026)


def test_only_the_federation_publishes(reader, chamber_user, zhejiang, gsl_spec):
    services.entry_add(actor=gsl_spec, data=entry_data(zhejiang))
    for actor in (reader, chamber_user):
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=actor, year=2026)
    assert not RotationPlan.objects.get().published


# --- activities ----------------------------------------------------------------------------------------------------
def test_federation_records_an_activity_on_the_plan(gsl_spec, zhejiang):
    entry = EntryFactory(chamber=zhejiang, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 6, 30))
    activity = services.activity_record(actor=gsl_spec, data=activity_data(zhejiang, rotation=entry.pk))
    assert activity.entry == entry and activity.region.code == "anshun"
    assert sorted(activity.departments.values_list("code", flat=True)) == ["anshun-rsj", "anshun-sw"]
    assert AuditEvent.objects.filter(action="chambers.activity_record").count() == 1


def test_a_chamber_user_records_for_its_own_chamber_only(chamber_user, zhejiang, fujian):
    activity = services.activity_record(actor=chamber_user, data=activity_data(zhejiang, kind="experience"))
    assert activity.get_kind_display() == "办事体验"
    with pytest.raises(PermissionDenied, match="只能为本商会"):
        services.activity_record(actor=chamber_user, data=activity_data(fujian))
    assert Activity.objects.count() == 1


def test_a_chamber_user_without_a_chamber_records_nothing(zhejiang):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department

    loose = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
    with pytest.raises(PermissionDenied, match="还未加入任何商会"):
        services.activity_record(actor=loose, data=activity_data(zhejiang))


@pytest.mark.parametrize("persona", ["reader", "xixiu_gsl", "supervisor"])
def test_others_record_no_activity(request, persona, zhejiang):
    user = request.getfixturevalue(persona)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.activity_record(actor=user, data=activity_data(zhejiang))
    assert not Activity.objects.exists()


def test_enterprise_records_no_activity(enterprise_user, zhejiang):
    with pytest.raises(PermissionDenied):
        services.activity_record(actor=enterprise_user, data=activity_data(zhejiang))


def test_the_plan_entry_must_be_the_same_chambers(gsl_spec, zhejiang, fujian):
    entry = EntryFactory(chamber=fujian)
    with pytest.raises(ValidationError) as exc:
        services.activity_record(actor=gsl_spec, data=activity_data(zhejiang, rotation=entry.pk))
    assert exc.value.message_dict["rotation"] == ["所选轮值安排不是该商会的轮值，请选择该商会的轮值安排。"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"kind": "party"}, "kind", "请选择活动类型"),
    ({"held_on": "2026-06-16"}, "held_on", "活动日期不能晚于今天：活动举办后再登记。"),
    ({"held_on": ""}, "held_on", "请填写活动日期。"),
    ({"place": ""}, "place", "请填写活动地点。"),
    ({"summary": "x" * 5001}, "summary", "活动情况不能超过 5000 个字。"),
    ({"enterprises_count": -1}, "enterprises_count", "参加企业数应在 0～100000 之间。"),
    ({"enterprises_count": "许多"}, "enterprises_count", "参加企业数应为整数。"),
    ({"departments": ["puding-scjg", "anshun-nowhere"]}, "departments", "不是本区域的在用部门：puding-scjg、anshun-nowhere。"),
    ({"departments": "anshun-sw"}, "departments", "参加部门应为部门编码列表。"),
    ({"rotation": 999999}, "rotation", "轮值安排不存在或不属于本区域。"),
])
def test_bad_activities_are_refused_in_chinese(gsl_spec, zhejiang, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        services.activity_record(actor=gsl_spec, data=activity_data(zhejiang, **overrides))
    assert any(message in m for m in exc.value.message_dict[field])
    assert not Activity.objects.exists()


def test_a_file_is_checked_and_typed_by_its_extension(gsl_spec, zhejiang, chamber_user, other_chamber_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = services.activity_record(actor=gsl_spec, data=activity_data(zhejiang))
    note = SimpleUploadedFile("签到表.txt", "签到".encode(), content_type="image/svg+xml")
    attachment = services.file_add(actor=chamber_user, activity=activity, upload=note)
    assert attachment.content_type == "text/plain" and not attachment.is_image
    with pytest.raises(ValidationError):
        services.file_add(actor=gsl_spec, activity=activity,
                          upload=SimpleUploadedFile("宏.docm", b"x", content_type="application/octet-stream"))
    with pytest.raises(PermissionDenied):
        services.file_add(actor=other_chamber_user, activity=activity,
                          upload=SimpleUploadedFile("a.txt", b"x", content_type="text/plain"))


def test_factories_make_a_consistent_world(zhejiang):
    assert ChamberFactory().region.code == "anshun"
