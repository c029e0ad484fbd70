"""What an uploaded file must be before any app stores it (SECURITY.md §6): type by name and by content, size, name,
no macros, archives within limits, images re-encoded, passed by the virus scanner. At most 10 files per request.

`validate_upload(upload, field)` is the one check every upload path calls (tickets, licences, catalogue and policy
attachments, the staff and beneficiary imports). It raises a ValidationError on `field` with a Chinese message
naming the file; nothing is stored before it passes. A JPG or PNG that passes is replaced in place by its re-encoded
pixels (no trailing bytes, no metadata), so what is stored is what was checked.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ValidationError, field_error
from core.scanning import InfectedFile, ScannerUnavailable, scan

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
# Office formats that carry macros by design: refused whatever they contain.
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xlsb", ".pptm", ".potm", ".ppsm", ".ppam"}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_REQUEST = 10
# Images: more pixels than this are refused before decoding (a decompression bomb is a few KB of PNG).
MAX_IMAGE_PIXELS = 40_000_000
# Archives (.zip, and the packages .docx/.xlsx are).
MAX_ARCHIVE_MEMBERS = 100
MAX_PACKAGE_MEMBERS = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
ARCHIVE_EXTENSIONS = {".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab", ".arj", ".lz", ".zst", ".jar"}
ACCEPT = ",".join(sorted(ALLOWED_EXTENSIONS))
FILE_HELP = ("可选择多个文件（一次最多 10 个）；支持 PDF、图片（JPG/PNG）、Word、Excel、TXT、ZIP，每个文件不超过 20 MB；"
             "不支持带宏的 Office 文件。")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MACRO_MARKERS = tuple(name.encode("utf-16-le") for name in ("_VBA_PROJECT", "VBA", "Macros")) + (b"_VBA_PROJECT",)
_DRIVE = re.compile(r"^[A-Za-z]:")

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow itself refuses twice this (DecompressionBombError)


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


class _Refused(Exception):
    """A content check failed; the message is completed with the file's name."""


def validate_uploads(uploads: Iterable, field: str = "files") -> None:
    """The count limit and every file's checks, for the acts that take a list of files."""
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > MAX_FILES_PER_REQUEST:
        raise field_error(field, too_many_files_message(len(uploads)))
    messages = []
    for upload in uploads:
        try:
            validate_upload(upload, field)
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise ValidationError({field: messages})


def too_many_files_message(count: int) -> str:
    return f"一次最多上传 {MAX_FILES_PER_REQUEST} 个文件，本次选择了 {count} 个，请分批上传。"


def validate_upload(upload, field: str = "file", *, allowed: Iterable[str] | None = None) -> None:
    """A ValidationError on `field` naming the file, unless it is acceptable; a JPG/PNG is re-encoded in place."""
    name = getattr(upload, "name", "") or ""
    shown = os.path.basename(name)[:60] or "未命名文件"
    ext = extension(name)
    if getattr(upload, "_qyzj_checked", None) == (name, upload.size):
        return
    if ext in MACRO_EXTENSIONS:
        raise field_error(field, f"文件“{shown}”是带宏的 Office 文件（{ext}），出于安全原因不能上传，请另存为不含宏的格式。")
    if ext not in ALLOWED_EXTENSIONS or (allowed is not None and ext not in allowed):
        raise field_error(field, f"文件“{shown}”：不支持的文件类型“{ext or '无扩展名'}”，请上传 PDF、图片、Word、Excel、TXT 或 ZIP 文件。")
    if "\x00" in name or len(name) > 200:
        raise field_error(field, "文件名不能超过 200 个字符，且不能含有特殊字符。")
    if upload.size == 0:
        raise field_error(field, f"文件“{shown}”是空文件。")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error(field, f"文件“{shown}”超过 20 MB。")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        cleaned = _check_content(ext, content)
    except _Refused as exc:
        raise field_error(field, f"文件“{shown}”{exc}") from None
    try:
        scan(content)
    except InfectedFile:
        raise field_error(field, f"文件“{shown}”未通过病毒扫描（发现恶意代码），已拒绝上传。") from None
    except ScannerUnavailable:
        raise field_error(field, f"文件“{shown}”暂时无法完成病毒扫描，请稍后再试。") from None
    if cleaned is not None:
        _replace_content(upload, cleaned)
    upload._qyzj_checked = (name, upload.size)


