"""SECURITY.md §6, uploads: content must match the extension, images re-encoded, macros refused, archives limited,
the virus scanner consulted, at most 10 files; every refusal a Chinese message naming the file, nothing stored.

The scanner in these tests flags the EICAR test string (core.scanning.EicarScanner): ClamAV's signature database
needs a download that CI cannot make. The clamd client is tested against a small fake clamd speaking INSTREAM."""

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from core import scanning
from core.files import MAX_FILES_PER_REQUEST, validate_upload, validate_uploads
from core.scanning import EICAR, ClamdScanner, InfectedFile, ScannerUnavailable


@pytest.fixture(autouse=True)
def _eicar_scanner(settings):
    settings.VIRUS_SCANNER = "core.scanning.EicarScanner"


def image_bytes(fmt="PNG", size=(40, 24), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refused(name, content, field="file") -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, content), field)
    message = caught.value.message_dict[field][0]
    return message


def ooxml(kind="word", extra=None, content_types=b"<Types/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr(f"{kind}/document.xml", b"<doc>hello</doc>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def zip_of(members: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


# --- accepted ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,content", [
    ("a.pdf", b"%PDF-1.4\n%%EOF\n"),
    ("a.docx", ooxml("word")),
    ("a.xlsx", ooxml("xl")),
    ("说明.txt", "中文说明".encode()),
    ("a.zip", zip_of({"a.txt": b"hello", "dir/b.pdf": b"%PDF-1.4"})),
    ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
])
def test_files_whose_content_matches_their_extension_pass(name, content):
    validate_upload(upload(name, content))


def test_a_png_is_re_encoded_dropping_what_hides_after_it():
    file = upload("现场照片.png", image_bytes() + b"<script>alert(1)</script>")
    validate_upload(file)
    stored = file.read()
    assert b"<script>" not in stored and Image.open(io.BytesIO(stored)).size == (40, 24)
    assert file.size == len(stored)


def test_a_jpeg_loses_its_metadata_on_re_encoding():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    file = upload("a.jpg", image_bytes("JPEG", exif=exif.tobytes()))
    validate_upload(file)
    assert b"SecretCam" not in file.read()


