"""The chamber screens: the plan with what each turn produced, chambers and members, activities with their demands
and files. Every screen: happy path, another region (404), wrong role (403), GET on POST-only (405), bad input (400,
nothing saved), query counts pinned on lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chambers.models import (
    Activity,
    ActivityFile,
    Chamber,
    ChamberMembership,
    RotationEntry,
)
from chambers.tests.factories import ActivityFactory, EntryFactory, PlanFactory
from chambers.tests.helpers import png_bytes, register_at

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def plan_world(zhejiang, fujian, gsl_spec, chamber_user):
    """This year's plan: 浙江商会 with two activities (three demands), 福建商会 with none."""
    plan = PlanFactory(year=YEAR)
    held = EntryFactory(plan=plan, chamber=zhejiang, starts_on=datetime.date(YEAR, 1, 1),
                        ends_on=datetime.date(YEAR, 3, 31), theme="用工座谈")
    idle = EntryFactory(plan=plan, chamber=fujian, starts_on=datetime.date(YEAR, 4, 1),
                        ends_on=datetime.date(YEAR, 6, 30), theme="融资座谈")
    first = ActivityFactory(chamber=zhejiang, entry=held, held_on=datetime.date(YEAR, 2, 1))
    second = ActivityFactory(chamber=zhejiang, entry=held, held_on=datetime.date(YEAR, 3, 1), kind="experience")
    register_at(first, chamber_user, title="诉求一")
    register_at(first, chamber_user, title="诉求二")
    register_at(second, gsl_spec, title="诉求三")
    return {"plan": plan, "held": held, "idle": idle, "first": first, "second": second}


# --- the plan ------------------------------------------------------------------------------------------------------
def test_plan_shows_activities_and_demands_per_entry(client, reader, plan_world):
    response = as_user(client, reader).get(reverse("chambers:plan"))
    assert response.status_code == 200
    rows = {entry.theme: (entry.activity_count, entry.demand_count) for entry in response.context["entries"]}
    assert rows == {"用工座谈": (2, 3), "融资座谈": (0, 0)}
    html = response.content.decode()
    assert "未开展" in html and response.context["totals"] == (2, 3)
    assert "加入轮值安排" not in html and "发布计划" not in html  # a reader only reads


def test_plan_page_reads_a_fixed_number_of_queries(client, gsl_spec, plan_world, zhejiang,
                                                   django_assert_max_num_queries):
    as_user(client, gsl_spec)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("chambers:plan"))
    for month in range(7, 12):
        entry = EntryFactory(plan=plan_world["plan"], chamber=zhejiang, starts_on=datetime.date(YEAR, month, 1),
                             ends_on=datetime.date(YEAR, month, 20))
        ActivityFactory(chamber=zhejiang, entry=entry)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("chambers:plan"))


@pytest.mark.parametrize("persona", ["enterprise_user", "supervisor"])
def test_plan_refuses_other_roles(client, request, persona):
    assert as_user(client, request.getfixturevalue(persona)).get(reverse("chambers:plan")).status_code == 403


def test_another_region_sees_its_own_plan_only(client, xixiu_gsl, plan_world):
    response = as_user(client, xixiu_gsl).get(reverse("chambers:plan"))
    assert response.status_code == 200 and response.context["entries"] == []


def test_federation_adds_an_entry_and_publishes(client, gsl_spec, zhejiang):
    as_user(client, gsl_spec)
    response = client.post(reverse("chambers:entry_add"), {
        "year": YEAR, "chamber": zhejiang.pk, "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-03-31",
        "theme": "用工座谈"})
    assert response.status_code == 302 and RotationEntry.objects.count() == 1
    assert client.get(reverse("chambers:plan_publish", args=[YEAR])).status_code == 405
    response = client.post(reverse("chambers:plan_publish", args=[YEAR]), follow=True)
    assert "已发布" in response.content.decode() and response.context["plan"].published
    response = client.post(reverse("chambers:plan_publish", args=[YEAR]), follow=True)
    assert f"{YEAR} 年的轮值计划已发布。" in response.content.decode()  # the second time says why


def test_overlap_is_refused_on_the_web_with_the_reason(client, gsl_spec, zhejiang):
    EntryFactory(plan=PlanFactory(year=YEAR), chamber=zhejiang, starts_on=datetime.date(YEAR, 1, 1),
                 ends_on=datetime.date(YEAR, 3, 31), theme="用工座谈")
    response = as_user(client, gsl_spec).post(reverse("chambers:entry_add"), {
        "year": YEAR, "chamber": zhejiang.pk, "starts_on": f"{YEAR}-03-31", "ends_on": f"{YEAR}-05-31",
        "theme": "融资座谈"})
    assert response.status_code == 400
    assert "同一商会的轮值时间不能重叠" in response.content.decode()
    assert RotationEntry.objects.count() == 1


