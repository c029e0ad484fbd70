"""Demo users and enterprises of SPEC §11. Used by `manage.py seed_demo` and by the browser tests."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Department, Enterprise, Region, Role, User
from accounts.roles import SECOND_FACTOR_ROLES
from accounts.services import ensure_admin_group
from accounts.twofactor import ensure_demo_device

DEMO_PASSWORD = "Demo@2026qyzj"


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    name: str
    uscc: str
    region: str
    industry: str  # as described when registered
    section: str  # GB/T 4754-2017 section letter
    scale: str
    established_on: str
    contact: str
    phone: str


# Codes carry a valid GB 32100-2015 check character (accounts/tests/test_uscc.py checks them).
ENTERPRISES = [
    DemoEnterprise("ent", "安顺黔中智造装备有限公司", "91520400MA6J2K3L4K", "anshun", "装备制造", "C", "small", "2018-04-16",
                   "刘晓燕", "13985300001"),
    DemoEnterprise("ent2", "西秀区山泉农产品加工有限公司", "91520402MA6H8P7Q1T", "xixiu", "农产品种植与加工", "A", "micro",
                   "2024-03-08", "杨建国", "13985300002"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    affiliation: str  # a department code, or an enterprise key for enterprise users
    last_name: str
    first_name: str


USERS = [
    DemoUser("admin", Role.SYSADMIN, "anshun-zwfw", "周", "系统"),
    DemoUser("auditor", Role.AUDITOR, "anshun-zwfw", "蒋", "审"),
    DemoUser("secadmin", Role.SECADMIN, "anshun-zwfw", "韩", "安"),
    DemoUser("office", Role.OFFICE, "anshun-zwfw", "陈", "静"),
    DemoUser("gov", Role.GOVERNMENT, "anshun-zfb", "王", "磊"),
    DemoUser("leader", Role.LEADER, "anshun-zfb", "李", "明华"),
    DemoUser("spec_fgw", Role.SPECIALIST, "anshun-fgw", "张", "敏"),
    DemoUser("spec_tcj", Role.SPECIALIST, "anshun-tcj", "赵", "雪"),
    DemoUser("spec_gsl", Role.SPECIALIST, "anshun-gsl", "吴", "涛"),
    DemoUser("handler_fgw", Role.HANDLER, "anshun-fgw", "孙", "立"),
    DemoUser("handler_tcj", Role.HANDLER, "anshun-tcj", "钱", "进"),
    DemoUser("handler_scjg", Role.HANDLER, "anshun-scjg", "郑", "芳"),
    DemoUser("handler_sw", Role.HANDLER, "anshun-sw", "冯", "凯"),
    DemoUser("handler_rsj", Role.HANDLER, "anshun-rsj", "何", "丽"),
    DemoUser("handler_zrzy", Role.HANDLER, "anshun-zrzy", "罗", "斌"),
    DemoUser("handler_gxj", Role.HANDLER, "anshun-gxj", "高", "峰"),
    DemoUser("office_xixiu", Role.OFFICE, "xixiu-zwfw", "黄", "蕾"),
    DemoUser("handler_xixiu_scjg", Role.HANDLER, "xixiu-scjg", "林", "森"),
    DemoUser("supervisor", Role.SUPERVISOR, "anshun-zwfw", "徐", "正"),
    DemoUser("chamber", Role.CHAMBER, "anshun-gsl", "马", "骏"),
    DemoUser("ent", Role.ENTERPRISE, "ent", "刘", "晓燕"),
    DemoUser("ent2", Role.ENTERPRISE, "ent2", "杨", "建国"),
]


@transaction.atomic
def seed_demo_accounts() -> dict[str, int]:
    """Create or refresh the demo enterprises and users. Passwords are set only for users created now."""
    enterprises = {}
    for item in ENTERPRISES:
        enterprises[item.key], _ = Enterprise.objects.update_or_create(
            uscc=item.uscc,
            defaults={
                "name": item.name,
                "region": Region.objects.get(code=item.region),
                "industry_description": item.industry,
                "industry_id": item.section,
                "scale": item.scale,
                "established_on": item.established_on,
                "contact_name": item.contact,
                "contact_phone": item.phone,
            },
        )
    admin_group = ensure_admin_group()
    departments = {d.code: d for d in Department.objects.filter(code__in={u.affiliation for u in USERS})}
    created = 0
    totp_secrets: dict[str, str] = {}
    for item in USERS:
        is_enterprise = item.role == Role.ENTERPRISE
        user, was_created = User.objects.update_or_create(
            username=item.username,
            defaults={
                "role": item.role,
                "department": None if is_enterprise else departments[item.affiliation],
                "enterprise": enterprises[item.affiliation] if is_enterprise else None,
                "last_name": item.last_name,
                "first_name": item.first_name,
                "is_staff": item.role == Role.SYSADMIN,
                "is_active": True,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        if item.role == Role.SYSADMIN:
            user.groups.add(admin_group)
        if item.role in SECOND_FACTOR_ROLES:
            # A fixed secret per demo user (from the username), so a person and the browser tests can compute codes.
            totp_secrets[item.username] = ensure_demo_device(user)
    return {"users": len(USERS), "created": created, "enterprises": len(enterprises), "totp_secrets": totp_secrets}
