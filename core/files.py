"""What an uploaded file must be before any app stores it: type, size and name."""

import os

from core.errors import field_error

ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".zip": "application/zip",
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ACCEPT = ",".join(sorted(ALLOWED_EXTENSIONS))
FILE_HELP = "可选择多个文件；支持 PDF、图片（JPG/PNG）、Word、Excel、TXT、ZIP，每个文件不超过 20 MB。"


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def validate_upload(upload, field: str = "file") -> None:
    """A ValidationError on `field` naming the file, when its type, size or name is not acceptable."""
    name = getattr(upload, "name", "") or ""
    ext = extension(name)
    if ext not in ALLOWED_EXTENSIONS:
        raise field_error(field, f"不支持的文件类型“{ext or '无扩展名'}”，请上传 PDF、图片、Word、Excel、TXT 或 ZIP 文件。")
    if upload.size == 0:
        raise field_error(field, f"文件“{name}”是空文件。")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error(field, f"文件“{name}”超过 20 MB。")
    if len(name) > 200:
        raise field_error(field, "文件名不能超过 200 个字符。")