def test_bad_entry_input_keeps_what_was_typed(client, gsl_spec, zhejiang):
    response = as_user(client, gsl_spec).post(reverse("chambers:entry_add"), {
        "year": YEAR, "chamber": zhejiang.pk, "starts_on": f"{YEAR}-05-01", "ends_on": f"{YEAR}-04-01", "theme": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "结束日期不能早于开始日期。" in html and "请填写轮值主题。" in html
    assert not RotationEntry.objects.exists()


@pytest.mark.parametrize("url", ["chambers:entry_add", "chambers:membership_set"])
def test_a_reader_cannot_post_federation_forms(client, reader, url):
    assert as_user(client, reader).post(reverse(url), {}).status_code == 403


def test_a_reader_cannot_publish(client, reader, chamber_user, plan_world):
    assert as_user(client, reader).post(reverse("chambers:plan_publish", args=[YEAR])).status_code == 403
    assert as_user(client, chamber_user).post(reverse("chambers:plan_publish", args=[YEAR])).status_code == 403


# --- chambers and members ------------------------------------------------------------------------------------------
def test_federation_registers_chambers_and_places_users(client, gsl_spec, zhejiang, fujian, chamber_user):
    as_user(client, gsl_spec)
    response = client.post(reverse("chambers:list"), {"name": "安顺市建材行业协会", "kind": "association",
                                                      "contact": "陈秘书长"})
    assert response.status_code == 302
    assert Chamber.objects.get(name="安顺市建材行业协会").get_kind_display() == "行业协会"
    response = client.post(reverse("chambers:membership_set"), {"user": chamber_user.pk, "chamber": fujian.pk})
    assert response.status_code == 302 and ChamberMembership.objects.get(user=chamber_user).chamber == fujian
    membership = ChamberMembership.objects.get(user=chamber_user)
    assert client.get(reverse("chambers:membership_remove", args=[membership.pk])).status_code == 405
    assert client.post(reverse("chambers:membership_remove", args=[membership.pk])).status_code == 302
    assert not ChamberMembership.objects.filter(user=chamber_user).exists()


def test_chamber_form_errors_in_chinese(client, gsl_spec, zhejiang):
    response = as_user(client, gsl_spec).post(reverse("chambers:list"), {"name": "安顺市浙江商会", "kind": "chamber"})
    assert response.status_code == 400 and "本区域已有同名的商会或协会。" in response.content.decode()
    assert Chamber.objects.count() == 1


def test_reader_sees_chambers_without_forms(client, reader, zhejiang, chamber_user):
    response = as_user(client, reader).get(reverse("chambers:list"))
    html = response.content.decode()
    assert response.status_code == 200 and "安顺市浙江商会" in html and "t_chamber_zj" in html
    assert 'data-testid="chamber-form"' not in html
    assert client.post(reverse("chambers:list"), {"name": "x", "kind": "chamber"}).status_code == 403


def test_another_regions_membership_is_404(client, xixiu_gsl, chamber_user):
    membership = ChamberMembership.objects.get(user=chamber_user)
    assert as_user(client, xixiu_gsl).post(reverse("chambers:membership_remove", args=[membership.pk])).status_code == 404


# --- activities ----------------------------------------------------------------------------------------------------
def test_federation_records_an_activity_from_the_plan(client, gsl_spec, plan_world, zhejiang):
    as_user(client, gsl_spec)
    page = client.get(reverse("chambers:activity_create") + f"?rotation={plan_world['held'].pk}")
    assert page.context["form"].initial["chamber"] == zhejiang.pk
    today = timezone.localdate()
    response = client.post(reverse("chambers:activity_create"), {
        "chamber": zhejiang.pk, "rotation": plan_world["held"].pk, "kind": "briefing", "held_on": today.isoformat(),
        "place": "市民营经济服务中心", "departments": ["anshun-sw", "anshun-gxj"], "enterprises_count": "25",
        "summary": "宣讲减税降费政策。"})
    activity = Activity.objects.get(kind="briefing")
    assert response.status_code == 302 and response["Location"] == reverse("chambers:activity_detail", args=[activity.pk])
    assert activity.entry == plan_world["held"] and activity.enterprises_count == 25


def test_a_chamber_user_acting_for_another_chamber_gets_403(client, chamber_user, fujian):
    response = as_user(client, chamber_user).post(reverse("chambers:activity_create"), {
        "chamber": fujian.pk, "kind": "symposium", "held_on": timezone.localdate().isoformat(), "place": "会议室",
        "summary": "座谈"})
    assert response.status_code == 403 and not Activity.objects.exists()


def test_a_chamber_user_records_for_its_own_chamber(client, chamber_user, zhejiang):
    as_user(client, chamber_user)
    assert client.get(reverse("chambers:activity_create")).context["form"].initial["chamber"] == zhejiang.pk
    response = client.post(reverse("chambers:activity_create"), {
        "chamber": zhejiang.pk, "kind": "experience", "held_on": timezone.localdate().isoformat(),
        "place": "政务服务中心", "summary": "办事体验"})
    assert response.status_code == 302 and Activity.objects.get().created_by == chamber_user


def test_bad_activity_input_is_400_and_nothing_saved(client, gsl_spec, zhejiang, fujian):
    entry = EntryFactory(plan=PlanFactory(year=YEAR), chamber=fujian)
    response = as_user(client, gsl_spec).post(reverse("chambers:activity_create"), {
        "chamber": zhejiang.pk, "rotation": entry.pk, "kind": "rotation", "held_on": "2999-01-01", "place": "",
        "summary": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写活动地点。" in html and "活动日期不能晚于 2099 年 12 月 31 日。" in html
    response = client.post(reverse("chambers:activity_create"), {
        "chamber": zhejiang.pk, "rotation": entry.pk, "kind": "rotation", "held_on": timezone.localdate().isoformat(),
        "place": "会议室", "summary": "座谈"})
    assert response.status_code == 400 and "不是该商会的轮值" in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("persona", ["reader", "enterprise_user", "supervisor"])
def test_others_may_not_record_activities(client, request, persona):
    assert as_user(client, request.getfixturevalue(persona)).get(reverse("chambers:activity_create")).status_code == 403


def test_activity_page_lists_its_demands_with_states(client, reader, plan_world):
    response = as_user(client, reader).get(reverse("chambers:activity_detail", args=[plan_world["first"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert [d.title for d in response.context["demands"]] == ["诉求一", "诉求二"]
    assert html.count("待研判") == 2 and "诉求三" not in html
    assert 'data-testid="register-demand"' not in html  # a handler registers only its own department's channels


def test_register_button_for_the_federation_specialist_and_the_own_chamber(client, gsl_spec, chamber_user,
                                                                           other_chamber_user, plan_world):
    url = reverse("chambers:activity_detail", args=[plan_world["first"].pk])
    assert 'data-testid="register-demand"' in as_user(client, gsl_spec).get(url).content.decode()
    assert 'data-testid="register-demand"' in as_user(client, chamber_user).get(url).content.decode()
    assert as_user(client, other_chamber_user).get(url).status_code == 404


def test_another_regions_activity_is_404(client, xixiu_gsl, plan_world):
    url = reverse("chambers:activity_detail", args=[plan_world["first"].pk])
    assert as_user(client, xixiu_gsl).get(url).status_code == 404


def test_activity_list_reads_a_fixed_number_of_queries(client, reader, plan_world, zhejiang,
                                                       django_assert_max_num_queries):
    as_user(client, reader)
    with django_assert_max_num_queries(30) as few:
        response = client.get(reverse("chambers:activities"))
    assert len(response.context["page"].object_list) == 2
    for _ in range(6):
        ActivityFactory(chamber=zhejiang, entry=plan_world["held"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("chambers:activities"))


def test_a_chamber_user_lists_its_own_chambers_activities(client, other_chamber_user, chamber_user, plan_world, fujian):
    ActivityFactory(chamber=fujian)
    response = as_user(client, other_chamber_user).get(reverse("chambers:activities"))
    assert [a.chamber for a in response.context["page"].object_list] == [fujian]
    response = as_user(client, chamber_user).get(reverse("chambers:activities") + f"?rotation={plan_world['held'].pk}")
    assert len(response.context["page"].object_list) == 2


def test_photo_upload_is_reencoded_and_download_checked(client, gsl_spec, reader, xixiu_gsl, other_chamber_user,
                                                        plan_world):
    activity = plan_world["first"]
    as_user(client, gsl_spec)
    photo = SimpleUploadedFile("现场.png", png_bytes() + b"<script>", content_type="image/png")
    response = client.post(reverse("chambers:file_upload", args=[activity.pk]), {"file": photo})
    assert response.status_code == 302
    stored = ActivityFile.objects.get()
    assert stored.content_type == "image/png" and b"<script>" not in stored.file.read()
    url = reverse("chambers:file", args=[stored.pk])
    response = as_user(client, reader).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert as_user(client, xixiu_gsl).get(url).status_code == 404
    assert as_user(client, other_chamber_user).get(url).status_code == 404
    assert client.get(reverse("chambers:file_upload", args=[activity.pk])).status_code == 405


def test_bad_upload_is_400(client, gsl_spec, reader, plan_world):
    url = reverse("chambers:file_upload", args=[plan_world["first"].pk])
    response = as_user(client, gsl_spec).post(url, {"file": SimpleUploadedFile("宏.xlsm", b"x")})
    assert response.status_code == 400 and "带宏" in response.content.decode()
    response = as_user(client, reader).post(url, {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 403
    assert not ActivityFile.objects.exists()


def test_menu_entries_by_role(client, reader, gsl_spec, chamber_user, enterprise_user):
    from qiyezhijia.menu import menu_for

    def labels(user):
        return [item["label"] for item in menu_for(user)]

    assert "商会轮值" in labels(reader) and "商会轮值" in labels(gsl_spec)
    assert "本商会活动" in labels(chamber_user) and "商会轮值" not in labels(chamber_user)
    assert not {"商会轮值", "本商会活动"} & set(labels(enterprise_user))
    html = as_user(client, reader).get(reverse("chambers:plan")).content.decode()
    assert reverse("chambers:activities") in html and reverse("chambers:list") in html


def test_chamber_list_reads_a_fixed_number_of_queries(client, gsl_spec, zhejiang, chamber_user,
                                                      django_assert_max_num_queries):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department
    from chambers.tests.factories import ChamberFactory

    as_user(client, gsl_spec)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("chambers:list"))
    for _ in range(4):
        member = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
        ChamberMembership.objects.create(user=member, chamber=ChamberFactory(), assigned_by=gsl_spec)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("chambers:list"))
    assert len(response.context["rows"]) == 5


# --- correcting an activity's record ---------------------------------------------------------------------------------
def _edit(activity, **changes):
    data = {"rotation": activity.entry_id or "", "kind": activity.kind, "held_on": activity.held_on.isoformat(),
            "place": activity.place, "enterprises_count": str(activity.enterprises_count), "summary": activity.summary}
    data.update(changes)
    return data


def test_federation_corrects_an_activity_and_its_demands_stay(client, gsl_spec, plan_world, fujian):
    first = plan_world["first"]
    url = reverse("chambers:activity_edit", args=[first.pk])
    as_user(client, gsl_spec)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["place"] == first.place
    # Posting another chamber does not move the activity.
    response = client.post(url, _edit(first, chamber=fujian.pk, place="市民营经济服务中心二楼", enterprises_count="31",
                                      departments=["anshun-sw"]))
    assert response.status_code == 302 and response["Location"] == reverse("chambers:activity_detail", args=[first.pk])
    first.refresh_from_db()
    assert (first.place, first.enterprises_count, first.chamber.name) == ("市民营经济服务中心二楼", 31, "安顺市浙江商会")
    assert [d.code for d in first.departments.all()] == ["anshun-sw"] and first.demands.count() == 2
    detail = client.get(reverse("chambers:activity_detail", args=[first.pk])).content.decode()
    assert 'data-testid="edit-activity"' in detail and "市民营经济服务中心二楼" in detail


def test_the_own_chamber_corrects_its_activity(client, chamber_user, plan_world):
    first = plan_world["first"]
    response = as_user(client, chamber_user).post(reverse("chambers:activity_edit", args=[first.pk]),
                                                  _edit(first, summary="更正后的活动情况"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.summary == "更正后的活动情况"


def test_bad_correction_is_400_and_nothing_changes(client, gsl_spec, plan_world):
    first = plan_world["first"]
    response = as_user(client, gsl_spec).post(reverse("chambers:activity_edit", args=[first.pk]),
                                              _edit(first, place="", held_on="2999-01-01"))
    assert response.status_code == 400 and "请填写活动地点。" in response.content.decode()
    assert Activity.objects.get(pk=first.pk).place == first.place


def test_who_may_not_correct(client, reader, other_chamber_user, xixiu_gsl, plan_world):
    url = reverse("chambers:activity_edit", args=[plan_world["first"].pk])
    assert as_user(client, reader).get(url).status_code == 403
    assert 'data-testid="edit-activity"' not in client.get(
        reverse("chambers:activity_detail", args=[plan_world["first"].pk])).content.decode()
    assert as_user(client, other_chamber_user).post(url, _edit(plan_world["first"], place="x")).status_code == 404
    assert as_user(client, xixiu_gsl).get(url).status_code == 404
    assert Activity.objects.get(pk=plan_world["first"].pk).place == plan_world["first"].place
