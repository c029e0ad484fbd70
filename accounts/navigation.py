"""What each role may do, as its home page lists it (SPEC §1). The left menu is the project's registry
(qiyezhijia.menu), to which every app contributes its entries."""

from accounts.models import Role

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
    Role.SYSADMIN: [
        "创建部门工作人员账号（逐个或从 .xlsx 批量导入）并重置其密码",
        "管理部门、区域与业务领域",
        "维护节假日与调休安排、时限规则与流程设置",
    ],
    Role.AUDITOR: ["查阅并导出安全审计记录"],
    Role.SECADMIN: ["锁定与解锁账号、重置第二认证因素", "查看安全事件"],
}
