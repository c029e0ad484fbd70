"""The organiser's acts: create, edit, publish, hold, cancel — every state change allowed and refused, who may act,
bad input with nothing saved, and the audit row written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import AuditEvent
from core.errors import Conflict
from notifications.models import Delivery, Notification
from policies.tests.factories import PolicyFactory
from trainings import selectors, services
from trainings.models import TrainingSession
from trainings.tests.conftest import session_data
from trainings.tests.factories import SessionFactory, later, register

pytestmark = pytest.mark.django_db
S = TrainingSession.State


def test_department_staff_create_a_draft_of_their_department(organiser):
    policy = PolicyFactory(state="published")
    session = services.session_create(actor=organiser, data=session_data(policies=[policy.pk]))
    assert session.state == S.DRAFT and session.department.code == "anshun-gxj" and session.region.code == "anshun"
    assert list(session.policies.all()) == [policy]
    assert AuditEvent.objects.filter(action="training.create", object_id=str(session.pk)).exists()


def test_the_office_names_a_department_of_its_region(city_office):
    session = services.session_create(actor=city_office, data=session_data(), department="anshun-sw")
    assert session.department.code == "anshun-sw"
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=city_office, data=session_data(), department="xixiu-scjg")
    assert "department" in exc.value.message_dict


def test_a_handler_may_not_organise_for_another_department(organiser):
    with pytest.raises(PermissionDenied):
        services.session_create(actor=organiser, data=session_data(), department="anshun-sw")


@pytest.mark.parametrize("persona", ["ent_user", "leader"])
def test_other_roles_may_not_create(persona, request):
    with pytest.raises(PermissionDenied):
        services.session_create(actor=request.getfixturevalue(persona), data=session_data())


@pytest.mark.parametrize(("overrides", "field"), [
    ({"topic": "cooking"}, "topic"),
    ({"title": ""}, "title"),
    ({"venue": "", "online_url": ""}, "venue"),
    ({"online_url": "http://meeting.example.cn/1"}, "online_url"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": "十"}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"ends_at": "2099-06-10T09:00:00+08:00"}, "ends_at"),
    ({"signup_closes_at": "2099-06-10T10:00:00+08:00"}, "signup_closes_at"),
    ({"starts_at": "0001-01-01T09:00:00+08:00"}, "starts_at"),
    ({"starts_at": "9999-01-01T09:00:00+08:00"}, "starts_at"),
    ({"starts_at": "明天"}, "starts_at"),
    ({"policies": [999999]}, "policies"),
    ({"policies": "1"}, "policies"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_saved(organiser, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=organiser, data=session_data(**overrides))
    assert field in exc.value.message_dict
    assert all("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0][:1])
    assert not TrainingSession.objects.exists()


def test_an_unpublished_policy_cannot_be_linked(organiser):
    draft_policy = PolicyFactory()
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=organiser, data=session_data(policies=[draft_policy.pk]))
    assert "未发布" in exc.value.message_dict["policies"][0]


def test_online_only_session_is_fine(organiser):
    session = services.session_create(actor=organiser, data=session_data(venue="", online_url="https://meet.example.cn/a"))
    assert session.place == "线上"


# --- publish ---------------------------------------------------------------------------------------------------------
def test_publish_a_draft(organiser, draft):
    session = services.session_publish(actor=organiser, session=draft)
    assert session.state == S.PUBLISHED and session.published_at is not None
    assert AuditEvent.objects.filter(action="training.publish").count() == 1


@pytest.mark.parametrize("state", [S.PUBLISHED, S.HELD, S.CANCELLED])
def test_publish_refused_outside_draft(organiser, state):
    session = SessionFactory(state=state)
    with pytest.raises(Conflict):
        services.session_publish(actor=organiser, session=session)
    session.refresh_from_db()
    assert session.state == state


def test_publish_refused_when_signup_already_closed(organiser):
    session = SessionFactory(starts_at=later(hours=2), signup_closes_at=later(hours=-1))
    with pytest.raises(ValidationError):
        services.session_publish(actor=organiser, session=session)


def test_specialist_of_the_organiser_and_the_regions_office_may_publish(organiser_specialist, city_office):
    assert services.session_publish(actor=organiser_specialist, session=SessionFactory()).state == S.PUBLISHED
    assert services.session_publish(actor=city_office, session=SessionFactory()).state == S.PUBLISHED


@pytest.mark.parametrize("persona", ["other_department", "county_office", "county_handler", "ent_user"])
def test_others_may_not_publish(persona, request, draft):
    with pytest.raises(PermissionDenied):
        services.session_publish(actor=request.getfixturevalue(persona), session=draft)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_another_regions_session_is_404_for_staff(county_office, draft):
    with pytest.raises(Http404):
        selectors.session_for_staff(county_office, draft.pk)


# --- hold ------------------------------------------------------------------------------------------------------------
def test_hold_once_the_session_started(organiser):
    session = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=-1), signup_closes_at=later(hours=-2))
    assert services.session_hold(actor=organiser, session=session).state == S.HELD


def test_hold_refused_before_the_start(organiser, published):
    with pytest.raises(Conflict) as exc:
        services.session_hold(actor=organiser, session=published)
    assert "尚未开始" in exc.value.message


@pytest.mark.parametrize("state", [S.DRAFT, S.HELD, S.CANCELLED])
def test_hold_refused_outside_published(organiser, state):
    session = SessionFactory(state=state, starts_at=later(hours=-1), signup_closes_at=later(hours=-2))
    with pytest.raises(Conflict):
        services.session_hold(actor=organiser, session=session)


# --- cancel ----------------------------------------------------------------------------------------------------------
def test_cancel_tells_every_registrant_with_the_reason(organiser, published, ent_user, ent_user2, sms,
                                                       django_capture_on_commit_callbacks, mailoutbox):
    register(published, ent_user)
    register(published, ent_user2)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_cancel(actor=organiser, session=published, reason="主讲嘉宾临时有公务")
    assert session.state == S.CANCELLED and session.cancel_reason == "主讲嘉宾临时有公务"
    notices = Notification.objects.filter(event="training_cancel")
    assert {n.recipient_id for n in notices} == {ent_user.pk, ent_user2.pk}
    assert all("主讲嘉宾临时有公务" in n.body for n in notices)
    assert Delivery.objects.filter(channel="sms").count() == 2
    assert sorted(phone for phone, _text in sms) == ["13900000001", "13900000002"]
    assert any("主讲嘉宾临时有公务" in message.body for message in mailoutbox)


def test_cancel_a_draft(organiser, draft):
    assert services.session_cancel(actor=organiser, session=draft, reason="计划调整").state == S.CANCELLED


@pytest.mark.parametrize("state", [S.HELD, S.CANCELLED])
def test_cancel_refused_after_held_or_cancelled(organiser, state):
    session = SessionFactory(state=state)
    with pytest.raises(Conflict):
        services.session_cancel(actor=organiser, session=session, reason="原因")


def test_cancel_needs_a_reason(organiser, published):
    with pytest.raises(ValidationError) as exc:
        services.session_cancel(actor=organiser, session=published, reason="  ")
    assert exc.value.message_dict == {"reason": ["请填写取消原因。"]}
    published.refresh_from_db()
    assert published.state == S.PUBLISHED


def test_others_may_not_cancel(other_department, published):
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=other_department, session=published, reason="原因")


# --- edit ------------------------------------------------------------------------------------------------------------
def test_edit_keeps_capacity_above_the_seats_taken(organiser, published, ent_user, ent_user2):
    register(published, ent_user)
    register(published, ent_user2)
    with pytest.raises(ValidationError) as exc:
        services.session_update(actor=organiser, session=published, data={"capacity": 1})
    assert "已有 2 人报名" in exc.value.message_dict["capacity"][0]
    session = services.session_update(actor=organiser, session=published, data={"capacity": 2, "title": "新标题"})
    assert (session.capacity, session.title) == (2, "新标题")


def test_edit_refused_when_held(organiser):
    with pytest.raises(Conflict):
        services.session_update(actor=organiser, session=SessionFactory(state=S.HELD), data={"title": "x"})


def test_the_database_keeps_the_rules_too(organiser):
    from django.db import IntegrityError, transaction

    base = SessionFactory()
    for change in ({"capacity": 0}, {"ends_at": base.starts_at}, {"signup_closes_at": base.starts_at + datetime.timedelta(hours=1)},
                   {"venue": ""}, {"seats_taken": base.capacity + 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TrainingSession.objects.filter(pk=base.pk).update(**change)