# --- content ---------------------------------------------------------------------------------------------------------
def _check_content(ext: str, content: bytes) -> bytes | None:
    """Raise _Refused unless the content is what the extension says; the re-encoded bytes of an image."""
    mismatch = f"的内容与扩展名不符（不是有效的 {ext} 文件），请上传原始文件。"
    kind = filetype.guess(content[:8192])
    if ext == ".pdf":
        if kind is None or kind.extension != "pdf":
            raise _Refused(mismatch)
        return None
    if ext in (".jpg", ".jpeg", ".png"):
        wanted = "png" if ext == ".png" else "jpg"
        if kind is None or kind.extension != wanted:
            raise _Refused(mismatch)
        return _reencode(content, "PNG" if wanted == "png" else "JPEG")
    if ext in (".doc", ".xls"):
        if not content.startswith(OLE_MAGIC):
            raise _Refused(mismatch)
        if any(marker in content for marker in _OLE_MACRO_MARKERS):
            raise _Refused("含有宏代码，出于安全原因不能上传，请另存为不含宏的文件后再上传。")
        return None
    if ext in (".docx", ".xlsx"):
        if not content.startswith(ZIP_MAGIC):
            raise _Refused(mismatch)
        _check_package(content, "word/" if ext == ".docx" else "xl/", mismatch)
        return None
    if ext == ".zip":
        if not content.startswith(ZIP_MAGIC):
            raise _Refused(mismatch)
        _check_archive(content)
        return None
    if ext == ".txt":
        if kind is not None or b"\x00" in content:
            raise _Refused(mismatch)
        for encoding in ("utf-8", "gb18030"):
            try:
                content.decode(encoding)
                return None
            except UnicodeDecodeError:
                continue
        raise _Refused("不是可识别编码（UTF-8 或 GB18030）的文本文件。")
    raise _Refused(mismatch)


def _reencode(content: bytes, fmt: str) -> bytes:
    """Decode the pixels and write them anew: drops metadata and anything hidden around the image."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != fmt:
                raise _Refused(f"的内容与扩展名不符（实际是 {image.format} 图片）。")
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _Refused(f"的图片尺寸过大（{width}×{height}），请缩小后再上传。")
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if fmt == "JPEG":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused("的图片尺寸过大，请缩小后再上传。") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _Refused("无法识别为有效图片（文件已损坏或不是图片）。") from None


def _unsafe_name(member: str) -> bool:
    if member.startswith(("/", "\\")) or "\\" in member or _DRIVE.match(member) or "\x00" in member:
        return True
    return ".." in posixpath.normpath(member).split("/") or ".." in member.split("/")


def _open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _Refused("不是有效的压缩文件（已损坏或格式不正确）。") from None


def _read_members(archive: zipfile.ZipFile, members, *, limit_members: int, first_bytes: bool):
    """Decompress every member with a running cap (declared sizes may lie); yields (info, first bytes)."""
    if len(members) > limit_members:
        raise _Refused(f"包含 {len(members)} 个文件，超过 {limit_members} 个的上限。")
    total_in = sum(info.compress_size for info in members) or 1
    total_out = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise _Refused("含有加密的文件，无法检查，请解密后再上传。")
        if _unsafe_name(info.filename):
            raise _Refused(f"含有不安全的路径“{info.filename[:60]}”。")
        head = b""
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(64 * 1024):
                    if first_bytes and len(head) < 262:
                        head += chunk[: 262 - len(head)]
                    total_out += len(chunk)
                    if total_out > MAX_UNCOMPRESSED_BYTES:
                        raise _Refused("解压后超过 100 MB，不能上传。")
                    if total_out > 1024 * 1024 and total_out > MAX_COMPRESSION_RATIO * total_in:
                        raise _Refused(f"压缩比超过 {MAX_COMPRESSION_RATIO}:1，疑似压缩炸弹，不能上传。")
        except _Refused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise _Refused("不是有效的压缩文件（已损坏或使用了不支持的压缩方式）。") from None
        yield info, head


def _check_archive(content: bytes) -> None:
    with _open_zip(content) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        for info, head in _read_members(archive, members, limit_members=MAX_ARCHIVE_MEMBERS, first_bytes=True):
            kind = filetype.guess(head) if head else None
            nested = extension(info.filename) in ARCHIVE_EXTENSIONS or (
                kind is not None and kind.extension in {"zip", "rar", "7z", "gz", "bz2", "xz", "tar", "cab", "lz", "zst"})
            if nested:
                raise _Refused(f"内含压缩文件“{os.path.basename(info.filename)[:60]}”，不支持嵌套压缩包。")
            if extension(info.filename) in MACRO_EXTENSIONS:
                raise _Refused(f"内含带宏的 Office 文件“{os.path.basename(info.filename)[:60]}”。")


def _check_package(content: bytes, part: str, mismatch: str) -> None:
    """A .docx/.xlsx: an Office Open XML package of its kind, without a VBA project, within the archive limits."""
    with _open_zip(content) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(name.startswith(part) for name in names):
            raise _Refused(mismatch)
        if any("vbaproject" in name.lower() or name.lower().endswith(".bin") and "vba" in name.lower() for name in names):
            raise _Refused("含有宏代码（vbaProject.bin），出于安全原因不能上传，请另存为不含宏的文件后再上传。")
        types = archive.read("[Content_Types].xml").lower()
        if b"macroenabled" in types or b"vbaproject" in types:
            raise _Refused("是启用宏的 Office 文件，出于安全原因不能上传，请另存为不含宏的文件后再上传。")
        members = [info for info in archive.infolist() if not info.is_dir()]
        for _ in _read_members(archive, members, limit_members=MAX_PACKAGE_MEMBERS, first_bytes=False):
            pass


def _replace_content(upload, content: bytes) -> None:
    """Store the checked bytes, not the received ones (a temporary file is rewritten: storage moves it as it is)."""
    if hasattr(upload, "temporary_file_path"):
        upload.file.seek(0)
        upload.file.write(content)
        upload.file.truncate()
        upload.file.flush()
        upload.file.seek(0)
    else:
        upload.file = io.BytesIO(content)
    upload.size = len(content)
