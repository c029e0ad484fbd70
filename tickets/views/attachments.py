"""Downloads of uploaded files: only through this view, only for people who may see the demand or ticket."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from audit.services import record
from tickets.models import Attachment
from tickets.selectors import demands_visible_to, tickets_visible_to


@require_GET
@login_required
def download(request, pk: int):
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在。")
    if attachment.demand_id:
        visible = demands_visible_to(request.user).filter(pk=attachment.demand_id).exists()
    else:
        visible = tickets_visible_to(request.user).filter(pk=attachment.ticket_id).exists()
    if not visible:
        raise Http404("附件不存在或无权查看。")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失，请联系系统管理员。") from None
    record("attachment.download", request=request, obj=attachment.demand or attachment.ticket, attachment=attachment.pk)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
