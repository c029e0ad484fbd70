"""Building service items through the acts themselves, so tests start from states real users reach."""

from catalogue import services

GUIDE = {
    "name": "办理营业执照变更登记",
    "domain": "market",
    "kind": "licence",
    "basis": "《中华人民共和国市场主体登记管理条例》第二十四条",
    "conditions": "市场主体变更登记事项的，应当自作出变更决议、决定或者法定变更事项发生之日起 30 日内申请变更登记。",
    "materials": [
        {"name": "变更登记申请书", "original": True, "copies": 1, "note": ""},
        {"name": "营业执照正副本", "original": True, "copies": 1, "note": "换发新照时交回"},
    ],
    "steps": "1. 申请\n2. 受理\n3. 审查\n4. 决定\n5. 发照",
    "legal_days": 15,
    "promised_days": 3,
    "fee": "",
    "location": "安顺市政务服务中心一楼市场监管窗口",
    "hours": "工作日 9:00—12:00，13:00—17:00",
    "phone": "0851-33221100",
    "online_url": "https://zwfw.guizhou.gov.cn/",
    "responsibility": "市市场监管局负责市场主体登记注册工作（市场监管局“三定”规定第三条）。",
}


def guide(**overrides) -> dict:
    return {**GUIDE, **overrides}


def make_item(actor, *, publish: bool = False, **overrides):
    item = services.item_create(actor=actor, **guide(**overrides))
    if publish:
        item = services.item_publish(actor=actor, item=item)
    return item
