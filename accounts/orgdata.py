"""The organisation of SPEC §2, present in every deployment.

Loaded by migration 0002 and by `manage.py seed_org`; loading is idempotent and
never deletes what admins added.
"""

CITY = ("anshun", "安顺市")
COUNTIES = [
    ("xixiu", "西秀区"),
    ("pingba", "平坝区"),
    ("puding", "普定县"),
    ("zhenning", "镇宁布依族苗族自治县"),
    ("guanling", "关岭布依族苗族自治县"),
    ("ziyun", "紫云苗族布依族自治县"),
    ("jingkai", "安顺经济技术开发区"),
    ("huangguoshu", "黄果树旅游区"),
]
# Development zones are run by an administrative committee (管委会), not a people's government.
ADMIN_COMMITTEE_REGIONS = {"jingkai", "huangguoshu"}

DOMAINS = [
    ("financing", "融资贷款"),
    ("legal", "法律服务"),
    ("talent", "人才用工"),
    ("policy", "惠企政策兑现"),
    ("project", "项目申报"),
    ("innovation", "科技创新"),
    ("tax", "税费减免"),
    ("business_env", "营商环境"),
    ("investment", "招商引资"),
    ("private_economy", "民营经济发展环境"),
    ("land", "用地规划"),
    ("market", "市场准入监管"),
    ("other", "其他"),
]

# (short, name, kind, domains) — the "1+4+N" model of the mechanism §1.
CITY_DEPARTMENTS = [
    ("zwfw", "市政府政务服务中心", "office_host", []),
    ("zfb", "市人民政府办公室", "government_office", []),
    ("fgw", "市发展和改革委员会", "member", ["project", "private_economy"]),
    ("tcj", "市投资促进局", "member", ["business_env", "investment"]),
    ("gsl", "市工商业联合会", "member", []),
    ("gxj", "市工业和信息化局", "service", ["policy"]),
    ("scjg", "市市场监督管理局", "service", ["market"]),
    ("sw", "国家税务总局安顺市税务局", "service", ["tax"]),
    ("rsj", "市人力资源和社会保障局", "service", ["talent"]),
    ("zrzy", "市自然资源局", "service", ["land"]),
    ("zjj", "市住房和城乡建设局", "service", []),
    ("sthj", "市生态环境局", "service", []),
    ("kjj", "市科学技术局", "service", ["innovation"]),
    ("czj", "市财政局", "service", []),
    ("jrj", "市地方金融管理局", "service", ["financing"]),
    ("sfj", "市司法局", "service", ["legal"]),
    ("nync", "市农业农村局", "service", []),
    ("wlj", "市文化广电旅游局", "service", []),
    ("swj", "市商务局", "service", []),
    ("jtj", "市交通运输局", "service", []),
]

# (short, name suffix, kind, domains); the county's name is put in front.
COUNTY_DEPARTMENTS = [
    ("zwfw", "政务服务中心", "office_host", []),
    ("zfb", "人民政府办公室", "government_office", []),
    ("fgj", "发展和改革局", "member", ["project", "private_economy"]),
    ("tcj", "投资促进局", "member", ["business_env", "investment"]),
    ("scjg", "市场监督管理局", "service", ["market"]),
]


def load_organisation(region_model, domain_model, department_model) -> None:
    """Create or update the reference organisation. Takes model classes so a migration can pass historical ones."""
    domains = {}
    for order, (code, name) in enumerate(DOMAINS):
        domains[code], _ = domain_model.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )

    city, _ = region_model.objects.update_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": "city", "parent": None, "sort_order": 0}
    )
    _load_departments(department_model, domains, city, CITY_DEPARTMENTS)

    for order, (code, name) in enumerate(COUNTIES, start=1):
        county, _ = region_model.objects.update_or_create(
            code=code, defaults={"name": name, "level": "county", "parent": city, "sort_order": order}
        )
        rows = []
        for short, suffix, kind, owned in COUNTY_DEPARTMENTS:
            if short == "zfb" and code in ADMIN_COMMITTEE_REGIONS:
                suffix = "管委会办公室"
            rows.append((short, f"{name}{suffix}", kind, owned))
        _load_departments(department_model, domains, county, rows)


def _load_departments(department_model, domains, region, rows) -> None:
    for order, (short, name, kind, owned) in enumerate(rows):
        department, created = department_model.objects.get_or_create(
            code=f"{region.code}-{short}",
            defaults={"name": name, "region": region, "kind": kind, "sort_order": order},
        )
        if created:
            department.domains.set([domains[code] for code in owned])
