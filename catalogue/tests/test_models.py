"""The item itself: its code, its constraints, its states, and its history of published versions."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue import selectors, services
from catalogue.models import Kind, ServiceItem, ServiceKind
from catalogue.tests.helpers import guide, make_item
from core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_draft_gets_the_next_code_of_its_department_and_its_region(lead_handler, county_office):
    first = make_item(lead_handler)
    second = make_item(lead_handler, name="办理食品经营许可")
    assert (first.code, second.code) == ("anshun-scjg-0001", "anshun-scjg-0002")
    assert first.region.code == "anshun" and first.state == "draft" and first.created_by == lead_handler
    county = make_item(county_office)
    assert county.code == "xixiu-zwfw-0001" and county.region.code == "xixiu"


def test_the_kinds_are_a_reference_list_with_the_contract_codes():
    assert list(ServiceKind.objects.values_list("code", flat=True)) == Kind.values
    assert ServiceKind.objects.get(code="licence").name == "行政许可"


def test_the_database_refuses_a_promise_longer_than_the_law(lead_handler):
    item = make_item(lead_handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(promised_days=20)


def test_the_database_refuses_a_plain_http_address(lead_handler):
    item = make_item(lead_handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(online_url="http://example.com/")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"promised_days": 20}, "promised_days"),
        ({"online_url": "http://zwfw.guizhou.gov.cn/"}, "online_url"),
        ({"online_url": "https://"}, "online_url"),
        ({"name": "  "}, "name"),
        ({"kind": "permit"}, "kind"),
        ({"domain": "nope"}, "domain"),
        ({"legal_days": "十五"}, "legal_days"),
        ({"materials": "营业执照"}, "materials"),
        ({"materials": [{"name": "", "original": True, "copies": 1}]}, "materials"),
        ({"materials": [{"name": "申请书", "original": "yes", "copies": 1}]}, "materials"),
        ({"materials": [{"name": "申请书", "original": True, "copies": 0}]}, "materials"),
        ({"materials": [{"name": "申请书", "original": True, "copies": 1, "colour": "红"}]}, "materials"),
    ],
)
def test_bad_input_saves_nothing_and_names_the_field_in_chinese(lead_handler, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.item_create(actor=lead_handler, **guide(**overrides))
    messages = caught.value.message_dict[field]
    assert messages and all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)
    assert not ServiceItem.objects.exists()


def test_an_empty_fee_reads_as_free_and_materials_are_kept_as_given(lead_handler):
    item = make_item(lead_handler, fee="")
    assert item.fee_display == "不收费"
    assert item.materials[1] == {"name": "营业执照正副本", "original": True, "copies": 1, "note": "换发新照时交回"}


def test_only_own_department_staff_or_the_regions_office_create(lead_handler, enterprise_user, office_clerk):
    with pytest.raises(PermissionDenied):
        services.item_create(actor=enterprise_user, **guide())
    with pytest.raises(PermissionDenied):
        services.item_create(actor=lead_handler, department="anshun-sw", **guide())
    item = services.item_create(actor=office_clerk, department="anshun-sw", **guide())
    assert item.department.code == "anshun-sw" and item.code == "anshun-sw-0001"


# --- transitions -------------------------------------------------------------------------------------------------
def test_publish_a_draft_then_retire_it(lead_handler):
    item = make_item(lead_handler)
    item = services.item_publish(actor=lead_handler, item=item)
    assert item.state == "published" and item.published_at is not None
    item = services.item_retire(actor=lead_handler, item=item)
    assert item.state == "retired" and item.retired_at is not None


def test_a_draft_may_be_retired(lead_handler):
    assert services.item_retire(actor=lead_handler, item=make_item(lead_handler)).state == "retired"


def test_refused_transitions_are_conflicts(lead_handler):
    item = make_item(lead_handler, publish=True)
    with pytest.raises(Conflict, match="没有待发布的修改"):
        services.item_publish(actor=lead_handler, item=item)
    item = services.item_retire(actor=lead_handler, item=item)
    for act in (services.item_publish, services.item_retire):
        with pytest.raises(Conflict):
            act(actor=lead_handler, item=item)
    with pytest.raises(Conflict):
        services.item_update(actor=lead_handler, item=item, name="新名称")


def test_another_department_cannot_act_and_the_office_may_retire_any(lead_handler, other_handler, office_clerk,
                                                                     county_office):
    item = make_item(lead_handler, publish=True)
    from django.http import Http404

    with pytest.raises(Http404):
        services.item_retire(actor=other_handler, item=item)
    with pytest.raises(Http404):
        services.item_retire(actor=county_office, item=item)  # another region's office
    assert services.item_retire(actor=office_clerk, item=item).state == "retired"


def test_a_specialist_of_the_department_manages_its_items(lead_handler, scjg_specialist):
    item = make_item(lead_handler)
    assert services.item_publish(actor=scjg_specialist, item=item).state == "published"


# --- what the public reads, and the history -----------------------------------------------------------------------
def test_editing_a_published_item_changes_nothing_public_until_it_is_published_again(lead_handler):
    item = make_item(lead_handler, publish=True)
    first_published = item.published_at
    item = services.item_update(actor=lead_handler, item=item, name="办理营业执照变更（备案）登记", promised_days=2)
    public = selectors.public_item(item.code)
    assert public.name == "办理营业执照变更登记" and public.promised_days == 3
    assert item.pending["name"] == "办理营业执照变更（备案）登记"
    assert services.guide_values(item)["promised_days"] == 2

    item = services.item_publish(actor=lead_handler, item=item)
    public = selectors.public_item(item.code)
    assert public.name == "办理营业执照变更（备案）登记" and public.promised_days == 2 and public.pending is None

    versions = selectors.published_versions(item)
    assert [v.name for v in versions] == ["办理营业执照变更（备案）登记", "办理营业执照变更登记"]
    assert versions[1].published_at == first_published and versions[1].promised_days == 3


def test_an_edit_equal_to_the_published_version_leaves_nothing_pending(lead_handler):
    item = make_item(lead_handler, publish=True)
    item = services.item_update(actor=lead_handler, item=item, name="另一个名称")
    item = services.item_update(actor=lead_handler, item=item, name="办理营业执照变更登记")
    assert item.pending is None


def test_a_pending_edit_is_checked_like_any_edit(lead_handler):
    item = make_item(lead_handler, publish=True)
    with pytest.raises(ValidationError) as caught:
        services.item_update(actor=lead_handler, item=item, promised_days=99)
    assert "promised_days" in caught.value.message_dict
    item.refresh_from_db()
    assert item.pending is None


def test_every_change_is_kept_in_the_history(lead_handler):
    item = make_item(lead_handler, publish=True)
    services.item_update(actor=lead_handler, item=item, name="改一下")
    assert item.history.count() == 3  # created, published, edited (pending)
