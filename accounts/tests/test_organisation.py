import pytest

from accounts.models import Department, Domain, Region
from accounts.orgdata import CITY_DEPARTMENTS, COUNTIES, DOMAINS, load_organisation

pytestmark = pytest.mark.django_db

CITY_CODES = [
    "anshun-zwfw", "anshun-zfb", "anshun-fgw", "anshun-tcj", "anshun-gsl", "anshun-gxj", "anshun-scjg", "anshun-sw",
    "anshun-rsj", "anshun-zrzy", "anshun-zjj", "anshun-sthj", "anshun-kjj", "anshun-czj", "anshun-jrj", "anshun-sfj",
    "anshun-nync", "anshun-wlj", "anshun-swj", "anshun-jtj",
]
COUNTY_CODES = ["xixiu", "pingba", "puding", "zhenning", "guanling", "ziyun", "jingkai", "huangguoshu"]


def test_region_tree_has_the_city_and_its_eight_counties():
    city = Region.objects.get(code="anshun")
    assert city.name == "安顺市" and city.level == "city" and city.parent is None
    assert sorted(city.children.values_list("code", flat=True)) == sorted(COUNTY_CODES)
    assert Region.objects.get(code="zhenning").name == "镇宁布依族苗族自治县"


def test_every_city_department_code_of_the_spec_exists():
    assert set(CITY_CODES) <= set(Department.objects.filter(region__code="anshun").values_list("code", flat=True))
    assert Department.objects.get(code="anshun-zwfw").kind == "office_host"
    assert Department.objects.get(code="anshun-zfb").kind == "government_office"
    assert {d.kind for d in Department.objects.filter(code__in=["anshun-fgw", "anshun-tcj", "anshun-gsl"])} == {"member"}
    assert Department.objects.get(code="anshun-sw").name == "国家税务总局安顺市税务局"


@pytest.mark.parametrize("county", COUNTY_CODES)
def test_every_county_has_its_five_departments(county):
    codes = set(Department.objects.filter(region__code=county).values_list("code", flat=True))
    assert {f"{county}-{s}" for s in ["zwfw", "zfb", "fgj", "tcj", "scjg"]} <= codes


@pytest.mark.parametrize(
    ("domain", "lead"),
    [
        ("financing", "anshun-jrj"), ("legal", "anshun-sfj"), ("talent", "anshun-rsj"), ("policy", "anshun-gxj"),
        ("project", "anshun-fgw"), ("innovation", "anshun-kjj"), ("tax", "anshun-sw"), ("business_env", "anshun-tcj"),
        ("investment", "anshun-tcj"), ("private_economy", "anshun-fgw"), ("land", "anshun-zrzy"),
        ("market", "anshun-scjg"), ("other", None),
    ],
)
def test_suggested_lead_follows_the_domain(domain, lead):
    suggestion = Department.objects.suggested_lead(region=Region.objects.get(code="anshun"), domain=Domain.objects.get(code=domain))
    assert (suggestion.code if suggestion else None) == lead


def test_county_suggestion_stays_in_the_county():
    suggestion = Department.objects.suggested_lead(region=Region.objects.get(code="xixiu"), domain=Domain.objects.get(code="market"))
    assert suggestion.code == "xixiu-scjg"


def test_an_inactive_department_is_not_suggested():
    Department.objects.filter(code="anshun-sw").update(active=False)
    assert Department.objects.suggested_lead(region=Region.objects.get(code="anshun"), domain=Domain.objects.get(code="tax")) is None


def test_loading_again_keeps_admin_changes_and_adds_nothing_twice():
    Department.objects.filter(code="anshun-fgw").update(name="市发改委（改名）")
    before = (Region.objects.count(), Department.objects.count(), Domain.objects.count())
    load_organisation(Region, Domain, Department)
    assert (Region.objects.count(), Department.objects.count(), Domain.objects.count()) == before
    assert before == (1 + len(COUNTIES), len(CITY_DEPARTMENTS) + 5 * len(COUNTIES), len(DOMAINS))
    assert Department.objects.get(code="anshun-fgw").name == "市发改委（改名）"


def test_department_code_must_start_with_its_region(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/department/add/",
        {"code": "xixiu-new", "name": "新部门", "region": Region.objects.get(code="anshun").pk, "kind": "service",
         "sort_order": 0, "active": "on"},
    )
    assert response.status_code == 200
    assert "部门编码必须以所属区域编码" in response.content.decode()
    assert not Department.objects.filter(code="xixiu-new").exists()


def test_admin_can_add_a_department_without_code_changes(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/department/add/",
        {"code": "anshun-ybj", "name": "市医疗保障局", "region": Region.objects.get(code="anshun").pk, "kind": "service",
         "sort_order": 30, "active": "on", "domains": [Domain.objects.get(code="other").pk]},
    )
    assert response.status_code == 302
    assert Department.objects.get(code="anshun-ybj").domains.get().code == "other"
