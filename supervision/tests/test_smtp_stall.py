"""A silent SMTP server never holds up a web request (SECURITY.md §7): the office's urge (催办) answers without any SMTP
connection, the email waits in the outbox, and the outbox task delivers it once the mail server answers again.

Two real SMTP endpoints on 127.0.0.1: one that accepts connections and never says a word (the stall), and a tiny SMTP
responder written with socketserver (aiosmtpd is not installed)."""

import socket
import socketserver
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from notifications.models import Delivery
from notifications.tasks import send_deliveries
from supervision.models import Urge
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.django_db


class SilentServer:
    """Accepts every connection and never answers (an SMTP server that hangs)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 stub ESMTP\r\n")
        envelope = {"rcpt": [], "data": b""}
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 stub\r\n")
            elif command.startswith(b"RCPT TO:"):
                envelope["rcpt"].append(line.strip()[8:].strip(b"<> ").decode())
                self.wfile.write(b"250 OK\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    envelope["data"] += chunk
                self.server.messages.append(envelope)
                envelope = {"rcpt": [], "data": b""}
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RSET, NOOP
                self.wfile.write(b"250 OK\r\n")


class WorkingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[dict] = []
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def silent_smtp(settings):
    server = SilentServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.close()


@pytest.fixture
def working_smtp():
    server = WorkingServer()
    yield server
    server.shutdown()
    server.server_close()


def test_an_urge_never_waits_on_a_silent_smtp_server_and_the_mail_leaves_when_it_answers(
    client, django_capture_on_commit_callbacks, settings, office_clerk, lead_handler, silent_smtp, working_smtp, queued
):
    lead_handler.email = "lead@example.cn"
    lead_handler.save()
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:ticket_action", args=[ticket.pk, "urge"]), {"urge-note": "请尽快办理"})
    assert response.status_code == 302 and Urge.objects.count() == 1
    time.sleep(0.2)  # a connection the request had opened would have been accepted by now
    assert silent_smtp.accepted == []  # the request never talked to the mail server
    email = Delivery.objects.get(channel="email")
    assert (email.address, email.status, email.attempts) == ("lead@example.cn", "pending", 0)
    assert [email.pk] in queued

    # The worker meets the silent server: its attempt times out (after EMAIL_TIMEOUT), the row waits for a retry.
    send_deliveries.apply(args=([email.pk],))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1) and "timed out" in email.error
    assert len(silent_smtp.accepted) == 1

    # The mail server answers again; when the retry is due, the task delivers the mail and marks it sent.
    settings.EMAIL_PORT = working_smtp.port
    Delivery.objects.filter(pk=email.pk).update(next_attempt_at=email.created_at)
    send_deliveries.apply(args=([email.pk],))
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == ("sent", 2, "")
    [message] = working_smtp.messages
    parsed = message_from_bytes(message["data"])
    assert message["rcpt"] == ["lead@example.cn"] and parsed["To"] == "lead@example.cn"
    assert str(make_header(decode_header(parsed["Subject"]))) == f"【企业之家】催办：工单 {ticket.number}"
