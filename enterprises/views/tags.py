"""Staff grant and withdraw enterprise tags (OUTREACH §2: verified facts, each change recorded with who and when):
find an enterprise of the region (/enterprises/tags/), then its tags (/enterprises/<uscc>/tags/). Department staff
and the office of the enterprise's region or of the city above it; other roles 403, other regions' enterprises 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import uscc as uscc_rules
from accounts.access import role_required
from accounts.models import Enterprise
from enterprises.models import EnterpriseTag, Tag, TagChange
from enterprises.tags import GRANTING_ROLES, may_grant, set_tag

NOT_GRANTER = "只有部门工作人员或企业之家办公室可以认定企业标签。"


def _enterprises_of(user):
    """Enterprises of the user's region and of the regions right below it (who `may_grant` reaches)."""
    region_id = user.department.region_id
    return Enterprise.objects.filter(Q(region_id=region_id) | Q(region__parent_id=region_id))


@require_GET
@role_required(GRANTING_ROLES, NOT_GRANTER)
def search(request):
    keyword = " ".join(request.GET.get("q", "").split())[:64]
    found, error = None, ""
    if keyword:
        if len(keyword) < 2:
            error = "请至少输入两个字，或输入完整的统一社会信用代码。"
        else:
            code = uscc_rules.normalize(keyword)
            found = (_enterprises_of(request.user).filter(Q(name__contains=keyword) | Q(uscc=code))
                     .select_related("region").order_by("name")[:50])
    return render(request, "enterprises/tag_search.html", {"q": keyword, "found": found, "error": error})


@require_http_methods(["GET", "POST"])
@role_required(GRANTING_ROLES, NOT_GRANTER)
def detail(request, uscc: str):
    enterprise = Enterprise.objects.select_related("region", "industry").filter(uscc=uscc_rules.normalize(uscc)).first()
    if enterprise is None or not may_grant(request.user, enterprise):
        raise Http404("企业不存在或不属于本区域。")
    if request.method == "POST":
        code = request.POST.get("tag", "")
        granted = request.POST.get("granted") == "1"
        try:
            changed = set_tag(enterprise=enterprise, tag_code=code, granted=granted, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            name = Tag.objects.filter(code=code).values_list("name", flat=True).first() or code
            if changed:
                messages.success(request, f"已{'授予' if granted else '撤销'}“{name}”标签。")
            else:
                messages.info(request, f"企业{'已持有' if granted else '未持有'}“{name}”标签，未作变更。")
        return redirect("enterprises:tags", uscc=enterprise.uscc)
    held = {h.tag_id: h for h in EnterpriseTag.objects.filter(enterprise=enterprise).select_related("granted_by")}
    rows = [(tag, held.get(tag.pk)) for tag in Tag.objects.filter(Q(active=True) | Q(pk__in=list(held)))]
    changes = TagChange.objects.filter(enterprise=enterprise).select_related("tag", "changed_by__department")[:20]
    return render(request, "enterprises/tags.html", {"enterprise": enterprise, "rows": rows, "changes": changes})
