"""Demo demands and tickets (SPEC §11): a few dozen, spread over every state the workflow reaches so far.

Every item is produced by replaying the real workflow functions at instants in the recent past (time_machine moves
the clock), so numbers, clocks and timelines are exactly what the platform would have produced. Safe to run twice:
each scenario is keyed by an `external_ref` starting with DEMO- and skipped when present.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import Enterprise, User
from supervision import services as supervision
from tickets import workflow
from tickets.models import Demand

DEMO_PREFIX = "DEMO-"


def _user(username: str) -> User:
    return User.objects.select_related("department__region", "enterprise").get(username=username)


def _instant(days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Scenario:
    """One demo story: a registration followed by the acts that move it to its demo state."""

    def __init__(self, key: str, days_ago: int, registrar: str, fields: dict, steps: list[tuple[int, Callable]] | None = None):
        self.key, self.days_ago, self.registrar, self.fields, self.steps = key, days_ago, registrar, fields, steps or []

    def run(self) -> Demand | None:
        ref = f"{DEMO_PREFIX}{self.key}"
        if Demand.objects.filter(external_ref=ref).exists():
            return None
        instants = self._instants()
        with time_machine.travel(instants[0], tick=False):
            demand, _ = workflow.demand_register(
                actor=_user(self.registrar), external_ref=ref, received_at=instants[0] - timedelta(hours=1), **self.fields
            )
        for instant, (_, step) in zip(instants[1:], self.steps, strict=True):
            with time_machine.travel(instant, tick=False):
                demand = Demand.objects.get(pk=demand.pk)
                step(demand)
        return demand

    def _instants(self) -> list[datetime]:
        """Registration and step instants, none later than a few minutes ago whatever the time of day."""
        start = _instant(self.days_ago)
        wanted = [start] + [start + timedelta(hours=hours) for hours, _ in self.steps]
        latest = timezone.now() - timedelta(minutes=5)
        result: list[datetime] = []
        for index, instant in enumerate(wanted):
            ceiling = latest - timedelta(minutes=len(wanted) - 1 - index)
            result.append(min(instant, ceiling))
        return result


def _ent(key: str) -> dict:
    enterprise = Enterprise.objects.get(users__username=key)
    return {"enterprise_name": enterprise.name, "enterprise_uscc": enterprise.uscc}


def _form(lead: str, category: str = "coordination", complex_: bool = False, co: tuple[str, ...] = ()):
    def step(demand: Demand) -> None:
        workflow.demand_form_ticket(
            actor=_user("office" if demand.region.code == "anshun" else "office_xixiu"), demand=demand,
            category=category, complex=complex_, lead_department=lead, co_departments=list(co),
        )
    return step


def _sign(username: str):
    def step(demand: Demand) -> None:
        workflow.ticket_sign(actor=_user(username), ticket=demand.ticket)
    return step


def _object(username: str, reason: str):
    def step(demand: Demand) -> None:
        workflow.ticket_object(actor=_user(username), ticket=demand.ticket, reason=reason)
    return step


def _refer(note: str):
    def step(demand: Demand) -> None:
        workflow.ticket_refer_to_government(actor=_user("office"), ticket=demand.ticket, note=note)
    return step


def _call(function: Callable, actor: str, **kwargs):
    def step(demand: Demand) -> None:
        function(actor=_user(actor), demand=demand, **kwargs)
    return step


def _on_ticket(function: Callable, actor: str, **kwargs):
    def step(demand: Demand) -> None:
        function(actor=_user(actor), ticket=Demand.objects.get(pk=demand.pk).ticket, **kwargs)
    return step


def _callback(actor: str = "office", **answers):
    data = {"reached": True, "satisfaction": "satisfied", "consistent": True, "meets_standard": True, "note": "", **answers}
    return _on_ticket(workflow.ticket_callback, actor, **data)


def _answer_supervision(username: str, content: str):
    def step(demand: Demand) -> None:
        pending = Demand.objects.get(pk=demand.pk).ticket.supervisions.filter(answered_at__isnull=True).latest("issued_at")
        supervision.supervision_answer(actor=_user(username), supervision=pending, content=content)
    return step


def _merge_into(key: str):
    def step(demand: Demand) -> None:
        target = Demand.objects.get(external_ref=f"{DEMO_PREFIX}{key}").ticket
        workflow.demand_merge(
            actor=_user("office"), demand=demand, into=target.pk,
            consent={"by": demand.requester_name, "method": "phone", "at": timezone.now() - timedelta(minutes=30)},
        )
    return step


def _opinion(username: str, content: str):
    def step(demand: Demand) -> None:
        workflow.demand_give_opinion(actor=_user(username), demand=demand, content=content)
    return step


def _base(title: str, content: str, domain: str, channel: str = "hotline", **extra) -> dict:
    return {
        "channel": channel, "title": title, "content": content, "domain": domain,
        "requester_name": extra.pop("requester_name", "张经理"), "requester_phone": extra.pop("requester_phone", "13985311234"),
        **extra,
    }


OTHER_ENTERPRISES = [
    ("安顺瀑乡文旅开发有限公司", "91520400MA6K7W5X8B"),
    ("普定县黔韵茶业有限公司", "91520422MA6L3N2P4D"),
    ("安顺开发区新材料科技有限公司", "91520490MA6M8Q1R6F"),
    ("镇宁县蜂糖李种植专业合作社", "93520423MA6N5T7U2H"),
]


def _other(n: int) -> dict:
    name, code = OTHER_ENTERPRISES[n % len(OTHER_ENTERPRISES)]
    from accounts.uscc import check_character

    code = code[:17] + check_character(code[:17])
    return {"enterprise_name": name, "enterprise_uscc": code}


def scenarios() -> list[_Scenario]:
    S = _Scenario
    return [
        # --- waiting for triage (some overdue) ---------------------------------------------------------------------
        S("01", 0, "ent", _base("申请技术改造专项资金的条件咨询", "我公司计划对生产线进行智能化改造，想了解今年技术改造专项资金的申报条件和时间安排。", "policy", channel="online")),
        S("02", 1, "spec_fgw", _base("厂区周边道路货车通行受限", "园区入口道路限高，大型货车无法进出，影响原材料运输，希望协调交通部门优化通行方案。", "business_env", **_other(0))),
        S("03", 5, "spec_tcj", _base("招商承诺的标准厂房迟迟未交付", "签约时承诺 6 月交付标准厂房，目前仍未完工，设备已到货无处安装。", "investment", channel="department", **_other(2))),
        S("04", 2, "chamber", _base("小微企业融资担保费率偏高", "商会轮值活动中多家会员企业反映，担保费率高于周边地市，希望予以关注。", "financing", channel="chamber", **_other(1))),
        S("05", 0, "supervisor", _base("政务大厅企业开办窗口排队时间长", "特约监督中发现企业开办窗口上午排队超过 1 小时，叫号系统多次故障。", "business_env", channel="supervisor", **_other(3))),
        S("06", 3, "handler_xixiu_scjg", _base("食品经营许可变更办理缓慢", "我店变更经营地址后申请许可变更，已提交十余日仍未办结。", "market", channel="department", **_ent("ent2"))),
        # --- materials, consultation -------------------------------------------------------------------------------
        S("07", 4, "ent", _base("申请稳岗返还资金未到账", "去年已申请稳岗返还，至今未到账，请帮助查询。", "talent", channel="online"),
          [(3, _call(workflow.demand_request_materials, "office", missing="请上传社保缴费明细及申请回执"))]),
        S("08", 6, "spec_fgw", _base("跨区域项目用地指标协调", "项目跨平坝区与西秀区，两地用地指标分配意见不一，需市级协调。", "land", channel="department", **_other(2)),
          [(2, _call(workflow.demand_consult, "office", departments=["anshun-zrzy", "anshun-fgw"])),
           (20, _opinion("handler_zrzy", "建议由市自然资源局牵头，市发展改革委配合统筹指标。"))]),
        # --- decided demands ---------------------------------------------------------------------------------------
        S("09", 9, "spec_gsl", _base("两家供应商之间的货款纠纷", "供应商拖欠货款 30 万元，希望政府出面要求对方付款。", "other", **_other(1)),
          [(3, _call(workflow.demand_reject, "office", reason="market_dispute", note="属于市场主体之间的合同纠纷，已请首问部门告知可通过诉讼或仲裁解决。"))]),
        S("10", 8, "ent", _base("想撤回重复提交的诉求", "上午已经通过 12345 反映过，这条是重复提交的。", "other", channel="online"),
          [(1, _call(workflow.demand_withdraw, "ent"))]),
        S("11", 12, "spec_tcj", _base("外资企业跨省资质互认", "企业在外省取得的资质在我省不被认可，需省级层面协调互认。", "business_env", **_other(0)),
          [(4, _call(workflow.demand_escalate, "office", reason="资质互认属省级事权，超出市级权限。"))]),
        S("12", 10, "handler_xixiu_scjg", _base("跨县市场监管执法标准不一", "同类经营行为在两县处罚尺度不同，企业无所适从。", "market", channel="department", **_ent("ent2")),
          [(5, _call(workflow.demand_escalate, "office_xixiu", reason="涉及跨县执法标准统一，需市级协调。"))]),
        # --- tickets: dispatched, some near or past the sign due -----------------------------------------------------
        S("13", 1, "spec_fgw", _base("增值税留抵退税进度查询", "我公司 9 月提交了留抵退税申请，想了解目前审核进度。", "tax", **_ent("ent")),
          [(2, _form("anshun-sw", "consultation"))]),
        S("14", 6, "spec_tcj", _base("企业登记信息变更后税务信息未同步", "营业执照地址已变更，电子税务局仍显示旧地址，影响开票。", "tax", **_other(3)),
          [(2, _form("anshun-sw", "coordination"))]),
        S("15", 3, "ent", _base("申请高新技术企业认定辅导", "希望科技部门提供高新技术企业认定的申报辅导。", "innovation", channel="online"),
          [(4, _form("anshun-gxj", "consultation"))]),
        S("16", 2, "spec_fgw", _base("产品质量抽检结果异议", "对市场监管局抽检结果有异议，申请复检但未获答复。", "market", **_other(2)),
          [(2, _form("anshun-scjg", "complaint"))]),
        # --- tickets: handling (some overdue) -----------------------------------------------------------------------
        S("17", 20, "spec_fgw", _base("重点项目审批事项并联办理", "新建厂房项目涉及多项审批，希望协调并联办理缩短时间。", "project", **_other(2)),
          [(2, _form("anshun-fgw", "coordination", co=("anshun-zrzy",))), (20, _sign("handler_fgw"))]),
        S("18", 4, "ent", _base("招聘高校毕业生的补贴政策", "我公司今年招聘了 12 名应届毕业生，想了解社保补贴如何申请。", "talent", channel="online"),
          [(2, _form("anshun-rsj", "consultation")), (5, _sign("handler_rsj"))]),
        S("19", 9, "spec_tcj", _base("投资协议约定的奖补资金未兑现", "按投资协议应于投产后兑现设备奖补，企业已投产半年仍未兑现。", "investment", **_other(0)),
          [(2, _form("anshun-tcj", "coordination", complex_=True, co=("anshun-czj",))), (22, _sign("handler_tcj")),
           (40, _on_ticket(supervision.ticket_supervise, "office", form="phone", trigger="overdue",
                           content="电话督办：请加快设备奖补资金兑现进度，明确兑现时间。")),
           (60, _answer_supervision("handler_tcj", "已与市财政局对接，奖补资金纳入本月拨付计划，月底前兑现。"))]),
        S("20", 12, "spec_fgw", _base("企业反映执法检查过于频繁", "一个月内接受不同部门检查 6 次，影响正常生产，希望统筹检查计划。", "business_env", **_other(1)),
          [(2, _form("anshun-scjg", "complaint")), (6, _sign("handler_scjg")),
           (30, _on_ticket(supervision.ticket_urge, "spec_fgw", note="企业再次来电反映检查频繁，请尽快统筹检查计划。")),
           (50, _on_ticket(supervision.ticket_supervise, "office", form="written", trigger="overdue",
                           content="请书面说明统筹涉企检查计划的措施及办结时间，并于期限内回复。"))]),
        S("21", 3, "handler_gxj", _base("技改项目设备补助申报系统无法登录", "申报系统一直提示账号未激活，截止日期临近。", "policy", channel="department", self_handle=True, category="consultation", **_ent("ent"))),
        # --- merge into an open ticket ------------------------------------------------------------------------------
        S("22", 2, "spec_gsl", _base("增值税留抵退税进度（商会转述）", "商会活动中企业再次反映留抵退税进度问题，与热线反映为同一事项。", "tax", channel="hall", **_ent("ent")),
          [(3, _merge_into("13"))]),
        # --- objections and the government ---------------------------------------------------------------------------
        S("23", 3, "spec_tcj", _base("园区污水管网接入费用争议", "园区要求企业承担管网接入费用，企业认为应由园区建设方承担。", "business_env", **_other(2)),
          [(2, _form("anshun-scjg", "coordination")), (20, _object("handler_scjg", "管网接入费用属园区建设管理事项，不属市场监管职责，建议由住建部门或开发区管委会牵头。"))]),
        S("24", 7, "spec_fgw", _base("老旧厂房改造消防验收卡脖子", "厂房改造后消防验收标准不明确，住建与消防部门各执一词。", "project", **_other(3)),
          [(2, _form("anshun-zrzy", "coordination", complex_=True)), (20, _object("handler_zrzy", "消防验收不属自然资源部门职责。")),
           (28, _refer("经两次协调，住建、消防、自然资源部门均认为不属本部门职责，报请市人民政府确定。"))]),
        # --- after handling: closed, archived, returned, review, terminated, escalated --------------------------------
        S("25", 9, "ent", _base("出口退税备案咨询", "首次开展出口业务，想了解出口退（免）税备案需要哪些材料。", "tax", channel="online"),
          [(2, _form("anshun-sw", "consultation")), (4, _sign("handler_sw")),
           (6, _on_ticket(workflow.ticket_close, "handler_sw", standard="resolved", result="已电话告知备案材料清单，并通过电子税务局协助完成备案。"))]),
        S("26", 25, "ent", _base("招聘会场地协调", "计划举办校园专场招聘，希望协调人社部门提供场地。", "talent", channel="online"),
          [(2, _form("anshun-rsj", "coordination")), (5, _sign("handler_rsj")),
           (50, _on_ticket(workflow.ticket_close, "handler_rsj", standard="resolved", result="已协调市人才市场提供招聘场地并发布招聘信息。")),
           (68, _on_ticket(workflow.ticket_rate, "ent", satisfaction="satisfied", comment="协调及时，感谢！")),
           (70, _callback(note="企业对协调结果满意"))]),
        S("27", 20, "spec_tcj", _base("厂区用电增容审批慢", "申请用电增容两个月未批复，影响新生产线投产。", "business_env", **_other(1)),
          [(2, _form("anshun-tcj", "coordination")), (4, _sign("handler_tcj")),
           (60, _on_ticket(workflow.ticket_close, "handler_tcj", standard="partial", result="已与供电公司对接，正在排期。", explanation="增容需新建线路，受施工周期影响。")),
           (90, _callback(satisfaction="unsatisfied", consistent=False, note="企业称供电公司尚未联系，与办结信息不一致"))]),
        S("28", 30, "spec_fgw", _base("技改项目专项资金拨付延迟", "项目已验收，专项资金至今未拨付。", "project", **_other(2)),
          [(2, _form("anshun-fgw", "coordination")), (4, _sign("handler_fgw")),
           (80, _on_ticket(workflow.ticket_close, "handler_fgw", standard="legal_route", result="资金拨付需按预算程序办理。", explanation="已告知企业按年度预算调整程序申请。")),
           (100, _callback(satisfaction="unsatisfied", meets_standard=False, note="未给出具体拨付时间，不符合办结标准")),
           (110, _on_ticket(workflow.ticket_request_review, "handler_fgw", reason="资金拨付受年度预算约束，已书面说明法定路径，建议复查复核。"))]),
        S("29", 15, "spec_fgw", _base("反映供应商虚假宣传", "匿名反映某供应商虚假宣传，未留联系方式。", "market", anonymous=True, enterprise_name="", enterprise_uscc="", requester_name="", requester_phone=""),
          [(2, _form("anshun-scjg", "complaint")), (4, _sign("handler_scjg")),
           (20, _on_ticket(workflow.ticket_request_termination, "handler_scjg", reason="anonymous_or_false", note="匿名反映且无具体线索，无法核实。")),
           (26, _on_ticket(workflow.ticket_decide_termination, "office", approve=True, note="同意终止"))]),
        S("30", 18, "spec_tcj", _base("跨省物流通行证互认", "企业货车在邻省办理的通行证在本市不被认可。", "business_env", **_other(3)),
          [(2, _form("anshun-tcj", "coordination")), (4, _sign("handler_tcj")),
           (30, _on_ticket(workflow.ticket_escalate, "office", reason="通行证互认需省级层面协调。"))]),
        S("31", 8, "spec_fgw", _base("新建项目环评批复进度", "项目环评已受理一个月，希望了解批复进度。", "project", **_other(0)),
          [(2, _form("anshun-fgw", "coordination", co=("anshun-zrzy",))), (4, _sign("handler_fgw")),
           (8, _on_ticket(workflow.ticket_co_feedback, "handler_zrzy", content="用地预审已完成，已将意见反馈牵头部门。")),
           (10, _on_ticket(workflow.ticket_request_extension, "handler_fgw", due_date=timezone.localdate() + timedelta(days=30), reason="需等待省级生态环境部门技术评估意见。"))]),
        S("32", 14, "handler_xixiu_scjg", _base("个体户年报信息填报错误更正", "年报中从业人数填报错误，申请更正。", "market", channel="department", **_ent("ent2")),
          [(2, _form("xixiu-scjg", "consultation")), (3, _sign("handler_xixiu_scjg")),
           (5, _on_ticket(workflow.ticket_close, "handler_xixiu_scjg", standard="resolved", result="已指导企业通过公示系统完成更正。"))]),
    ]


@transaction.atomic
def seed_demo_tickets() -> dict[str, int]:
    created = 0
    for scenario in scenarios():
        if scenario.run() is not None:
            created += 1
    return {"scenarios": len(scenarios()), "created": created}
