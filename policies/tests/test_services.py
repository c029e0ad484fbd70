"""The acts on a policy (OUTREACH §2): who may create, change, publish and withdraw; every rule of its fields; the
precise push queued on publish and on an eligibility change of a published policy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from core.errors import Conflict
from core.tests.test_files import ooxml
from enterprises.models import Tag
from policies import services
from policies.models import Policy, PolicyAttachment
from policies.tests.conftest import policy_data
from policies.tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "schedule_push", lambda policy: calls.append(policy.pk))
    return calls


def create(actor, **overrides):
    return services.policy_create(actor=actor, data=policy_data(**overrides))


# --- create ------------------------------------------------------------------------------------------------------
def test_department_staff_create_a_draft_of_their_department(gxj_handler):
    policy = create(gxj_handler, tags=["gaoxin"], regions=["anshun", "xixiu"], min_years=1, max_years=5)
    policy.refresh_from_db()
    assert policy.state == Policy.State.DRAFT
    assert policy.department.code == "anshun-gxj" and policy.region.code == "anshun"
    assert policy.industries == ["C"] and policy.scales == ["small"] and policy.tags == ["gaoxin"]
    assert policy.regions == ["anshun", "xixiu"] and (policy.min_years, policy.max_years) == (1, 5)
    assert list(policy.domains.values_list("code", flat=True)) == ["policy"]
    assert "小微工业企业技术改造补助" in policy.search_text and "安工信发〔2026〕8号" in policy.search_text


def test_specialist_creates_too(gxj_specialist):
    assert create(gxj_specialist).created_by == gxj_specialist


def test_office_may_issue_for_a_department_of_its_region(office_clerk):
    policy = services.policy_create(actor=office_clerk, data=policy_data(), department="anshun-gxj")
    assert policy.department.code == "anshun-gxj"


def test_office_may_not_issue_for_a_department_of_another_region(office_clerk):
    with pytest.raises(ValidationError) as exc:
        services.policy_create(actor=office_clerk, data=policy_data(), department="puding-scjg")
    assert "department" in exc.value.message_dict
    assert not Policy.objects.exists()


def test_department_staff_may_not_issue_in_another_departments_name(gxj_handler):
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=gxj_handler, data=policy_data(), department="anshun-fgw")


@pytest.mark.parametrize("role,dept", [(Role.LEADER, "anshun-zfb"), (Role.GOVERNMENT, "anshun-zfb"),
                                       (Role.SUPERVISOR, "anshun-zwfw")])
def test_other_roles_may_not_create(role, dept):
    with pytest.raises(PermissionDenied):
        create(UserFactory(role=role, department=department(dept)))
    assert not Policy.objects.exists()


def test_enterprise_user_may_not_create(enterprise_user):
    with pytest.raises(PermissionDenied):
        create(enterprise_user)


# --- validation --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("overrides,field,words", [
    ({"title": " "}, "title", "请填写政策名称"),
    ({"summary": ""}, "summary", "请填写政策要点"),
    ({"industries": ["C", "Z"]}, "industries", "A～T"),
    ({"industries": ["c"]}, "industries", "A～T"),
    ({"scales": ["tiny"]}, "scales", "企业规模无效"),
    ({"regions": ["nowhere"]}, "regions", "安顺市或其下辖区域"),
    ({"tags": ["no-such-tag"]}, "tags", "没有这个企业标签"),
    ({"min_years": 5, "max_years": 3}, "max_years", "上限不能小于下限"),
    ({"min_years": -1}, "min_years", "0～200"),
    ({"min_years": "two"}, "min_years", "整数"),
    ({"effective_from": "2026-05-01", "effective_to": "2026-04-30"}, "effective_to", "不能早于生效日期"),
    ({"issued_on": "2026-13-01"}, "issued_on", "YYYY-MM-DD"),
    ({"issued_on": ""}, "issued_on", "请填写发文日期"),
    ({"apply_url": "http://example.cn/apply"}, "apply_url", "https://"),
    ({"apply_url": "javascript:alert(1)"}, "apply_url", "https://"),
    ({"mode": "cash"}, "mode", "兑现方式无效"),
    ({"domains": ["nope"]}, "domains", "没有这个业务领域"),
    ({"industries": "C"}, "industries", "编码列表"),
])
def test_each_bad_field_is_refused_in_chinese_and_nothing_is_saved(gxj_handler, overrides, field, words):
    with pytest.raises(ValidationError) as exc:
        create(gxj_handler, **overrides)
    assert words in " ".join(exc.value.message_dict[field])
    assert not Policy.objects.exists()


def test_every_mode_is_accepted(gxj_handler):
    for mode in ("apply", "no_apply", "instant", "direct"):
        assert create(gxj_handler, mode=mode).mode == mode


def test_an_inactive_tag_is_refused(gxj_handler):
    Tag.objects.filter(code="waimao").update(active=False)
    with pytest.raises(ValidationError) as exc:
        create(gxj_handler, tags=["waimao"])
    assert "tags" in exc.value.message_dict


def test_a_county_policy_may_not_name_the_city_or_another_county(county_office):
    with pytest.raises(ValidationError) as exc:
        create(county_office, regions=["anshun", "puding"])
    assert "anshun、puding" in exc.value.message_dict["regions"][0]
    assert create(county_office, regions=["xixiu"]).region.code == "xixiu"


def test_all_errors_are_reported_together(gxj_handler):
    with pytest.raises(ValidationError) as exc:
        create(gxj_handler, title="", scales=["huge"], industries=["Y"])
    assert {"title", "scales", "industries"} <= set(exc.value.message_dict)


# --- update ------------------------------------------------------------------------------------------------------
def test_owner_updates_a_draft_and_search_text_follows(gxj_handler, pushed):
    policy = create(gxj_handler)
    services.policy_update(actor=gxj_handler, policy=policy, data={"title": "专精特新企业奖励"})
    policy.refresh_from_db()
    assert policy.title == "专精特新企业奖励" and "专精特新企业奖励" in policy.search_text
    assert policy.industries == ["C"]  # absent fields keep their value
    assert pushed == []


def test_bad_update_saves_nothing(gxj_handler):
    policy = create(gxj_handler)
    with pytest.raises(ValidationError):
        services.policy_update(actor=gxj_handler, policy=policy, data={"title": "新标题", "scales": ["huge"]})
    policy.refresh_from_db()
    assert policy.title == "小微工业企业技术改造补助"


def test_another_department_may_not_update(gxj_handler, fgw_handler):
    policy = create(gxj_handler)
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=fgw_handler, policy=policy, data={"title": "改"})


def test_office_of_the_region_updates_any_policy_of_it(gxj_handler, office_clerk):
    policy = create(gxj_handler)
    services.policy_update(actor=office_clerk, policy=policy, data={"contact": "12345"})
    assert Policy.objects.get(pk=policy.pk).contact == "12345"


def test_county_office_may_not_update_a_city_policy(gxj_handler, county_office):
    policy = create(gxj_handler)
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=county_office, policy=policy, data={"contact": "1"})


def test_eligibility_change_of_a_published_policy_pushes_again(gxj_handler, pushed):
    policy = PolicyFactory(state="published", industries=["C"])
    services.policy_update(actor=gxj_handler, policy=policy, data={"summary": "措辞调整"})
    assert pushed == []
    services.policy_update(actor=gxj_handler, policy=policy, data={"industries": ["C", "I"]})
    assert pushed == [policy.pk]


def test_eligibility_change_of_a_draft_pushes_nothing(gxj_handler, pushed):
    policy = create(gxj_handler)
    services.policy_update(actor=gxj_handler, policy=policy, data={"scales": []})
    assert pushed == []


def test_a_withdrawn_policy_cannot_be_changed(gxj_handler):
    policy = PolicyFactory(state="withdrawn")
    with pytest.raises(Conflict):
        services.policy_update(actor=gxj_handler, policy=policy, data={"title": "改"})


# --- publish -----------------------------------------------------------------------------------------------------
def test_publish_a_draft_queues_the_push(gxj_handler, pushed):
    policy = create(gxj_handler)
    services.policy_publish(actor=gxj_handler, policy=policy)
    policy.refresh_from_db()
    assert policy.state == Policy.State.PUBLISHED and policy.published_at is not None
    assert pushed == [policy.pk]


def test_the_push_runs_only_after_commit(gxj_handler, django_capture_on_commit_callbacks, monkeypatch):
    from policies import push

    queued = []
    monkeypatch.setattr(push.push_policy, "delay", lambda pk: queued.append(pk))
    policy = create(gxj_handler)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.policy_publish(actor=gxj_handler, policy=policy)
    assert queued == [] and len(callbacks) == 1
    callbacks[0]()
    assert queued == [policy.pk]


@pytest.mark.parametrize("state", ["published", "withdrawn"])
def test_only_a_draft_is_published(gxj_handler, pushed, state):
    policy = PolicyFactory(state=state)
    with pytest.raises(Conflict):
        services.policy_publish(actor=gxj_handler, policy=policy)
    assert Policy.objects.get(pk=policy.pk).state == state and pushed == []


def test_another_department_may_not_publish(fgw_handler):
    policy = PolicyFactory()
    with pytest.raises(PermissionDenied):
        services.policy_publish(actor=fgw_handler, policy=policy)
    assert Policy.objects.get(pk=policy.pk).state == Policy.State.DRAFT


# --- withdraw ----------------------------------------------------------------------------------------------------
def test_withdraw_a_published_policy_with_its_reason(gxj_handler):
    policy = PolicyFactory(state="published")
    services.policy_withdraw(actor=gxj_handler, policy=policy, reason="已被新文件替代")
    policy.refresh_from_db()
    assert policy.state == Policy.State.WITHDRAWN and policy.withdraw_reason == "已被新文件替代"
    assert policy.withdrawn_at is not None


def test_withdraw_needs_a_reason(gxj_handler):
    policy = PolicyFactory(state="published")
    with pytest.raises(ValidationError) as exc:
        services.policy_withdraw(actor=gxj_handler, policy=policy, reason="  ")
    assert "撤回原因" in exc.value.message_dict["reason"][0]
    assert Policy.objects.get(pk=policy.pk).state == Policy.State.PUBLISHED


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_only_a_published_policy_is_withdrawn(gxj_handler, state):
    policy = PolicyFactory(state=state)
    with pytest.raises(Conflict):
        services.policy_withdraw(actor=gxj_handler, policy=policy, reason="理由")


def test_office_withdraws_any_policy_of_its_region(office_clerk):
    policy = PolicyFactory(state="published", department=department("anshun-fgw"))
    services.policy_withdraw(actor=office_clerk, policy=policy, reason="与上位政策冲突")
    assert Policy.objects.get(pk=policy.pk).state == Policy.State.WITHDRAWN


def test_another_department_may_not_withdraw(fgw_handler):
    policy = PolicyFactory(state="published")
    with pytest.raises(PermissionDenied):
        services.policy_withdraw(actor=fgw_handler, policy=policy, reason="理由")


# --- attachments -------------------------------------------------------------------------------------------------
def test_attach_a_file(gxj_handler):
    policy = create(gxj_handler)
    content = ooxml("word")  # a real .docx package: the content must match the extension (core.files)
    upload = SimpleUploadedFile("申报表.docx", content, content_type="application/msword")
    attachment = services.attachment_add(actor=gxj_handler, policy=policy, upload=upload)
    assert attachment.original_name == "申报表.docx" and attachment.size == len(content)


def test_a_bad_file_is_refused(gxj_handler):
    policy = create(gxj_handler)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=gxj_handler, policy=policy,
                                upload=SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream"))
    assert not PolicyAttachment.objects.exists()


def test_enterprise_cannot_attach(gxj_handler):
    policy = create(gxj_handler)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=EnterpriseUserFactory(), policy=policy,
                                upload=SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf"))
