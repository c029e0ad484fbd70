"""Department staff's screens: the list with per-session figures (query count pinned), create with bad input, the
session page with its acts, attendance by checkboxes, cancel with a reason; outsiders 404, wrong roles 403, GET 405."""

import pytest
from django.urls import reverse

from trainings.models import Feedback, TrainingSession
from trainings.tests.factories import SessionFactory, later, register

pytestmark = pytest.mark.django_db
S = TrainingSession.State


def form_body(**overrides) -> dict:
    body = {"topic": "tax", "title": "增值税留抵退税政策宣讲", "description": "", "starts_at": "2099-05-10T09:30",
            "ends_at": "2099-05-10T11:30", "signup_closes_at": "2099-05-09T18:00", "venue": "市税务局报告厅",
            "online_url": "", "capacity": "40"}
    body.update(overrides)
    return body


def test_create_from_the_form(client, organiser):
    client.force_login(organiser)
    assert client.get(reverse("trainings:staff_create")).status_code == 200
    response = client.post(reverse("trainings:staff_create"), form_body())
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("trainings:staff_detail", args=[session.pk])
    assert session.state == S.DRAFT and session.topic == "tax"


def test_bad_form_keeps_input_and_saves_nothing(client, organiser):
    client.force_login(organiser)
    response = client.post(reverse("trainings:staff_create"),
                           form_body(ends_at="2099-05-10T08:00", venue="", capacity="0"))
    text = response.content.decode()
    assert response.status_code == 400 and "名额必须大于 0" in text
    assert "增值税留抵退税政策宣讲" in text
    assert not TrainingSession.objects.exists()
    response = client.post(reverse("trainings:staff_create"), form_body(ends_at="2099-05-10T08:00", venue=""))
    text = response.content.decode()
    assert "结束时间必须晚于开始时间" in text and "请填写地点或线上参加网址" in text
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("persona", ["ent_user", "leader"])
def test_wrong_roles_get_403(client, persona, request, draft):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("trainings:staff_list")).status_code == 403
    assert client.get(reverse("trainings:staff_detail", args=[draft.pk])).status_code == 403
    assert client.post(reverse("trainings:staff_publish", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["other_department", "county_office", "county_handler"])
def test_outsiders_get_404(client, persona, request, draft):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("trainings:staff_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("trainings:staff_publish", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_get_on_post_only_is_405(client, organiser, draft):
    client.force_login(organiser)
    for name in ("staff_publish", "staff_hold", "staff_cancel", "staff_attendance", "staff_attachment"):
        assert client.get(reverse(f"trainings:{name}", args=[draft.pk])).status_code == 405


def test_publish_then_cancel_from_the_page(client, organiser, draft):
    client.force_login(organiser)
    page = client.get(reverse("trainings:staff_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="publish"' in page and 'data-testid="hold"' not in page
    response = client.post(reverse("trainings:staff_publish", args=[draft.pk]), follow=True)
    assert "培训已发布" in response.content.decode()
    response = client.post(reverse("trainings:staff_publish", args=[draft.pk]), follow=True)
    assert "不能发布" in response.content.decode()
    response = client.post(reverse("trainings:staff_cancel", args=[draft.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写取消原因" in response.content.decode()
    response = client.post(reverse("trainings:staff_cancel", args=[draft.pk]), {"reason": "场地检修"}, follow=True)
    assert "已通知全部报名人" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.CANCELLED


def test_the_office_acts_on_any_session_of_its_region(client, city_office, draft):
    client.force_login(city_office)
    client.post(reverse("trainings:staff_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == S.PUBLISHED


def test_attendance_by_checkboxes_and_hold(client, organiser, ent_user, ent_user2):
    session = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=-2), signup_closes_at=later(days=-1))
    register(session, ent_user)
    register(session, ent_user2)
    client.force_login(organiser)
    page = client.get(reverse("trainings:staff_detail", args=[session.pk])).content.decode()
    assert 'data-testid="save-attendance"' in page and 'data-testid="hold"' in page
    response = client.post(reverse("trainings:staff_attendance", args=[session.pk]), {"present": ["t_ent2"]},
                           follow=True)
    assert "出席 1 人" in response.content.decode()
    assert list(session.registrations.filter(attended=True).values_list("user__username", flat=True)) == ["t_ent2"]
    client.post(reverse("trainings:staff_hold", args=[session.pk]))
    session.refresh_from_db()
    assert session.state == S.HELD


def test_attendance_before_start_is_refused(client, organiser, published, ent_user):
    register(published, ent_user)
    client.force_login(organiser)
    page = client.get(reverse("trainings:staff_detail", args=[published.pk])).content.decode()
    assert "培训开始后可以登记出席" in page
    response = client.post(reverse("trainings:staff_attendance", args=[published.pk]), {"present": ["t_ent"]},
                           follow=True)
    assert "尚未开始" in response.content.decode()
    assert not published.registrations.filter(attended=True).exists()


def test_list_shows_figures_with_pinned_queries(client, organiser, ent_user, ent_user2, django_assert_max_num_queries):
    held = SessionFactory(state=S.HELD, title="已举办的培训", capacity=20, starts_at=later(days=-2),
                          signup_closes_at=later(days=-3))
    first = register(held, ent_user, attended=True)
    second = register(held, ent_user2, attended=True)
    Feedback.objects.create(registration=first, score=5)
    Feedback.objects.create(registration=second, score=4)
    for _ in range(10):
        SessionFactory(state=S.PUBLISHED)
    SessionFactory(department_id=other_id())
    client.force_login(organiser)
    client.get(reverse("trainings:staff_list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trainings:staff_list"))
    text = response.content.decode()
    assert text.count('href="/trainings/manage/') >= 11
    row = text[text.index("已举办的培训"):]
    row = row[:row.index("</tr>")]
    assert "4.5" in row and "<td class=\"text-end\">20</td>" in row and "<td class=\"text-end\">2</td>" in row


def other_id():
    from accounts.models import Department

    return Department.objects.get(code="anshun-fgw").pk


def test_edit_a_published_session(client, organiser, published):
    client.force_login(organiser)
    response = client.post(reverse("trainings:staff_edit", args=[published.pk]), form_body(title="改过的标题"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "改过的标题"


def test_upload_slides_checked_like_other_uploads(client, organiser, published):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organiser)
    bad = SimpleUploadedFile("宏.docm", b"PK\x03\x04", "application/vnd.ms-word.document.macroEnabled.12")
    response = client.post(reverse("trainings:staff_attachment", args=[published.pk]), {"file": bad})
    assert response.status_code == 400 and not published.attachments.exists()
    good = SimpleUploadedFile("课件.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              "application/pdf")
    response = client.post(reverse("trainings:staff_attachment", args=[published.pk]), {"file": good})
    assert response.status_code == 302 and published.attachments.count() == 1
