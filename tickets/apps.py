from django.apps import AppConfig


class TicketsConfig(AppConfig):
    """Demands, tickets and their lifecycle (SPEC §3–§5, §8)."""

    name = "tickets"
    verbose_name = "诉求与工单"
    provisional_clocks = "tickets.clocks.provisional_clocks"
    notification_events = {
        "dispatch": "派单",
        "objection": "办理异议",
        "objection_outcome": "异议处理结果",
        "co_feedback": "协办反馈",
        "extension_request": "延期申请",
        "extension_decision": "延期审批",
        "termination_request": "终止申请",
        "termination_decision": "终止审批",
        "return": "退回重办",
        "review_request": "复查复核申请",
        "review_outcome": "复查复核结论",
        "transfer": "提级转办",
        "consult": "会商",
        "consult_opinion": "会商意见",
        "supplement": "补充材料",
        "ticket_formed": "已受理",
        "result": "办理结果",
        "callback": "回访",
        "assign": "指定承办人",
        "mention": "备注提及",
    }

    def menu_items(self):
        from accounts.models import Role
        from accounts.roles import DEMAND_LIST_READERS, REGISTRARS, TICKET_READERS
        from core.menu import MenuItem

        office, handler = frozenset({Role.OFFICE}), frozenset({Role.HANDLER})
        enterprise = frozenset({Role.ENTERPRISE})
        return [
            MenuItem(20, "提交诉求", "tickets:submit", "pencil-square", enterprise),
            MenuItem(30, "我的诉求", "tickets:my_demands", "card-list", enterprise),
            MenuItem(40, "待研判", "tickets:triage_queue", "funnel", office, "triage"),
            MenuItem(50, "办理异议", "tickets:dispute_queue", "signpost-split", office, "disputes"),
            MenuItem(60, "待确定牵头部门", "tickets:government_queue", "bank", frozenset({Role.GOVERNMENT}), "government"),
            MenuItem(70, "待签收", "tickets:inbox", "inbox", handler, "to_sign"),
            MenuItem(80, "办理中", "tickets:inbox_handling", "hourglass-split", handler, "handling"),
            MenuItem(85, "我的工单", "tickets:my_tickets", "person-check", handler),
            MenuItem(90, "协办工单", "tickets:co_inbox", "people", handler, "co"),
            MenuItem(100, "延期申请", "tickets:extension_queue", "calendar-plus", office, "extensions"),
            MenuItem(110, "终止申请", "tickets:termination_queue", "slash-circle", office, "terminations"),
            MenuItem(120, "待回访", "tickets:callback_queue", "telephone", frozenset({Role.OFFICE, Role.SPECIALIST}), "callbacks"),
            MenuItem(130, "退回重办", "tickets:returned_queue", "arrow-counterclockwise", office, "returned"),
            MenuItem(140, "复查复核", "tickets:review_queue", "clipboard-check", office, "reviews"),
            MenuItem(150, "提级记录", "tickets:escalations", "arrow-up-circle", office),
            MenuItem(160, "抽访", "tickets:sampling_list", "shuffle", office),
            MenuItem(190, "会商意见", "tickets:consult_inbox", "chat-square-text", frozenset({Role.HANDLER, Role.SPECIALIST}), "consult"),
            MenuItem(200, "登记诉求", "tickets:register", "journal-plus", REGISTRARS),
            MenuItem(210, "诉求列表", "tickets:demand_list", "list-ul", DEMAND_LIST_READERS),
            MenuItem(220, "工单列表", "tickets:ticket_list", "folder2-open", TICKET_READERS),
        ]

    def ready(self):
        # The audit log names workflow rows by the timeline's own labels (SECURITY.md §4).
        from audit.labels import register_workflow_labels
        from tickets.models.common import TIMELINE_ACTIONS

        register_workflow_labels(TIMELINE_ACTIONS)

    def menu_queues(self, user):
        from tickets.queues import menu_queues

        return menu_queues(user)
