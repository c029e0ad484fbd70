import pytest

from catalogue.demo import ITEMS, seed_demo_items
from catalogue.models import ServiceItem
from catalogue.selectors import search_published

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_realistic_and_idempotent():
    assert seed_demo_items()["created"] == len(ITEMS)
    assert seed_demo_items()["created"] == 0
    published = ServiceItem.objects.filter(state="published")
    assert published.count() >= 20
    assert published.values("department").distinct().count() >= 6
    assert ServiceItem.objects.filter(state="draft").count() == 2
    assert ServiceItem.objects.filter(state="retired").count() == 1
    assert {"anshun", "xixiu"} <= set(published.values_list("region__code", flat=True))
    assert search_published(q="营业执照").filter(name="办理营业执照变更登记").exists()
    assert search_published(q="社保").filter(name="办理单位社保登记").exists()
