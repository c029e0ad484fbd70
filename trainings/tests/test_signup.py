"""An enterprise user's sign-up, its cancellation, attendance and feedback: allowed and refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import EnterpriseUserFactory
from core.errors import Conflict
from trainings import services
from trainings.models import Feedback, Registration, TrainingSession
from trainings.tests.factories import SessionFactory, later, register

pytestmark = pytest.mark.django_db
S = TrainingSession.State


def test_sign_up_takes_one_seat(published, ent_user):
    registration = services.signup(actor=ent_user, session=published)
    published.refresh_from_db()
    assert registration.enterprise_id == ent_user.enterprise_id
    assert (published.seats_taken, published.seats_left) == (1, published.capacity - 1)


def test_one_seat_per_user(published, ent_user):
    services.signup(actor=ent_user, session=published)
    with pytest.raises(Conflict) as exc:
        services.signup(actor=ent_user, session=published)
    assert exc.value.message == services.ALREADY
    published.refresh_from_db()
    assert published.seats_taken == 1


def test_full_session_answers_full(ent_user, ent_user2):
    session = SessionFactory(state=S.PUBLISHED, capacity=1)
    services.signup(actor=ent_user, session=session)
    with pytest.raises(Conflict) as exc:
        services.signup(actor=ent_user2, session=session)
    assert "已满" in exc.value.message
    assert Registration.objects.filter(session=session).count() == 1


def test_closed_and_cancelled_and_draft_refuse(ent_user):
    closed = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=3), signup_closes_at=later(hours=-1))
    with pytest.raises(Conflict, match="报名已截止"):
        services.signup(actor=ent_user, session=closed)
    with pytest.raises(Conflict, match="已取消"):
        services.signup(actor=ent_user, session=SessionFactory(state=S.CANCELLED))
    with pytest.raises(Conflict):
        services.signup(actor=ent_user, session=SessionFactory())
    with pytest.raises(Conflict):
        services.signup(actor=ent_user, session=SessionFactory(state=S.HELD))


@pytest.mark.parametrize("persona", ["organiser", "city_office"])
def test_only_enterprise_users_sign_up(persona, request, published):
    with pytest.raises(PermissionDenied):
        services.signup(actor=request.getfixturevalue(persona), session=published)


def test_cancel_before_close_gives_the_seat_back(published, ent_user):
    services.signup(actor=ent_user, session=published)
    services.signup_cancel(actor=ent_user, session=published)
    published.refresh_from_db()
    assert published.seats_taken == 0 and not Registration.objects.exists()
    services.signup(actor=ent_user, session=published)  # and may sign up again


def test_cancel_refused_after_close_or_without_a_seat(ent_user):
    session = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=3), signup_closes_at=later(hours=-1))
    register(session, ent_user)
    with pytest.raises(Conflict, match="报名已截止"):
        services.signup_cancel(actor=ent_user, session=session)
    with pytest.raises(Conflict, match="没有报名"):
        services.signup_cancel(actor=ent_user, session=SessionFactory(state=S.PUBLISHED))


# --- attendance ------------------------------------------------------------------------------------------------------
def started(**kwargs):
    return SessionFactory(state=kwargs.pop("state", S.PUBLISHED), starts_at=later(hours=-3),
                          signup_closes_at=later(days=-1), **kwargs)


def test_organiser_records_attendance_after_the_start(organiser, ent_user, ent_user2):
    session = started()
    register(session, ent_user)
    register(session, ent_user2)
    assert services.attendance_record(actor=organiser, session=session, usernames=["t_ent"], attended=True) == 1
    assert list(session.registrations.filter(attended=True).values_list("user__username", flat=True)) == ["t_ent"]
    services.attendance_set(actor=organiser, session=session, present={"t_ent2"})
    assert list(session.registrations.filter(attended=True).values_list("user__username", flat=True)) == ["t_ent2"]


def test_attendance_refused_before_start_for_strangers_and_for_others(organiser, other_department, published, ent_user):
    register(published, ent_user)
    with pytest.raises(Conflict, match="尚未开始"):
        services.attendance_record(actor=organiser, session=published, usernames=["t_ent"], attended=True)
    session = started()
    register(session, ent_user)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=organiser, session=session, usernames=["t_ent", "nobody"], attended=True)
    assert "nobody" in exc.value.message_dict["users"][0]
    assert not session.registrations.filter(attended=True).exists()
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=other_department, session=session, usernames=["t_ent"], attended=True)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=ent_user, session=session, usernames=["t_ent"], attended=True)
    with pytest.raises(Conflict):
        services.attendance_record(actor=organiser, session=started(state=S.CANCELLED), usernames=["t_ent"],
                                   attended=True)


# --- feedback --------------------------------------------------------------------------------------------------------
def ended(**kwargs):
    return SessionFactory(state=kwargs.pop("state", S.HELD), starts_at=later(hours=-5),
                          signup_closes_at=later(days=-1), ends_at=later(hours=-3), **kwargs)


def test_attendee_gives_feedback_once_after_the_end(ent_user):
    session = ended()
    register(session, ent_user, attended=True)
    feedback = services.feedback_give(actor=ent_user, session=session, score=4, comment=" 很实用 ")
    assert (feedback.score, feedback.comment) == (4, "很实用")
    with pytest.raises(Conflict, match="已评价"):
        services.feedback_give(actor=ent_user, session=session, score=5)
    assert Feedback.objects.count() == 1


def test_feedback_refused_before_the_end_and_for_absentees(ent_user, ent_user2):
    running = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=-1), signup_closes_at=later(days=-1),
                             ends_at=later(hours=1))
    register(running, ent_user, attended=True)
    with pytest.raises(Conflict, match="结束后"):
        services.feedback_give(actor=ent_user, session=running, score=5)
    session = ended()
    register(session, ent_user2, attended=False)
    with pytest.raises(PermissionDenied):
        services.feedback_give(actor=ent_user2, session=session, score=5)
    stranger = EnterpriseUserFactory()
    with pytest.raises(PermissionDenied):
        services.feedback_give(actor=stranger, session=session, score=5)


@pytest.mark.parametrize("score", [0, 6, "五", None, True, 3.5])
def test_feedback_score_is_1_to_5(ent_user, score):
    session = ended()
    register(session, ent_user, attended=True)
    with pytest.raises(ValidationError) as exc:
        services.feedback_give(actor=ent_user, session=session, score=score)
    assert exc.value.message_dict["score"] == ["评分应为 1～5 的整数。"]
    assert not Feedback.objects.exists()
