"""Demo identity (SPEC §11): the demo enterprises are verified and `ent` administers its own; one self-registered
enterprise (`ent_new`, 安顺云岭新材料科技有限公司) waits in the city office's verification queue. Idempotent."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, ENTERPRISES
from accounts.models import Enterprise, Region, Role, User
from enterprises.models import EnterpriseAdmin, EnterpriseTag, Licence, Verification
from enterprises.tags import set_tag

# Verified facts the office granted the demo enterprises (policy matching reads them).
DEMO_TAGS = {"ent": ("gaoxin", "zhuanjingtexin", "guishang"), "ent2": ("longtou", "xiaowei_chuangye")}

WAITING = {"name": "安顺云岭新材料科技有限公司", "uscc": "91520400MA6K7N2R3Y", "region": "anshun",
           "username": "ent_new", "person": "宋雨桐", "phone": "13985300003"}
DEMO_LICENCE = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@transaction.atomic
def seed_demo_identity() -> dict[str, int]:
    """Run after accounts.demo.seed_demo_accounts."""
    for item in ENTERPRISES:
        enterprise = Enterprise.objects.get(uscc=item.uscc)
        Verification.objects.get_or_create(enterprise=enterprise, defaults={"status": Verification.Status.VERIFIED})
    office = User.objects.get(username="office")
    for key, codes in DEMO_TAGS.items():
        enterprise = Enterprise.objects.get(uscc=next(item.uscc for item in ENTERPRISES if item.key == key))
        for code in codes:
            if not EnterpriseTag.objects.filter(enterprise=enterprise, tag__code=code).exists():
                set_tag(enterprise=enterprise, tag_code=code, granted=True, by=office)
    ent = User.objects.get(username="ent")
    EnterpriseAdmin.objects.get_or_create(enterprise_id=ent.enterprise_id, defaults={"user": ent})
    if not ent.phone:
        ent.phone = next(item.phone for item in ENTERPRISES if item.key == "ent")
        ent.save(update_fields=["phone"])

    waiting, _ = Enterprise.objects.get_or_create(
        uscc=WAITING["uscc"],
        defaults={"name": WAITING["name"], "region": Region.objects.get(code=WAITING["region"]),
                  "contact_name": WAITING["person"], "contact_phone": WAITING["phone"]},
    )
    user, created = User.objects.get_or_create(
        username=WAITING["username"],
        defaults={"role": Role.ENTERPRISE, "enterprise": waiting, "first_name": WAITING["person"], "phone": WAITING["phone"]},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Verification.objects.get_or_create(enterprise=waiting)
    EnterpriseAdmin.objects.get_or_create(enterprise=waiting, defaults={"user": user})
    if not Licence.objects.filter(enterprise=waiting).exists():
        Licence.objects.create(
            enterprise=waiting, file=ContentFile(DEMO_LICENCE, name="营业执照.pdf"), original_name="营业执照（演示）.pdf",
            content_type="application/pdf", size=len(DEMO_LICENCE), uploaded_by=user,
        )
    return {"waiting": Verification.objects.filter(status=Verification.Status.UNVERIFIED).count()}
