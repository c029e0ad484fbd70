"""What the self-service tests share: a valid licence upload, reading the code from the recording SMS gateway."""

import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A real 40×24 grey PNG, so the office's page shows an image.
PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 24, 8, 0, 0, 0, 0))
       + _chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + b"\xa0" * 40 for _ in range(24)))) + _chunk(b"IEND", b""))


def pdf(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="营业执照.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def last_code(sms, phone=None) -> str:
    texts = [text for to, text in sms if phone is None or to == phone]
    return re.search(r"验证码是 (\d{6})", texts[-1]).group(1)
