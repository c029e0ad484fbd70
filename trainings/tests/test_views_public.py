"""Public pages (no login): only published/held sessions, only public fields; sign-up and cancellation buttons for an
enterprise user, a login link for others; query counts pinned on the list; the portal's block."""

import pytest
from django.urls import reverse

from trainings.models import Registration, TrainingSession
from trainings.tests.factories import SessionFactory, later, register

pytestmark = pytest.mark.django_db
S = TrainingSession.State


def test_anonymous_list_shows_upcoming_published_only(client):
    shown = SessionFactory(state=S.PUBLISHED, title="即将举办的税费培训", topic="tax")
    SessionFactory(state=S.DRAFT, title="草稿培训")
    SessionFactory(state=S.CANCELLED, title="已取消培训")
    response = client.get(reverse("trainings:public_list"))
    text = response.content.decode()
    assert response.status_code == 200 and shown.title in text
    assert "草稿培训" not in text and "已取消培训" not in text
    assert "税费减免" in text  # the topic's Chinese name


def test_topic_filter_and_bad_topic(client):
    SessionFactory(state=S.PUBLISHED, title="税费培训", topic="tax")
    SessionFactory(state=S.PUBLISHED, title="法律培训", topic="legal")
    text = client.get(reverse("trainings:public_list"), {"topic": "legal"}).content.decode()
    assert "法律培训" in text and "税费培训" not in text
    response = client.get(reverse("trainings:public_list"), {"topic": "nonsense"})
    assert response.status_code == 200 and "已忽略" in response.content.decode()


def test_list_query_count(client, django_assert_max_num_queries):
    for _ in range(10):
        SessionFactory(state=S.PUBLISHED)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("trainings:public_list"))
    assert response.content.decode().count('href="/trainings/') >= 10


def test_list_query_count_for_an_enterprise_user(client, ent_user, django_assert_max_num_queries):
    for _ in range(10):
        register(SessionFactory(state=S.PUBLISHED), ent_user)
    client.force_login(ent_user)
    client.get(reverse("trainings:public_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("trainings:public_list"))
    assert response.content.decode().count("已报名") >= 10


@pytest.mark.parametrize("state", [S.DRAFT, S.CANCELLED])
def test_a_session_not_public_is_404(client, state):
    session = SessionFactory(state=state)
    assert client.get(reverse("trainings:public_detail", args=[session.pk])).status_code == 404


def test_anonymous_detail_shows_a_login_link_and_no_internal_fields(client, published):
    text = client.get(reverse("trainings:public_detail", args=[published.pk])).content.decode()
    assert published.title in text and "登录后报名" in text and 'data-testid="signup"' not in text
    assert published.created_by.get_full_name() not in text


def test_enterprise_user_signs_up_and_cancels_from_the_page(client, ent_user, published):
    client.force_login(ent_user)
    page = client.get(reverse("trainings:public_detail", args=[published.pk])).content.decode()
    assert 'data-testid="signup"' in page
    response = client.post(reverse("trainings:signup", args=[published.pk]), follow=True)
    assert "报名成功" in response.content.decode() and 'data-testid="signed-up"' in response.content.decode()
    assert Registration.objects.filter(session=published, user=ent_user).exists()
    response = client.post(reverse("trainings:signup", args=[published.pk]), follow=True)
    assert "您已报名这场培训" in response.content.decode()
    response = client.post(reverse("trainings:signup_cancel", args=[published.pk]), follow=True)
    assert "已取消报名" in response.content.decode()
    assert not Registration.objects.exists()


def test_full_session_says_so(client, ent_user, ent_user2):
    session = SessionFactory(state=S.PUBLISHED, capacity=1)
    register(session, ent_user2)
    client.force_login(ent_user)
    assert "已满" in client.get(reverse("trainings:public_detail", args=[session.pk])).content.decode()
    response = client.post(reverse("trainings:signup", args=[session.pk]), follow=True)
    assert "已满" in response.content.decode()


def test_staff_user_sign_up_is_403_and_get_is_405(client, organiser, published):
    client.force_login(organiser)
    assert client.post(reverse("trainings:signup", args=[published.pk])).status_code == 403
    assert client.get(reverse("trainings:signup", args=[published.pk])).status_code == 405


def test_anonymous_sign_up_goes_to_login(client, published):
    response = client.post(reverse("trainings:signup", args=[published.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_feedback_form_after_the_end(client, ent_user):
    session = SessionFactory(state=S.HELD, starts_at=later(hours=-3), ends_at=later(hours=-1),
                             signup_closes_at=later(days=-1))
    register(session, ent_user, attended=True)
    client.force_login(ent_user)
    assert 'data-testid="feedback-box"' in client.get(reverse("trainings:public_detail", args=[session.pk])).content.decode()
    response = client.post(reverse("trainings:feedback", args=[session.pk]), {"score": "9"})
    assert response.status_code == 400 and "评分" in response.content.decode()
    response = client.post(reverse("trainings:feedback", args=[session.pk]), {"score": "4", "comment": "好"}, follow=True)
    text = response.content.decode()
    assert "感谢您的评价" in text and 'data-testid="feedback-given"' in text and 'data-testid="feedback-box"' not in text


def test_attachment_public_once_published(client, organiser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from trainings import services

    session = SessionFactory()
    attachment = services.attachment_add(actor=organiser, session=session,
                                         upload=SimpleUploadedFile("讲义.txt", "政策要点".encode(), "text/plain"))
    url = reverse("trainings:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    client.logout()
    TrainingSession.objects.filter(pk=session.pk).update(state=S.PUBLISHED)
    assert client.get(url).status_code == 200


def test_portal_lists_upcoming_trainings(client):
    soon = SessionFactory(state=S.PUBLISHED, title="下周的融资培训")
    SessionFactory(state=S.DRAFT, title="草稿不上首页")
    text = client.get("/").content.decode()
    assert "近期政策宣讲培训" in text and soon.title in text and "草稿不上首页" not in text
