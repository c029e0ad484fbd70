"""Demo policies (SPEC §11, OUTREACH §2): a couple of dozen over several departments, matched differently by the demo
enterprises `ent` (制造业, 小型, 安顺市本级, 2018, 高新技术企业 · 专精特新 · 规上工业) and `ent2` (农业, 微型, 西秀区,
2024, 农业产业化龙头企业 · 初创小微企业); 免申即享 ones with their beneficiaries. Idempotent (by title)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import ENTERPRISES
from accounts.models import Department, Domain, Enterprise, User
from core.search import document
from policies.models import Beneficiary, Policy, Reach
from policies.push import Push


@dataclass(frozen=True)
class DemoPolicy:
    department: str
    title: str
    doc_number: str
    summary: str
    domains: tuple[str, ...]
    mode: str = "apply"
    industries: tuple[str, ...] = ()
    scales: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    min_years: int | None = None
    max_years: int | None = None
    tags: tuple[str, ...] = ()
    state: str = "published"
    effective_to: str | None = None
    # (enterprise key, amount, disbursed on or None)
    beneficiaries: tuple[tuple[str, str, str | None], ...] = field(default=())


POLICIES = [
    DemoPolicy("anshun-gxj", "安顺市支持专精特新中小企业高质量发展若干措施", "安工信发〔2026〕12号",
               "对新认定的省级专精特新中小企业给予一次性奖励 20 万元；对研发投入增长的给予后补助。",
               ("policy",), industries=("C",), tags=("zhuanjingtexin",)),
    DemoPolicy("anshun-gxj", "规模以上工业企业稳增长奖励", "安工信发〔2026〕18号",
               "对年度产值增长 10% 以上的规上工业企业，按增量给予奖励，无需申报，由部门根据统计数据直接兑付。",
               ("policy",), mode="no_apply", industries=("B", "C", "D"), tags=("guishang",),
               beneficiaries=(("ent", "80000.00", None),)),
    DemoPolicy("anshun-kjj", "高新技术企业认定奖补", "安科发〔2026〕5号",
               "首次认定的国家高新技术企业奖励 30 万元，重新认定的奖励 10 万元，直达企业账户。",
               ("innovation",), mode="direct", tags=("gaoxin",),
               beneficiaries=(("ent", "300000.00", "2026-10-20"),)),
    DemoPolicy("anshun-kjj", "科技型中小企业研发费用后补助", "安科发〔2026〕9号",
               "按上年度研发费用的 5% 给予后补助，单户最高 50 万元。", ("innovation",),
               industries=("C", "I", "M"), scales=("small", "micro")),
    DemoPolicy("anshun-nync", "农业产业化龙头企业流动资金贷款贴息", "安农发〔2026〕21号",
               "对市级及以上农业产业化龙头企业的流动资金贷款按实际利息的 50% 贴息。", ("financing",),
               industries=("A",), tags=("longtou",)),
    DemoPolicy("anshun-nync", "新型农业经营主体发展奖补", "安农发〔2026〕26号",
               "对新建标准化种养基地的小微农业企业给予设施建设补助。", ("policy",),
               industries=("A",), scales=("small", "micro")),
    DemoPolicy("xixiu-fgj", "西秀区初创小微企业创业扶持", "西发改〔2026〕7号",
               "成立不满 3 年的小微企业，首次吸纳就业的给予场地租金补贴，最长 2 年。", ("private_economy",),
               scales=("small", "micro"), regions=("xixiu",), max_years=3),
    DemoPolicy("anshun-rsj", "失业保险稳岗返还", "安人社发〔2026〕3号",
               "上年度未裁员或裁员率低于规定的参保企业，按上年度实际缴纳失业保险费的 60% 返还，免申即享。",
               ("talent",), mode="no_apply",
               beneficiaries=(("ent", "12345.60", "2026-11-12"), ("ent2", "3200.00", None))),
    DemoPolicy("anshun-rsj", "一次性扩岗补助", "安人社发〔2026〕8号",
               "招用毕业年度高校毕业生并签订劳动合同、参加失业保险的小微企业，每人补助 1500 元。",
               ("talent",), scales=("small", "micro")),
    DemoPolicy("anshun-sw", "小型微利企业所得税优惠", "国家税务总局公告",
               "年应纳税所得额不超过 300 万元的小型微利企业，减按 25% 计入应纳税所得额，按 20% 的税率缴纳，申报即享。",
               ("tax",), mode="instant", scales=("small", "micro")),
    DemoPolicy("anshun-sw", "制造业中小微企业延缓缴纳部分税费", "安税发〔2026〕2号",
               "制造业中型企业可延缓缴纳 50% 的所得税、增值税等，小微企业可延缓缴纳 100%。", ("tax",),
               mode="instant", industries=("C",), scales=("medium", "small", "micro")),
    DemoPolicy("anshun-jrj", "中小微企业首贷续贷贴息", "安金发〔2026〕4号",
               "成立满 1 年的中小微企业在本市银行取得的首贷、续贷，按贷款市场报价利率的 30% 贴息。",
               ("financing",), scales=("medium", "small", "micro"), min_years=1),
    DemoPolicy("anshun-swj", "外贸企业出口信用保险保费补贴", "安商发〔2026〕6号",
               "对投保短期出口信用保险的外贸企业，按实际保费的 50% 给予补贴。", ("policy",), tags=("waimao",)),
    DemoPolicy("anshun-wlj", "文旅企业纾困帮扶措施", "安文旅发〔2026〕10号",
               "对住宿餐饮、文化娱乐企业的宣传推广、消费券活动给予补助。", ("policy",), industries=("H", "R")),
    DemoPolicy("anshun-zjj", "建筑业企业资质升级奖励", "安建发〔2026〕15号",
               "首次晋升施工总承包一级资质的建筑业企业奖励 50 万元。", ("policy",), industries=("E",)),
    DemoPolicy("anshun-fgw", "民营企业参与重大项目建设支持措施", "安发改〔2026〕19号",
               "支持大中型民营企业参与交通、能源、水利等重大项目，优先推介项目清单。", ("project", "private_economy"),
               scales=("large", "medium")),
    DemoPolicy("anshun-czj", "政府采购支持中小企业发展", "安财采〔2026〕1号",
               "预留采购份额专门面向中小企业，小微企业报价给予 10%—20% 的价格扣除。", ("policy",),
               scales=("medium", "small", "micro")),
    DemoPolicy("anshun-scjg", "个体工商户转型升级为企业扶持", "安市监发〔2026〕3号",
               "个体工商户转型为企业的，原有字号、许可可以延续，免收变更登记相关费用。", ("market",), max_years=1),
    DemoPolicy("anshun-gxj", "2025 年工业企业技术改造专项资金", "安工信发〔2025〕30号",
               "支持工业企业设备更新和技术改造，按设备投资额的 8% 给予补助。", ("policy",),
               industries=("C",), effective_to="2025-12-31"),
    DemoPolicy("anshun-gxj", "数字化转型“上云用数”补贴（征求意见稿）", "",
               "对企业购买云服务给予费用补贴，正在征求意见。", ("policy",), industries=("C",), state="draft"),
    DemoPolicy("anshun-kjj", "科技创新券（已并入新政策）", "安科发〔2025〕11号",
               "本政策已并入《科技型中小企业研发费用后补助》，不再受理。", ("innovation",), state="withdrawn"),
]


@transaction.atomic
def seed_demo_policies() -> dict[str, int]:
    """Create the demo policies missing; push the published ones (each enterprise told once); list beneficiaries."""
    office = User.objects.get(username="office")
    enterprises = {item.key: Enterprise.objects.get(uscc=item.uscc) for item in ENTERPRISES}
    domains = {domain.code: domain for domain in Domain.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in={p.department for p in POLICIES})}
    created = 0
    for item in POLICIES:
        department = departments[item.department]
        author = User.objects.filter(department=department, is_active=True).first() or office
        policy = Policy.objects.filter(title=item.title).first()
        if policy is None:
            created += 1
            policy = Policy.objects.create(
                department=department, region=department.region, title=item.title, doc_number=item.doc_number,
                issued_on=datetime.date(2026, 2, 20) if "2025" not in item.doc_number else datetime.date(2025, 3, 1),
                effective_from=datetime.date(2026, 3, 1) if "2025" not in item.doc_number else datetime.date(2025, 3, 1),
                effective_to=datetime.date.fromisoformat(item.effective_to) if item.effective_to else None,
                summary=item.summary,
                full_text=f"{item.title}\n\n{item.summary}\n\n本政策由{department.name}负责解释。",
                mode=item.mode, contact=f"{department.name} 0851-3322{len(item.title):03d}",
                apply_url="https://www.gzegn.gov.cn/" if item.mode in ("apply", "instant") else "",
                industries=list(item.industries), scales=list(item.scales), regions=list(item.regions),
                min_years=item.min_years, max_years=item.max_years, tags=list(item.tags), created_by=author,
                search_text=document(item.title, item.doc_number, item.summary),
            )
            policy.domains.set([domains[code] for code in item.domains])
            if item.state in ("published", "withdrawn"):
                policy.publish()
                policy.save()
            if item.state == "withdrawn":
                policy.withdraw(reason="已并入新政策")
                policy.save()
        if policy.state == Policy.State.PUBLISHED:
            Push(policy).run()
        for key, amount, disbursed_on in item.beneficiaries:
            Beneficiary.objects.get_or_create(
                policy=policy, enterprise=enterprises[key],
                defaults={"amount": Decimal(amount), "imported_by": author,
                          "state": "disbursed" if disbursed_on else "pending", "disbursed_on": disbursed_on,
                          "disbursed_by": author if disbursed_on else None},
            )
    # `ent` has read one policy and applied for another.
    now = timezone.now()
    for title, status in (("科技型中小企业研发费用后补助", "applied"), ("中小微企业首贷续贷贴息", "interested")):
        Reach.objects.filter(policy__title=title, enterprise=enterprises["ent"], status="new").update(
            status=status, read_at=now, status_changed_at=now)
    return {"policies": len(POLICIES), "created": created}
