"""Demo service items (SPEC §11): a realistic catalogue over several departments of 安顺市 and 西秀区, most of them
published, two drafts and one retired. Safe to run twice: an item is keyed by its department and name."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from catalogue.models import ServiceItem
from catalogue.services import _apply, _next_code, clean_guide, ensure_kinds

HALL = "安顺市政务服务中心（西秀区黄果树大街）"
XIXIU_HALL = "西秀区政务服务中心"
HOURS = "工作日 9:00—12:00，13:00—17:00（法定节假日除外）"
ONLINE = "https://zwfw.guizhou.gov.cn/"


def M(name: str, original: bool = True, copies: int = 1, note: str = "") -> dict:
    return {"name": name, "original": original, "copies": copies, "note": note}


LICENCE_ID = M("营业执照", True, 1, "正副本")
ID_CARD = M("法定代表人（负责人）身份证件", False, 1, "复印件须本人签字")

# (department, name, domain, kind, legal, promised, fee, conditions, materials, responsibility, state)
ITEMS = [
    ("anshun-scjg", "办理营业执照变更登记", "market", "licence", 15, 3, "",
     "已登记的市场主体变更名称、住所、经营范围、注册资本、法定代表人等登记事项，自作出变更决议之日起 30 日内申请。",
     [M("市场主体变更登记申请书"), M("变更决议或决定"), LICENCE_ID, ID_CARD],
     "依据《市场主体登记管理条例》，市市场监管局负责本级登记的市场主体设立、变更、注销登记。", "published"),
    ("anshun-scjg", "办理食品经营许可", "market", "licence", 20, 10, "",
     "具有与经营的食品品种、数量相适应的经营场所和设施，有专职或兼职的食品安全管理人员和规章制度。",
     [M("食品经营许可申请书"), LICENCE_ID, M("经营场所平面布局图", False), M("食品安全管理制度文本", False)],
     "依据《食品安全法》第三十五条，县级以上市场监管部门负责食品经营许可。", "published"),
    ("anshun-scjg", "办理企业简易注销登记", "market", "confirmation", 20, 3, "",
     "未发生债权债务或已将债权债务清偿完结、未开业或无债权债务的企业，经公示 20 日无异议。",
     [M("简易注销登记申请书"), M("全体投资人承诺书"), LICENCE_ID],
     "市市场监管局负责本级登记企业的注销登记。", "published"),
    ("anshun-scjg", "特种设备使用登记", "market", "licence", 15, 5, "",
     "锅炉、压力容器、电梯等特种设备投入使用前或投入使用后 30 日内。",
     [M("特种设备使用登记表"), M("产品合格证及监督检验证明", False), M("安装告知及验收资料", False)],
     "依据《特种设备安全法》第三十三条，由市场监管部门办理特种设备使用登记。", "published"),
    ("anshun-rsj", "办理单位社保登记", "talent", "public_service", 15, 1, "",
     "用人单位自成立之日起 30 日内为职工办理社会保险登记。",
     [LICENCE_ID, M("单位社会保险登记表"), M("单位银行账户信息", False)],
     "依据《社会保险法》第五十七条，市人社局（社保经办机构）负责社会保险登记。", "published"),
    ("anshun-rsj", "职工参保增员办理", "talent", "public_service", 10, 1, "",
     "用人单位新招用职工的，自用工之日起 30 日内办理社会保险增员。",
     [M("参保人员增员表"), M("职工身份证件", False), M("劳动合同", False)],
     "市人社局负责城镇职工社会保险参保登记及变更。", "published"),
    ("anshun-rsj", "申领稳岗返还资金", "talent", "payment", 20, 10, "",
     "上年度未裁员或裁员率低于规定比例、足额缴纳失业保险费满 1 年的参保企业。",
     [M("稳岗返还申请表"), M("企业银行账户信息", False)],
     "依据稳岗返还政策，市人社局负责审核并拨付失业保险稳岗返还资金。", "published"),
    ("anshun-rsj", "办理招用就业困难人员社保补贴", "talent", "payment", 20, 15, "",
     "招用就业困难人员并签订 1 年以上劳动合同、按时缴纳社会保险费的企业。",
     [M("社会保险补贴申请表"), M("就业困难人员认定证明", False), M("劳动合同", False)],
     "市人社局负责就业补助资金的审核与拨付。", "published"),
    ("anshun-sw", "办理增值税专用发票领用", "tax", "public_service", 10, 1, "",
     "已办理涉税信息确认、纳税信用级别符合规定的增值税一般纳税人。",
     [M("发票领用申请（电子税务局填报）", False), M("经办人身份证件", False)],
     "国家税务总局安顺市税务局负责发票的领用、发放与管理。", "published"),
    ("anshun-sw", "办理小微企业所得税优惠备案", "tax", "confirmation", 20, 1, "",
     "年应纳税所得额、从业人数、资产总额均符合小型微利企业条件的企业。",
     [M("企业所得税优惠事项管理表", False)],
     "国家税务总局安顺市税务局负责企业所得税优惠事项的备案管理。", "published"),
    ("anshun-sw", "办理出口退（免）税备案", "tax", "confirmation", 10, 2, "",
     "已办理对外贸易经营者备案或签订委托出口协议的出口企业。",
     [M("出口退（免）税备案表"), M("对外贸易经营者备案登记表", False)],
     "国家税务总局安顺市税务局负责出口退（免）税备案与审核。", "published"),
    ("anshun-sw", "办理增值税留抵退税", "tax", "payment", 20, 5, "",
     "纳税信用等级为 A 级或 B 级、申请退税前 36 个月未发生骗取留抵退税等情形的纳税人。",
     [M("退（抵）税申请表", False)],
     "国家税务总局安顺市税务局负责增值税期末留抵税额退税。", "published"),
    ("anshun-zrzy", "建设用地规划许可证核发", "land", "licence", 20, 10, "",
     "以划拨或出让方式取得国有土地使用权的建设项目，已取得用地预审与选址意见或签订出让合同。",
     [M("建设用地规划许可申请表"), M("国有建设用地使用权出让合同", False), M("建设项目用地红线图", False)],
     "依据《城乡规划法》第三十七、三十八条，市自然资源局负责核发建设用地规划许可证。", "published"),
    ("anshun-zrzy", "不动产首次登记（企业厂房）", "land", "confirmation", 30, 5, "按《不动产登记费收费标准》：非住宅 550 元/件",
     "企业厂房已完成规划核实和竣工验收，土地使用权已登记。",
     [M("不动产登记申请书"), M("土地使用权证书"), M("建设工程规划核实意见", False), M("竣工验收备案材料", False)],
     "依据《不动产登记暂行条例》，市自然资源局（不动产登记中心）负责不动产登记。", "published"),
    ("anshun-zjj", "建筑工程施工许可证核发", "business_env", "licence", 7, 3, "",
     "已办理用地批准手续、取得建设工程规划许可证，施工图已审查合格，有满足施工需要的资金安排。",
     [M("建筑工程施工许可申请表"), M("建设工程规划许可证", False), M("施工合同", False)],
     "依据《建筑法》第七条，市住房城乡建设局负责建筑工程施工许可。", "published"),
    ("anshun-sthj", "建设项目环境影响报告表审批", "business_env", "licence", 30, 15, "",
     "依法应当编制环境影响报告表的建设项目，在开工建设前报批。",
     [M("建设项目环境影响报告表", True, 2), M("审批申请函")],
     "依据《环境影响评价法》第二十二条，市生态环境局负责审批环境影响报告表。", "published"),
    ("anshun-sthj", "排污许可证申请与核发", "business_env", "licence", 30, 20, "",
     "纳入固定污染源排污许可分类管理名录、实行重点管理或简化管理的排污单位。",
     [M("排污许可证申请表（全国排污许可证管理信息平台填报）", False), M("守法承诺书")],
     "依据《排污许可管理条例》，市生态环境局负责排污许可证核发。", "published"),
    ("anshun-gxj", "工业企业技术改造项目备案", "policy", "confirmation", 5, 2, "",
     "在本市行政区域内实施的不涉及新增产能的工业企业技术改造项目。",
     [M("技术改造项目备案表"), LICENCE_ID],
     "市工业和信息化局负责工业企业技术改造投资项目备案。", "published"),
    ("anshun-kjj", "高新技术企业认定申报受理", "innovation", "confirmation", 60, 30, "",
     "注册成立 1 年以上，拥有核心自主知识产权，研发费用和高新技术产品收入占比符合认定条件。",
     [M("高新技术企业认定申请书"), M("知识产权证明材料", False), M("研发费用专项审计报告")],
     "市科技局负责高新技术企业认定申报的受理、初审和推荐。", "published"),
    ("anshun-jrj", "政府性融资担保业务受理", "financing", "public_service", 15, 7, "担保费率不超过 1%/年",
     "在本市依法登记、符合国家产业政策、有融资需求的小微企业和个体工商户。",
     [M("融资担保申请书"), LICENCE_ID, M("近两年财务报表", False)],
     "市地方金融管理局统筹政府性融资担保体系建设，指导担保机构为小微企业提供融资担保。", "published"),
    ("xixiu-scjg", "个体工商户设立登记", "market", "licence", 15, 1, "",
     "有经营能力的自然人在西秀区从事工商业经营。",
     [M("个体工商户登记申请书"), M("经营者身份证件", False), M("经营场所使用证明", False)],
     "依据《促进个体工商户发展条例》，西秀区市场监管局负责辖区个体工商户登记。", "published"),
    ("xixiu-scjg", "小餐饮登记证办理", "market", "licence", 15, 5, "",
     "在西秀区从事小餐饮经营、有固定经营场所的经营者。",
     [M("小餐饮登记申请表"), M("从业人员健康证明", False)],
     "西秀区市场监管局负责辖区小餐饮登记管理。", "published"),
    ("xixiu-fgj", "企业投资项目备案（西秀区）", "project", "confirmation", 5, 1, "",
     "在西秀区实施的不使用政府投资、不属于核准目录的企业投资项目。",
     [M("投资项目备案信息（在线平台填报）", False)],
     "依据《企业投资项目核准和备案管理条例》，西秀区发展改革局负责辖区企业投资项目备案。", "published"),
    ("xixiu-fgj", "粮食收购资格备案", "project", "confirmation", 10, 3, "",
     "在西秀区从事粮食收购活动的企业。",
     [M("粮食收购备案表"), LICENCE_ID],
     "西秀区发展改革局（粮食和物资储备）负责粮食收购备案。", "published"),
    ("anshun-scjg", "计量器具型式批准（草拟中）", "market", "licence", 20, 15, "",
     "制造以销售为目的的计量器具新产品的企业。", [M("型式批准申请书")],
     "市市场监管局负责计量器具监督管理。", "draft"),
    ("anshun-rsj", "人力资源服务许可（草拟中）", "talent", "licence", 20, 15, "",
     "有与开展业务相适应的固定场所、办公设施和专职工作人员。", [M("人力资源服务许可申请书")],
     "市人社局负责人力资源服务许可。", "draft"),
    ("anshun-sw", "办理定额发票领用（已停用）", "tax", "public_service", 10, 1, "",
     "原使用定额发票的纳税人（已全面推行电子发票，本事项停用）。", [M("发票领用申请", False)],
     "国家税务总局安顺市税务局负责发票管理。", "retired"),
]


def _author(department: Department) -> User | None:
    return User.objects.filter(department=department, role__in=["handler", "specialist"]).order_by("pk").first()


def seed_demo_items() -> dict:
    """Create the demo items that are missing; returns {"items": total demo items, "created": created now}."""
    ensure_kinds()
    created = 0
    for (dept_code, name, domain, kind, legal, promised, fee, conditions, materials, duty, state) in ITEMS:
        department = Department.objects.filter(code=dept_code).first()
        if department is None or ServiceItem.objects.filter(department=department, name=name).exists():
            continue
        values = clean_guide({
            "name": name, "domain": domain, "kind": kind, "basis": "", "conditions": conditions,
            "materials": materials, "steps": "1. 申请\n2. 受理\n3. 审查\n4. 决定\n5. 送达", "legal_days": legal,
            "promised_days": promised, "fee": fee, "location": XIXIU_HALL if dept_code.startswith("xixiu") else HALL,
            "hours": HOURS, "phone": "0851-33221100" if dept_code.startswith("anshun") else "0851-33556600",
            "online_url": ONLINE, "responsibility": duty,
        })
        with transaction.atomic():
            item = ServiceItem(department=department, region_id=department.region_id, created_by=_author(department))
            _apply(item, values)
            item.code = _next_code(department)
            if state != "draft":
                item.publish()
                item.published_at = timezone.now()
            if state == "retired":
                item.retire()
                item.retired_at = timezone.now()
            item.save(force_insert=True)
        created += 1
    return {"items": len(ITEMS), "created": created}
