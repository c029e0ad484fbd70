"""What each role sees in the left menu and on its home page.

Menu entries name URLs; an entry whose URL is not (yet) installed is left out, so
the menu only ever offers pages that exist. Later screens add their entries here.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.models import Role


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset[str]
    count: str | None = None  # a key of tickets.selectors.queue_counts()


ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = ALL_ROLES - {Role.ENTERPRISE}
REGISTRARS = frozenset({Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.CHAMBER, Role.SUPERVISOR})
TICKET_READERS = frozenset({Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.GOVERNMENT, Role.LEADER})

MENU: list[MenuItem] = [
    MenuItem("首页", "accounts:home", "house", ALL_ROLES),
    MenuItem("提交诉求", "tickets:submit", "pencil-square", frozenset({Role.ENTERPRISE})),
    MenuItem("我的诉求", "tickets:my_demands", "card-list", frozenset({Role.ENTERPRISE})),
    MenuItem("待研判", "tickets:triage_queue", "funnel", frozenset({Role.OFFICE}), "triage"),
    MenuItem("办理异议", "tickets:dispute_queue", "signpost-split", frozenset({Role.OFFICE}), "disputes"),
    MenuItem("待确定牵头部门", "tickets:government_queue", "bank", frozenset({Role.GOVERNMENT}), "government"),
    MenuItem("待签收", "tickets:inbox", "inbox", frozenset({Role.HANDLER}), "to_sign"),
    MenuItem("办理中", "tickets:inbox_handling", "hourglass-split", frozenset({Role.HANDLER}), "handling"),
    MenuItem("协办工单", "tickets:co_inbox", "people", frozenset({Role.HANDLER}), "co"),
    MenuItem("延期申请", "tickets:extension_queue", "calendar-plus", frozenset({Role.OFFICE}), "extensions"),
    MenuItem("终止申请", "tickets:termination_queue", "slash-circle", frozenset({Role.OFFICE}), "terminations"),
    MenuItem("待回访", "tickets:callback_queue", "telephone", frozenset({Role.OFFICE, Role.SPECIALIST}), "callbacks"),
    MenuItem("退回重办", "tickets:returned_queue", "arrow-counterclockwise", frozenset({Role.OFFICE}), "returned"),
    MenuItem("复查复核", "tickets:review_queue", "clipboard-check", frozenset({Role.OFFICE}), "reviews"),
    MenuItem("提级记录", "tickets:escalations", "arrow-up-circle", frozenset({Role.OFFICE})),
    MenuItem("抽访", "tickets:sampling_list", "shuffle", frozenset({Role.OFFICE})),
    MenuItem("督办管理", "tickets:supervision_board", "megaphone", frozenset({Role.OFFICE, Role.GOVERNMENT, Role.LEADER}), "supervision_open"),
    MenuItem("督办回复", "tickets:supervision_inbox", "reply-all", frozenset({Role.HANDLER, Role.OFFICE}), "supervision_inbox"),
    MenuItem("会商意见", "tickets:consult_inbox", "chat-square-text", frozenset({Role.HANDLER, Role.SPECIALIST}), "consult"),
    MenuItem("登记诉求", "tickets:register", "journal-plus", REGISTRARS),
    MenuItem("诉求列表", "tickets:demand_list", "list-ul", REGISTRARS | {Role.GOVERNMENT, Role.LEADER}),
    MenuItem("工单列表", "tickets:ticket_list", "folder2-open", TICKET_READERS),
    MenuItem("运行看板", "reports:dashboard", "speedometer2", frozenset({Role.LEADER, Role.OFFICE, Role.GOVERNMENT})),
    MenuItem("台账", "reports:ledger", "journal-text", frozenset({Role.HANDLER, Role.OFFICE})),
    MenuItem("运行报告", "reports:operations", "file-earmark-bar-graph", frozenset({Role.OFFICE, Role.LEADER, Role.GOVERNMENT})),
    MenuItem("API 文档", "api-docs", "braces", STAFF_ROLES - {Role.SUPERVISOR, Role.CHAMBER}),
    MenuItem("平台管理", "admin:index", "gear", frozenset({Role.ADMIN})),
]

# What each role will be able to do (SPEC §1), shown on the home page.
CAPABILITIES: dict[str, list[str]] = {
    Role.ENTERPRISE: [
        "在线提交本企业的诉求并上传材料",
        "在“我的诉求”中查看办理进度与结果",
        "按要求补充材料、同意合并、撤回尚未形成工单的诉求",
        "对办理结果进行评价",
    ],
    Role.SPECIALIST: [
        "登记各渠道收集的企业诉求",
        "对本区域工单进行催办",
        "记录回访情况",
        "查看本区域的工单",
    ],
    Role.HANDLER: [
        "登记本部门首问收到的企业诉求（可本部门直接办理）",
        "牵头工单：签收或提出办理异议、添加协办部门、申请延期或终止、办结、申请复查复核、回复督办",
        "协办工单：确认协办并反馈处置情况",
    ],
    Role.OFFICE: [
        "对登记的诉求集中研判：形成工单、合并、补充材料、会商、提级、不予受理",
        "派单，处理办理异议，审批延期与终止",
        "催办督办、全量回访与对县（区）的抽访",
        "组织复查复核，汇总台账并形成运行报告",
    ],
    Role.GOVERNMENT: [
        "对经协调仍无法确定牵头部门的工单确定办理单位",
        "开展“一事一议”专项督办",
        "查看本区域全部工单",
    ],
    Role.LEADER: ["查看本区域的运行看板、统计报表与工单（只读）"],
    Role.SUPERVISOR: ["登记在特约监督工作中发现的企业诉求", "查看本人登记诉求的办理情况"],
    Role.CHAMBER: ["登记商会轮值活动中收集的企业诉求", "查看本人登记诉求的办理情况"],
    Role.ADMIN: ["管理用户、部门与区域", "维护节假日与调休安排、时限规则与流程设置"],
}


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    from tickets.selectors import queue_counts

    counts = None
    items = []
    for item in MENU:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = None
        if item.count:
            if counts is None:
                counts = queue_counts(user)
            count = counts.get(item.count)
        items.append({"label": item.label, "url": url, "icon": item.icon, "count": count})
    return items
