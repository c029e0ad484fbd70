"""The public side: /rotation/ shows this year's published plans and the turn under way; the portal's home has the
block "本期商会轮值"; a draft plan shows nowhere in public."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chambers.tests.factories import EntryFactory, PlanFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    """Read when the test runs, never at import: a run that crosses midnight (Asia/Shanghai) must not see yesterday."""
    return timezone.localdate()


@pytest.fixture
def published(zhejiang, fujian):
    TODAY = today()  # noqa: N806
    plan = PlanFactory(year=TODAY.year, published_at=timezone.now())
    current = EntryFactory(plan=plan, chamber=zhejiang, starts_on=TODAY, ends_on=TODAY, theme="本期：用工座谈")
    later = EntryFactory(plan=plan, chamber=fujian, starts_on=datetime.date(TODAY.year, 1, 1),
                         ends_on=datetime.date(TODAY.year, 1, 1), theme="年初：融资座谈")
    return current, later


def test_rotation_page_shows_the_plan_and_the_current_turn(client, published):
    response = client.get(reverse("chambers:rotation"))
    html = response.content.decode()
    assert response.status_code == 200 and "年初：融资座谈" in html
    assert next(e.theme for e in response.context["current"]) == "本期：用工座谈"
    assert 'data-testid="current-rotation"' in html and "轮值中" in html


def test_a_draft_plan_is_not_public(client, zhejiang):
    TODAY = today()  # noqa: N806
    EntryFactory(plan=PlanFactory(year=TODAY.year), chamber=zhejiang, starts_on=TODAY, ends_on=TODAY, theme="草稿主题")
    html = client.get(reverse("chambers:rotation")).content.decode()
    assert "草稿主题" not in html and "尚未发布" in html
    assert "草稿主题" not in client.get("/").content.decode()


def test_portal_home_shows_the_current_rotation(client, published):
    html = client.get("/").content.decode()
    assert "本期商会轮值" in html and "本期：用工座谈" in html and "安顺市浙江商会" in html
    assert reverse("chambers:rotation") in html


def test_portal_home_without_rotation(client, db):
    assert "当前没有正在进行的商会轮值。" in client.get("/").content.decode()


def test_rotation_page_is_get_only(client, db):
    assert client.post(reverse("chambers:rotation")).status_code == 405
