"""The office asks the enterprise on the platform to consent to a merge (§4.2.1(2)); the enterprise agrees (the demand
is merged, consent recorded as given online) or declines (the office decides again): workflow, screens and API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from core.errors import Conflict
from notifications.models import Notification
from tickets import workflow
from tickets.models import Demand, MergeProposal, Ticket
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import dispatched_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a workflow function and run what it queued for after the commit (the notifications)."""

    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.fixture
def online(enterprise_user):
    return register(enterprise_user, channel="online", title="园区道路破损影响货车通行")


@pytest.fixture
def target(office_clerk):
    return dispatched_ticket(office_clerk, lead="anshun-zjj", title="工业园区主干道破损维修")


def propose(office_clerk, demand, target, message="交通局已在办理同一路段的维修"):
    return workflow.demand_propose_merge(actor=office_clerk, demand=demand, into=target.pk, message=message)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def triage_url(demand):
    return reverse("tickets:triage", args=[demand.pk])


def answer_url(demand):
    return reverse("tickets:demand_answer_merge", args=[demand.pk])


# --- workflow ------------------------------------------------------------------------------------------------------
def test_proposal_keeps_the_demand_in_triage_and_tells_the_enterprise(run, office_clerk, online, target, enterprise_user):
    proposal = run(propose, office_clerk=office_clerk, demand=online, target=target)
    assert proposal.state == MergeProposal.State.PENDING and proposal.ticket == target
    demand = reload(online)
    assert demand.state == Demand.State.REGISTERED and demand.ticket_id is None and demand.triage_due_at is not None
    assert demand.events.last().action == "propose_merge"
    note = Notification.objects.get(recipient=enterprise_user, event="merge_proposal")
    assert "市住房和城乡建设局" in note.body and note.url == reverse("tickets:demand_detail", args=[online.pk])


def test_consent_online_merges_at_once_and_records_who_and_how(run, office_clerk, online, target, enterprise_user):
    enterprise_user.first_name, enterprise_user.last_name = "晓燕", "刘"
    enterprise_user.save()
    propose(office_clerk, online, target)
    proposal = run(workflow.demand_answer_merge, actor=enterprise_user, demand=online, consent=True)
    assert proposal.state == MergeProposal.State.ACCEPTED and proposal.answered_by == enterprise_user
    demand = reload(online)
    assert demand.state == Demand.State.MERGED and demand.ticket_id == target.pk
    assert (demand.consent_by, demand.consent_method) == (enterprise_user.get_full_name(), "online")
    assert demand.consent_at == proposal.answered_at
    assert reload(target).events.last().action == "merge"
    office_note = Notification.objects.get(recipient=office_clerk, event="merge_answer")
    assert "企业同意合并" in office_note.body


def test_refusal_leaves_the_demand_with_the_office_with_the_reason(run, office_clerk, online, target, enterprise_user):
    propose(office_clerk, online, target)
    proposal = run(workflow.demand_answer_merge, actor=enterprise_user, demand=online, consent=False, note="我们是另一条路")
    assert proposal.state == MergeProposal.State.DECLINED and proposal.answer_note == "我们是另一条路"
    demand = reload(online)
    assert demand.state == Demand.State.REGISTERED and demand.ticket_id is None
    office_note = Notification.objects.get(recipient=office_clerk, event="merge_answer")
    assert "不同意合并" in office_note.body and "我们是另一条路" in office_note.body
    assert office_note.url == triage_url(online)
    # The office may ask again (about another ticket, or after talking to the enterprise).
    assert propose(office_clerk, online, target).state == MergeProposal.State.PENDING


def test_only_the_regions_office_proposes_and_only_once_at_a_time(office_clerk, online, target, specialist, county_office):
    for actor in (specialist, county_office):  # another role of the region; the office of another region
        with pytest.raises(PermissionDenied):
            propose(actor, online, target)
    propose(office_clerk, online, target)
    with pytest.raises(Conflict, match="正在等待企业答复"):
        propose(office_clerk, online, target)
    assert MergeProposal.objects.count() == 1


def test_a_demand_nobody_can_answer_online_is_refused(office_clerk, target):
    hotline = register(office_clerk)  # its enterprise has no user on the platform
    with pytest.raises(ValidationError, match="电话等方式征得诉求人同意"):
        propose(office_clerk, hotline, target)
    anonymous = register(office_clerk, anonymous=True, enterprise_name="", enterprise_uscc="", requester_name="",
                         requester_phone="")
    with pytest.raises(ValidationError):
        propose(office_clerk, anonymous, target)
    assert not MergeProposal.objects.exists()


