"""Internal notes on tickets (内部备注): staff only, @mentions resolved only to staff who may see the ticket and told
with a link to the note; never shown to the enterprise (page and API)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from audit.models import AuditEvent
from notifications.models import Notification
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import TicketNote
from tickets.tests.api_helpers import api_as
from tickets.tests.handling_states import detail_url, enterprise_ticket
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(username="t_handler_scjg2", last_name="李", first_name="娜", role=Role.HANDLER,
                       department=department("anshun-scjg"))


@pytest.fixture
def leader(db):
    return UserFactory(username="t_leader", role=Role.LEADER, department=department("anshun-zfb"))


@pytest.fixture
def ticket(office_clerk, lead_handler):
    return handling_ticket(office_clerk, lead_handler, co=("anshun-sw",))


def note_url(ticket):
    return reverse("tickets:ticket_note", args=[ticket.pk])


def write(client, ticket, body, capture=None):
    if capture is None:
        return client.post(note_url(ticket), {"note-body": body})
    with capture(execute=True):
        return client.post(note_url(ticket), {"note-body": body})


def error_of(response) -> str:
    import re

    match = re.search(r'id="id_note-body_error">([^<]*)</div>', response.content.decode())
    return match.group(1) if match else ""


# --- happy paths ---------------------------------------------------------------------------------------------------
def test_a_handler_writes_a_note_mentioning_a_colleague_by_name(client, ticket, lead_handler, colleague,
                                                                django_capture_on_commit_callbacks):
    client.force_login(lead_handler)
    response = write(client, ticket, "@李娜请核实企业提交的材料，明天前回复。", django_capture_on_commit_callbacks)
    note = TicketNote.objects.get(ticket=ticket)
    assert response.status_code == 302 and response.url == f"{detail_url(ticket)}#note-{note.pk}"
    assert "已通知被提及的 1 人" in flashed(response)[0]
    assert note.author == lead_handler and list(note.mentions.all()) == [colleague]
    told = Notification.objects.get(recipient=colleague, event="mention")
    assert told.url == f"/tickets/{ticket.pk}/#note-{note.pk}"
    assert told.title == f"{lead_handler}在工单 {ticket.number} 的内部备注中提到了您"
    assert "请核实企业提交的材料" in told.body
    assert AuditEvent.objects.filter(action="ticket.note", actor=lead_handler).count() == 1
    page = client.get(detail_url(ticket)).content.decode()
    assert f'id="note-{note.pk}"' in page and "请核实企业提交的材料" in page and "已提醒：李娜" in page


def test_mentions_by_username_reach_the_office_and_a_co_department(client, ticket, lead_handler, office_clerk, other_handler,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(lead_handler)
    write(client, ticket, f"@{office_clerk.username} 与 @{other_handler.username}：协办意见已收到。",
          django_capture_on_commit_callbacks)
    note = TicketNote.objects.get()
    assert set(note.mentions.all()) == {office_clerk, other_handler}
    assert Notification.objects.filter(event="mention", recipient__in=[office_clerk, other_handler]).count() == 2
    # The co-department's handler and the office read the note too; each may write one.
    for user in (other_handler, office_clerk):
        client.force_login(user)
        assert "协办意见已收到" in client.get(detail_url(ticket)).content.decode()
        assert write(client, ticket, "已阅。").status_code == 302
    assert TicketNote.objects.count() == 3


def test_an_email_address_is_not_a_mention_and_the_author_is_not_told(client, ticket, lead_handler,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(lead_handler)
    write(client, ticket, f"企业邮箱 boss@example.com；@{lead_handler.username} 自己备忘。", django_capture_on_commit_callbacks)
    note = TicketNote.objects.get()
    assert list(note.mentions.all()) == [lead_handler]
    assert not Notification.objects.filter(event="mention").exists()


# --- refused mentions and bad input: nothing saved ------------------------------------------------------------------
def test_mentioning_someone_who_may_not_see_the_ticket_is_refused(client, ticket, lead_handler, outsider, enterprise_user,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(lead_handler)
    response = write(client, ticket, f"@{outsider.username} 请关注", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert error_of(response) == f"“{outsider}（普定县市场监督管理局）”无权查看该工单，不能提及。"
    assert "请关注" in response.content.decode()  # what was typed is kept
    response = write(client, ticket, f"@{enterprise_user.username} 请关注", django_capture_on_commit_callbacks)
    assert error_of(response) == f"找不到用户“{enterprise_user.username}”。"  # enterprises are never mentionable
    assert not TicketNote.objects.exists()
    assert not Notification.objects.filter(event="mention").exists()


def test_unknown_and_ambiguous_names_are_refused(client, ticket, lead_handler):
    UserFactory(username="t_wang1", last_name="王", first_name="芳", role=Role.HANDLER, department=department("anshun-scjg"))
    UserFactory(username="t_wang2", last_name="王", first_name="芳", role=Role.OFFICE, department=department("anshun-zwfw"))
    client.force_login(lead_handler)
    assert error_of(write(client, ticket, "@无此人 请看")) == "找不到用户“无此人”。"
    assert "有多名用户叫“王芳”，请改用 @用户名 提及" in error_of(write(client, ticket, "@王芳 请看"))
    assert write(client, ticket, "@t_wang2 请看").status_code == 302
    assert not TicketNote.objects.exclude(body="@t_wang2 请看").exists()


@pytest.mark.parametrize(("body", "message"), [
    ("", "请填写备注内容。"),
    ("   ", "请填写备注内容。"),
    ("长" * 2001, "备注内容不能超过 2000 个字。"),
])
def test_bad_input_is_refused_in_chinese(client, ticket, lead_handler, body, message):
    client.force_login(lead_handler)
    response = write(client, ticket, body)
    assert response.status_code == 200 and error_of(response) == message
    assert not TicketNote.objects.exists()


# --- who may read and write ----------------------------------------------------------------------------------------
def test_a_leader_reads_notes_but_may_not_write(client, ticket, lead_handler, leader):
    workflow.ticket_add_note(actor=lead_handler, ticket=ticket, body="内部：企业诉求涉及两个部门。")
    client.force_login(leader)
    page = client.get(detail_url(ticket)).content.decode()
    assert "企业诉求涉及两个部门" in page and 'action="/tickets/%d/notes/"' % ticket.pk not in page
    assert write(client, ticket, "领导批示").status_code == 403
    assert TicketNote.objects.count() == 1


def test_an_outsider_gets_404(client, ticket, outsider):
    client.force_login(outsider)
    assert write(client, ticket, "看看").status_code == 404
    assert client.get(reverse("tickets:mention_candidates", args=[ticket.pk])).status_code == 404
    assert not TicketNote.objects.exists()


def test_get_on_the_note_url_is_405(client, ticket, lead_handler):
    client.force_login(lead_handler)
    assert client.get(note_url(ticket)).status_code == 405


def test_the_enterprise_never_sees_notes(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    workflow.ticket_add_note(actor=lead_handler, ticket=ticket, body="内部意见：该企业材料存疑。")
    client.force_login(lead_handler)
    assert "该企业材料存疑" in client.get(detail_url(ticket)).content.decode()
    client.force_login(enterprise_user)
    page = client.get(detail_url(ticket)).content.decode()
    assert page and "该企业材料存疑" not in page and "内部备注" not in page
    demand = ticket.demands.get()
    assert "该企业材料存疑" not in client.get(reverse("tickets:demand_detail", args=[demand.pk])).content.decode()
    assert write(client, ticket, "企业想写备注").status_code == 403
    assert client.get(reverse("tickets:mention_candidates", args=[ticket.pk])).status_code == 403
    # The API: nothing of the note, and no way to write one.
    seen = api_as(enterprise_user).get(f"/api/v1/tickets/{ticket.pk}/")
    assert seen.status_code == 200 and seen.json()["notes"] == [] and "该企业材料存疑" not in seen.content.decode()
    listed = api_as(enterprise_user).get("/api/v1/tickets/")
    assert "该企业材料存疑" not in listed.content.decode()
    refused = api_as(enterprise_user).post(f"/api/v1/tickets/{ticket.pk}/actions/add_note/", {"body": "x"}, format="json")
    assert refused.status_code == 403
    assert api_as(office_clerk).get(f"/api/v1/tickets/{ticket.pk}/").json()["notes"][0]["body"] == "内部意见：该企业材料存疑。"


def test_the_api_writes_a_note_with_mentions(ticket, lead_handler, colleague, outsider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/add_note/",
                                             {"body": f"@{colleague.username} 请跟进"}, format="json")
    assert response.status_code == 200
    assert response.json()["notes"] == [{
        "id": TicketNote.objects.get().pk, "author": lead_handler.username, "body": f"@{colleague.username} 请跟进",
        "mentions": [colleague.username], "created_at": response.json()["notes"][0]["created_at"],
    }]
    assert Notification.objects.filter(recipient=colleague, event="mention").count() == 1
    bad = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/add_note/", {"body": f"@{outsider.username}"},
                                    format="json")
    assert bad.status_code == 400 and "无权查看该工单" in bad.json()["errors"]["body"][0]
    assert api_as(outsider).post(f"/api/v1/tickets/{ticket.pk}/actions/add_note/", {"body": "x"},
                                 format="json").status_code == 404
    assert TicketNote.objects.count() == 1


def test_mention_candidates_are_staff_who_may_see_the_ticket(client, ticket, lead_handler, colleague, outsider):
    client.force_login(lead_handler)
    found = client.get(reverse("tickets:mention_candidates", args=[ticket.pk]), {"q": "t_"}).json()["results"]
    usernames = {person["username"] for person in found}
    assert colleague.username in usernames and lead_handler.username in usernames
    assert outsider.username not in usernames
    by_name = client.get(reverse("tickets:mention_candidates", args=[ticket.pk]), {"q": "李"}).json()["results"]
    assert by_name == [{"username": colleague.username, "name": "李娜", "department": "市市场监督管理局"}]


# --- cost ----------------------------------------------------------------------------------------------------------
def test_notes_add_no_query_per_note_or_mention(client, ticket, lead_handler, colleague, office_clerk, other_handler,
                                                django_assert_max_num_queries):
    client.force_login(lead_handler)
    counts = []
    for total in (1, 6):
        while TicketNote.objects.filter(ticket=ticket).count() < total:
            workflow.ticket_add_note(actor=office_clerk, ticket=ticket,
                                     body=f"@{colleague.username} @{other_handler.username} 第 {total} 轮")
        client.get(detail_url(ticket))
        with django_assert_max_num_queries(NOTES_PAGE_QUERIES) as captured:
            response = client.get(detail_url(ticket))
        assert response.content.decode().count('data-testid="note"') == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


# A handling ticket with a co-department: the page's usual queries, plus the notes and their mentions.
NOTES_PAGE_QUERIES = 13
