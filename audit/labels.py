"""The audit log's action codes as the auditor reads them (中文). Workflow rows are `workflow.<timeline action>`:
the tickets app registers its timeline's labels here (audit cannot import it)."""

ACTION_LABELS: dict[str, str] = {
    "account.login": "登录成功",
    "account.login_failed": "登录失败",
    "account.lockout": "登录锁定",
    "account.logout": "退出登录",
    "account.second_factor": "第二因子验证成功",
    "account.second_factor_failed": "第二因子验证失败",
    "account.second_factor_enrol": "绑定第二因子",
    "account.second_factor_reset": "重置第二因子",
    "account.unlock": "解除登录锁定",
    "account.password_change": "修改密码",
    "account.password_reset": "重置密码",
    "account.create": "创建账号",
    "account.enable": "启用账号",
    "account.disable": "停用账号",
    "account.join_refused": "拒绝加入企业申请",
    "account.role_change": "变更角色",
    "export.xlsx": "导出表格",
    "export.api_page": "接口批量读取（翻页）",
    "attachment.download": "下载附件",
    "attachment.preview": "在线预览附件",
    "ticket.note": "添加工单内部备注",
    "pii.reveal": "查看完整手机号",
    "admin.add": "后台新增",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
    "permission.denied": "越权访问被拒绝（403）",
    "audit.export": "导出审计记录",
    "training.create": "新建宣讲培训",
    "training.update": "修改宣讲培训",
    "training.publish": "发布宣讲培训",
    "training.hold": "标记培训已举办",
    "training.cancel": "取消宣讲培训",
    "training.attachment": "上传培训资料",
    "training.attendance": "登记培训出席",
    "training.signup": "报名培训",
    "training.signup_cancel": "取消培训报名",
    "training.feedback": "评价培训",
}

WORKFLOW_PREFIX = "workflow."
_workflow_labels: dict[str, str] = {}


def register_workflow_labels(labels: dict[str, str]) -> None:
    _workflow_labels.update(labels)


def action_label(action: str) -> str:
    if action.startswith(WORKFLOW_PREFIX):
        step = action[len(WORKFLOW_PREFIX):]
        return f"流程：{_workflow_labels.get(step, step)}"
    return ACTION_LABELS.get(action, action)


def action_choices() -> list[tuple[str, str]]:
    choices = [("", "全部操作"), *ACTION_LABELS.items(), ("workflow.", "流程操作（全部）")]
    choices += [(WORKFLOW_PREFIX + code, f"流程：{label}") for code, label in _workflow_labels.items()]
    return choices