def test_the_target_must_be_an_open_ticket_of_the_region(office_clerk, online, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.ARCHIVED)
    with pytest.raises(ValidationError) as excinfo:
        propose(office_clerk, online, ticket)
    assert "只能合并到尚在办理的工单" in excinfo.value.message_dict["into"][0]
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_propose_merge(actor=office_clerk, demand=online, into="abc")
    assert "into" in excinfo.value.message_dict
    assert not MergeProposal.objects.exists()


def test_only_the_enterprise_answers_and_it_must_say_yes_or_no(office_clerk, online, target, enterprise_user):
    propose(office_clerk, online, target)
    stranger = EnterpriseUserFactory()
    for actor in (office_clerk, stranger):
        with pytest.raises(PermissionDenied):
            workflow.demand_answer_merge(actor=actor, demand=online, consent=True)
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_answer_merge(actor=enterprise_user, demand=online, consent=None)
    assert "consent" in excinfo.value.message_dict
    assert reload(online).state == Demand.State.REGISTERED
    assert MergeProposal.objects.get().state == MergeProposal.State.PENDING


def test_another_decision_lets_the_proposal_lapse(office_clerk, online, target, enterprise_user):
    proposal = propose(office_clerk, online, target)
    workflow.demand_request_materials(actor=office_clerk, demand=online, missing="道路破损照片")
    proposal = reload(proposal)
    assert proposal.state == MergeProposal.State.LAPSED and "待补充材料" in proposal.answer_note
    with pytest.raises(Conflict, match="没有待您确认的合并征询"):
        workflow.demand_answer_merge(actor=enterprise_user, demand=online, consent=True)
    assert reload(online).state == Demand.State.AWAITING_MATERIALS


def test_a_ticket_closed_meanwhile_cannot_take_the_merge(run, office_clerk, online, target, enterprise_user):
    proposal = propose(office_clerk, online, target)
    Ticket.objects.filter(pk=target.pk).update(state=Ticket.State.ARCHIVED)
    proposal = run(workflow.demand_answer_merge, actor=enterprise_user, demand=online, consent=True)
    assert proposal.state == MergeProposal.State.LAPSED
    assert reload(online).state == Demand.State.REGISTERED
    assert "请重新研判" in Notification.objects.get(recipient=office_clerk, event="merge_answer").body


# --- the office's screen --------------------------------------------------------------------------------------------
def test_office_sends_the_proposal_from_the_triage_page(client, office_clerk, online, target):
    client.force_login(office_clerk)
    html = client.get(triage_url(online)).content.decode()
    assert 'data-testid="propose-merge"' in html and "向企业发出合并征询" in html
    response = client.post(triage_url(online), {"decision": "propose_merge", "propose_merge-into": target.pk,
                                                "propose_merge-message": "同一路段"})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:triage_queue")
    assert MergeProposal.objects.get().message == "同一路段"
    html = client.get(triage_url(online)).content.decode()
    assert 'data-testid="pending-proposal"' in html and target.number in html
    assert 'data-testid="merge-proposal-pending"' in html


def test_office_proposal_without_a_ticket_shows_the_error(client, office_clerk, online, target):
    client.force_login(office_clerk)
    response = client.post(triage_url(online), {"decision": "propose_merge", "propose_merge-into": ""})
    assert response.status_code == 200
    assert "请选择要合并到的工单。" in response.content.decode()
    assert not MergeProposal.objects.exists()


def test_no_proposal_form_for_a_demand_without_an_enterprise_account(client, office_clerk, target):
    hotline = register(office_clerk)
    client.force_login(office_clerk)
    html = client.get(triage_url(hotline)).content.decode()
    assert 'data-testid="no-online-consent"' in html and "向企业发出合并征询" not in html
    response = client.post(triage_url(hotline), {"decision": "propose_merge", "propose_merge-into": target.pk})
    assert response.status_code == 200 and "现在不能向企业征询合并" in response.content.decode()
    assert not MergeProposal.objects.exists()


def test_triage_page_refuses_other_roles_and_hides_from_outsiders(client, online, specialist, lead_handler, outsider,
                                                                  target):
    client.force_login(specialist)  # reads the region's demands, may not triage them
    assert client.post(triage_url(online), {"decision": "propose_merge", "propose_merge-into": target.pk}).status_code == 403
    for stranger in (lead_handler, outsider):  # a department that never saw the demand; another region
        client.force_login(stranger)
        assert client.post(triage_url(online), {"decision": "propose_merge", "propose_merge-into": target.pk}).status_code == 404
    client.force_login(outsider)
    assert client.post(triage_url(online), {"decision": "propose_merge", "propose_merge-into": target.pk}).status_code == 404
    assert not MergeProposal.objects.exists()


