"""Uploaded files: downloaded, or shown in the browser (images and PDFs only), only through these views and only for
people who may see the demand or ticket they belong to.

Preview is served under the strictest headers that still display the file: the type sniffed from the bytes (never
the stored name or type), `Content-Disposition: inline`, `X-Content-Type-Options: nosniff` and a Content-Security-Policy
of its own that loads nothing and runs nothing. Anything that is not a raster image or a PDF by its content (HTML, SVG,
text, Office files …) is never served inline: its preview URL answers with the download (attachment disposition).
"""

import filetype
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.services import record
from tickets.models import Attachment
from tickets.selectors import demands_visible_to, tickets_visible_to

# Types shown in the browser, by sniffed content (the `filetype` library, as core.files checks uploads).
INLINE_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
INLINE_PDF = "application/pdf"
# An image document loads nothing else and runs nothing (sandbox: no script, no form, no plugin, opaque origin).
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
# Browsers refuse to render a PDF in a sandboxed document, so the PDF gets no `sandbox`; it still loads and runs
# nothing of its own (default-src 'none'), only the browser's viewer may show it, and no other site may frame it.
PDF_CSP = "default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'"


def visible_attachment(user, pk: int) -> Attachment:
    """The attachment when the user may see its demand or ticket (the enterprise: its own demands' files and its
    tickets' evidence), else 404 — the one check of download and preview."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在。")
    if attachment.demand_id:
        visible = demands_visible_to(user).filter(pk=attachment.demand_id).exists()
    else:
        visible = tickets_visible_to(user).filter(pk=attachment.ticket_id).exists()
    if not visible:
        raise Http404("附件不存在或无权查看。")
    return attachment


def _open(attachment: Attachment):
    try:
        return attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失，请联系系统管理员。") from None


def _download_response(attachment: Attachment, handle) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sniffed_type(handle) -> str | None:
    """The MIME type the file's bytes say it is (None when unknown)."""
    head = handle.read(8192)
    handle.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def previewable(attachment: Attachment) -> str:
    """"image", "pdf" or "" from the stored type (checked against the content at upload; the inline view sniffs again):
    which preview link the list offers."""
    if attachment.content_type in INLINE_IMAGES:
        return "image"
    if attachment.content_type == INLINE_PDF:
        return "pdf"
    return ""


@require_GET
@login_required
def download(request, pk: int):
    attachment = visible_attachment(request.user, pk)
    handle = _open(attachment)
    record("attachment.download", request=request, obj=attachment.demand or attachment.ticket, attachment=attachment.pk)
    return _download_response(attachment, handle)


@require_GET
@login_required
def inline(request, pk: int):
    """The file itself for display in the browser: images and PDFs by content, under their own CSP; anything else is
    the download."""
    attachment = visible_attachment(request.user, pk)
    handle = _open(attachment)
    mime = sniffed_type(handle)
    if mime not in INLINE_IMAGES and mime != INLINE_PDF:
        record("attachment.download", request=request, obj=attachment.demand or attachment.ticket, attachment=attachment.pk)
        return _download_response(attachment, handle)
    record("attachment.preview", request=request, obj=attachment.demand or attachment.ticket, attachment=attachment.pk)
    response = FileResponse(handle, as_attachment=False, filename=attachment.original_name, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_CSP if mime == INLINE_PDF else IMAGE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
@login_required
def preview(request, pk: int):
    """An image shown inside the platform's layout, with its name and a download link (PDFs open in their own tab)."""
    attachment = visible_attachment(request.user, pk)
    kind = previewable(attachment)
    back = None
    if attachment.ticket_id:
        back = ("tickets:ticket_detail", attachment.ticket_id)
    elif attachment.demand_id:
        back = ("tickets:demand_detail", attachment.demand_id)
    return render(request, "tickets/attachment_preview.html", {"attachment": attachment, "kind": kind, "back": back})
