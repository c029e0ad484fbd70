"""The business-licence scan: an image or a PDF, checked with the platform's upload rules (core.files: content matching
the extension, images re-encoded, the virus scanner); stored under MEDIA_ROOT, never served directly."""

from __future__ import annotations

import os

from core.errors import field_error
from core.files import ALLOWED_EXTENSIONS, extension, validate_upload
from enterprises.models import Licence

LICENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
LICENCE_ACCEPT = ",".join(LICENCE_EXTENSIONS)
LICENCE_HELP = "营业执照的照片或扫描件：JPG、PNG 图片或 PDF，不超过 20 MB。"


def validate_licence(upload, field: str = "licence") -> None:
    """A ValidationError on `field` unless the upload is a JPG, PNG or PDF whose content matches its extension."""
    ext = extension(getattr(upload, "name", ""))
    if ext not in LICENCE_EXTENSIONS:
        raise field_error(field, f"营业执照只能上传 JPG、PNG 图片或 PDF 文件，不支持“{ext or '无扩展名'}”。")
    validate_upload(upload, field, allowed=LICENCE_EXTENSIONS)


def store_licence(*, enterprise, upload, uploaded_by) -> Licence:
    validate_licence(upload)
    return Licence.objects.create(
        enterprise=enterprise,
        file=upload,
        original_name=os.path.basename(upload.name)[:200],
        content_type=ALLOWED_EXTENSIONS[extension(upload.name)],
        size=upload.size,
        uploaded_by=uploaded_by,
    )