def test_a_temporary_upload_is_rewritten_in_place(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    content = image_bytes() + b"<html>trailing</html>"
    file = TemporaryUploadedFile("a.png", "image/png", len(content), None)
    file.write(content)
    file.seek(0)
    validate_upload(file)
    with open(file.temporary_file_path(), "rb") as stored:
        assert b"<html>" not in stored.read()


# --- refused, each with a Chinese message naming the file -------------------------------------------------------------
def test_a_gif_html_polyglot_named_png_is_refused():
    polyglot = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;<script>alert(document.domain)</script>"
    assert refused("头像.png", polyglot) == "文件“头像.png”的内容与扩展名不符（不是有效的 .png 文件），请上传原始文件。"


def test_html_named_pdf_is_refused():
    assert "“报告.pdf”的内容与扩展名不符" in refused("报告.pdf", b"<html><body><script>alert(1)</script></body></html>")


def test_an_undecodable_png_is_refused():
    assert "无法识别为有效图片" in refused("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)


def test_a_decompression_bomb_image_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few KB
    assert "尺寸过大" in refused("大图.png", out.getvalue())


@pytest.mark.parametrize("name", ["宏.docm", "宏.xlsm", "宏.pptm"])
def test_macro_extensions_are_refused(name):
    assert f"“{name}”是带宏的 Office 文件" in refused(name, ooxml("word"))


def test_an_ooxml_package_with_a_vba_project_is_refused():
    content = ooxml("word", extra={"word/vbaProject.bin": b"\x00vba"})
    assert "含有宏代码" in refused("伪装.docx", content)
    content = ooxml("xl", content_types=b"<Types><Override ContentType='application/vnd.ms-excel.sheet.macroEnabled.main+xml'/></Types>")
    assert "启用宏" in refused("伪装.xlsx", content)


def test_an_old_office_file_with_macros_is_refused():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "_VBA_PROJECT".encode("utf-16-le")
    assert "含有宏代码" in refused("旧表.xls", content)


def test_eicar_is_refused_by_the_scanner():
    assert refused("eicar.txt", EICAR) == "文件“eicar.txt”未通过病毒扫描（发现恶意代码），已拒绝上传。"
    assert "病毒扫描" in refused("eicar.zip", zip_of({"eicar.com.txt": EICAR}, zipfile.ZIP_STORED))


def test_a_zip_bomb_is_refused():
    bomb = zip_of({"zeros.txt": b"\x00" * (20 * 1024 * 1024)})  # 20 MB of zeros in ~20 KB: 1000:1
    assert len(bomb) < 100_000
    assert "压缩比超过 100:1" in refused("bomb.zip", bomb)


def test_archives_over_the_member_limit_nested_or_with_traversal_are_refused():
    assert "超过 100 个的上限" in refused("多.zip", zip_of({f"{i}.txt": b"x" for i in range(101)}))
    assert "不支持嵌套压缩包" in refused("套.zip", zip_of({"inner.zip": zip_of({"a.txt": b"x"})}))
    assert "不支持嵌套压缩包" in refused("套2.zip", zip_of({"inner.dat": zip_of({"a.txt": b"x"})}))
    assert "不安全的路径" in refused("路径.zip", zip_of({"../../etc/passwd": b"x"}))
    assert "不安全的路径" in refused("路径2.zip", zip_of({"/abs.txt": b"x"}))


def test_a_binary_named_txt_and_an_unknown_type_are_refused():
    assert "内容与扩展名" in refused("a.txt", b"MZ\x90\x00\x03\x00\x00\x00")
    assert "不支持的文件类型“.exe”" in refused("a.exe", b"MZ")


def test_eleven_files_are_refused_and_ten_pass():
    files = [upload(f"{i}.pdf", b"%PDF-1.4") for i in range(MAX_FILES_PER_REQUEST + 1)]
    with pytest.raises(ValidationError) as caught:
        validate_uploads(files)
    assert caught.value.message_dict["files"] == ["一次最多上传 10 个文件，本次选择了 11 个，请分批上传。"]
    validate_uploads(files[:10])


# --- the clamd client ----------------------------------------------------------------------------------------------
class FakeClamd:
    """A clamd speaking INSTREAM on a unix socket: answers FOUND when the stream holds EICAR."""

    def __init__(self, path):
        self.path, self.received = path, []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            piece = conn.recv(n - len(data))
            if not piece:
                raise ConnectionError
            data += piece
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                stream = b""
                while True:
                    (size,) = struct.unpack(">I", self._read(conn, 4))
                    if size == 0:
                        break
                    stream += self._read(conn, size)
                self.received.append(stream)
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if EICAR in stream else b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd():
    directory = tempfile.mkdtemp()
    server = FakeClamd(os.path.join(directory, "clamd.sock"))
    yield server
    server.close()


def test_the_clamd_client_streams_the_file_and_reads_the_verdict(clamd):
    scanner = ClamdScanner(clamd.path, timeout=5)
    big = b"a" * 200_000  # several INSTREAM chunks
    scanner.scan_bytes(big)
    assert clamd.received[-1] == big
    with pytest.raises(InfectedFile) as caught:
        scanner.scan_bytes(b"prefix" + EICAR)
    assert caught.value.signature == "Eicar-Signature"


def test_uploads_go_through_clamd_when_it_is_configured(clamd, settings):
    settings.VIRUS_SCANNER = "core.scanning.ClamdScanner"
    settings.CLAMD_SOCKET = clamd.path
    scanning._scanner.cache_clear()
    try:
        validate_upload(upload("a.pdf", b"%PDF-1.4 clean"))
        assert clamd.received == [b"%PDF-1.4 clean"]
        assert "病毒扫描" in refused("b.txt", EICAR)
    finally:
        scanning._scanner.cache_clear()


def test_an_unreachable_clamd_refuses_the_upload(settings, tmp_path):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(str(tmp_path / "none.sock"), timeout=1).scan_bytes(b"x")
    settings.VIRUS_SCANNER = "core.scanning.ClamdScanner"
    settings.CLAMD_SOCKET = str(tmp_path / "none.sock")
    scanning._scanner.cache_clear()
    try:
        assert refused("a.pdf", b"%PDF-1.4") == "文件“a.pdf”暂时无法完成病毒扫描，请稍后再试。"
    finally:
        scanning._scanner.cache_clear()