# --- the enterprise's screens ---------------------------------------------------------------------------------------
def test_enterprise_confirms_from_its_home_and_demand_page(client, office_clerk, online, target, enterprise_user):
    propose(office_clerk, online, target)
    client.force_login(enterprise_user)
    home = client.get("/").content.decode()
    assert 'data-testid="todo-merge"' in home and "去确认" in home
    page = client.get(reverse("tickets:demand_detail", args=[online.pk])).content.decode()
    assert 'data-testid="merge-proposal"' in page and "市住房和城乡建设局" in page and "交通局已在办理同一路段的维修" in page
    assert target.title not in page  # the other matter's own words stay with the office
    response = client.post(answer_url(online), {"consent": "yes"}, follow=True)
    assert "您已同意合并" in response.content.decode()
    assert reload(online).state == Demand.State.MERGED
    assert 'data-testid="todo-merge"' not in client.get("/").content.decode()


def test_enterprise_declines_with_a_reason(client, office_clerk, online, target, enterprise_user):
    propose(office_clerk, online, target)
    client.force_login(enterprise_user)
    response = client.post(answer_url(online), {"consent": "no", "note": "不是同一条路"}, follow=True)
    assert "联合服务办公室将另行研判" in response.content.decode()
    assert MergeProposal.objects.get().state == MergeProposal.State.DECLINED
    assert reload(online).state == Demand.State.REGISTERED


def test_enterprise_answer_without_a_choice_or_too_long_saves_nothing(client, office_clerk, online, target, enterprise_user):
    propose(office_clerk, online, target)
    client.force_login(enterprise_user)
    response = client.post(answer_url(online), {"note": "嗯"})
    assert response.status_code == 200 and "请选择同意合并或不同意合并。" in response.content.decode()
    response = client.post(answer_url(online), {"consent": "no", "note": "长" * 501})
    assert response.status_code == 200 and "说明不能超过 500 个字。" in response.content.decode()
    assert MergeProposal.objects.get().state == MergeProposal.State.PENDING


def test_answer_without_an_open_proposal_says_so(client, enterprise_user, online):
    client.force_login(enterprise_user)
    response = client.post(answer_url(online), {"consent": "yes"}, follow=True)
    assert "没有待您确认的合并征询" in response.content.decode()
    assert reload(online).state == Demand.State.REGISTERED


def test_answer_refuses_staff_and_hides_from_other_enterprises(client, office_clerk, online, target):
    propose(office_clerk, online, target)
    client.force_login(office_clerk)
    assert client.post(answer_url(online), {"consent": "yes"}).status_code == 403
    client.force_login(EnterpriseUserFactory())
    assert client.post(answer_url(online), {"consent": "yes"}).status_code == 404
    handler = UserFactory(role=Role.HANDLER, department=department("anshun-jtj"))
    client.force_login(handler)
    assert client.post(answer_url(online), {"consent": "yes"}).status_code == 404
    assert MergeProposal.objects.get().state == MergeProposal.State.PENDING


# --- the API --------------------------------------------------------------------------------------------------------
def test_api_propose_and_answer(office_clerk, online, target, enterprise_user):
    response = api_as(office_clerk).post(f"/api/v1/demands/{online.pk}/propose_merge/",
                                         {"into": target.pk, "message": "同一路段"}, format="json")
    assert response.status_code == 200
    proposal = response.json()["merge_proposal"]
    assert (proposal["ticket"], proposal["state"], proposal["lead_department"]) == (target.pk, "pending", "anshun-zjj")
    assert response.json()["state"] == "registered"
    client = api_as(enterprise_user)
    assert client.post(f"/api/v1/demands/{online.pk}/answer_merge/", {"consent": "maybe"}, format="json").status_code == 400
    assert client.post(f"/api/v1/demands/{online.pk}/answer_merge/", {}, format="json").status_code == 400
    response = client.post(f"/api/v1/demands/{online.pk}/answer_merge/", {"consent": True}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "merged" and response.json()["merge_proposal"]["state"] == "accepted"


def test_api_refuses_wrong_roles_and_outsiders(office_clerk, online, target, specialist, lead_handler, outsider):
    url = f"/api/v1/demands/{online.pk}/propose_merge/"
    assert api_as(specialist).post(url, {"into": target.pk}, format="json").status_code == 403
    assert api_as(lead_handler).post(url, {"into": target.pk}, format="json").status_code == 404
    assert api_as(outsider).post(url, {"into": target.pk}, format="json").status_code == 404
    assert api_as(office_clerk).post(url, {"into": None}, format="json").status_code == 400
    assert not MergeProposal.objects.exists()
    propose(office_clerk, online, target)
    answer = f"/api/v1/demands/{online.pk}/answer_merge/"
    assert api_as(office_clerk).post(answer, {"consent": True}, format="json").status_code == 403
    assert api_as(EnterpriseUserFactory()).post(answer, {"consent": True}, format="json").status_code == 404
