"""The virus-scanner interface every uploaded file passes through (SECURITY.md §6).

`scan(file)` returns None for a clean file and raises `InfectedFile` (with the signature's name) or
`ScannerUnavailable` (the scanner could not say; the upload is refused: fail closed). Which scanner runs is
settings.VIRUS_SCANNER, a dotted path:

- `core.scanning.ClamdScanner` — ClamAV's daemon over its unix socket (settings.CLAMD_SOCKET, from the environment
  variable `CLAMD_SOCKET`), INSTREAM protocol. The default whenever CLAMD_SOCKET is set.
- `core.scanning.NoopScanner` — checks nothing; the default outside production without CLAMD_SOCKET. Production
  without a scanner starts, with a warning in the log at start (core.apps) — see README "配置".
- `core.scanning.EicarScanner` — flags the EICAR test string. ClamAV's signature database needs a download that CI
  cannot make, so the tests use this one (and test ClamdScanner against a small fake clamd speaking INSTREAM).
"""

from __future__ import annotations

import socket
import struct
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK = 64 * 1024


class InfectedFile(Exception):
    def __init__(self, signature: str):
        super().__init__(signature)
        self.signature = signature


class ScannerUnavailable(Exception):
    """The scanner could not check the file (not running, timed out, answered an error)."""


class Scanner:
    def scan_bytes(self, content: bytes) -> None:
        raise NotImplementedError


class NoopScanner(Scanner):
    def scan_bytes(self, content: bytes) -> None:
        return None


class EicarScanner(Scanner):
    """For tests and drills: finds the EICAR anti-virus test string anywhere in the content."""

    def scan_bytes(self, content: bytes) -> None:
        if EICAR in content:
            raise InfectedFile("Eicar-Test-Signature")


class ClamdScanner(Scanner):
    """clamd's INSTREAM: `zINSTREAM\\0`, chunks of <4-byte big-endian length><data>, a zero length; it answers
    `stream: OK`, `stream: <name> FOUND` or `<message> ERROR` (NUL-terminated)."""

    def __init__(self, socket_path: str | None = None, timeout: float | None = None):
        self.socket_path = socket_path or settings.CLAMD_SOCKET
        self.timeout = timeout if timeout is not None else settings.CLAMD_TIMEOUT

    def scan_bytes(self, content: bytes) -> None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(self.timeout)
                conn.connect(self.socket_path)
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), CHUNK):
                    piece = content[start:start + CHUNK]
                    conn.sendall(struct.pack(">I", len(piece)) + piece)
                conn.sendall(struct.pack(">I", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    data = conn.recv(4096)
                    if not data:
                        break
                    reply += data
        except OSError as exc:
            raise ScannerUnavailable(f"clamd: {exc}") from None
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if answer.endswith("FOUND"):
            raise InfectedFile(answer.removeprefix("stream:").removesuffix("FOUND").strip())
        if not answer.endswith("OK"):
            raise ScannerUnavailable(f"clamd: {answer or '无应答'}")


@cache
def _scanner(path: str) -> Scanner:
    return import_string(path)()


def scanner() -> Scanner:
    return _scanner(settings.VIRUS_SCANNER)


def scan(file) -> None:
    """Scan an uploaded file (or bytes): None when clean; InfectedFile or ScannerUnavailable otherwise."""
    if isinstance(file, bytes):
        content = file
    else:
        file.seek(0)
        content = file.read()
        file.seek(0)
    scanner().scan_bytes(content)
