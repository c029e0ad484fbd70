"""The enterprise user's "我的培训"."""

import pytest
from django.urls import reverse

from trainings.tests.factories import SessionFactory, register

pytestmark = pytest.mark.django_db


def test_my_trainings_lists_my_sign_ups_only(client, ent_user, ent_user2, django_assert_max_num_queries):
    mine = SessionFactory(state="published", title="我报名的培训")
    cancelled = SessionFactory(state="cancelled", title="被取消的培训", cancel_reason="场地检修")
    other = SessionFactory(state="published", title="别人报名的培训")
    register(mine, ent_user)
    register(cancelled, ent_user)
    register(other, ent_user2)
    for _ in range(5):
        register(SessionFactory(state="published"), ent_user)
    client.force_login(ent_user)
    client.get(reverse("trainings:mine"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trainings:mine"))
    text = response.content.decode()
    assert "我报名的培训" in text and "别人报名的培训" not in text
    assert "被取消的培训" in text and "场地检修" in text


def test_my_trainings_is_in_the_enterprise_menu(client, ent_user):
    client.force_login(ent_user)
    assert reverse("trainings:mine") in client.get(reverse("trainings:mine")).content.decode()


def test_staff_get_403(client, organiser):
    client.force_login(organiser)
    assert client.get(reverse("trainings:mine")).status_code == 403
