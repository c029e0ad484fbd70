"""Helpers of the chamber tests: a demand registered at an activity through the tickets act, and a tiny PNG."""

import io

from tickets.workflow.policy_link import demand_register_linked


def register_at(activity, actor, *, title="招工难，希望组织专场招聘会", **extra):
    demand, _created = demand_register_linked(
        actor=actor, channel="chamber", title=title, content="会员企业反映技工难招。", domain="talent",
        enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K", requester_name="刘晓燕",
        requester_phone="13985300001", activity=activity.pk, **extra,
    )
    return demand


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
