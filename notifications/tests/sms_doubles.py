"""SMS gateways for tests: one that records what it was asked to send, one that always fails."""

from notifications.sms import SMSSender

SENT: list[tuple[str, str]] = []


class RecordingSMSSender(SMSSender):
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


class FailingSMSSender(SMSSender):
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("短信网关无响应")


class NotASender:
    pass


class TcpSMSSender(SMSSender):
    """A gateway reached over TCP (127.0.0.1:settings.TEST_SMS_GATEWAY_PORT), as a real one is: one line
    "phone<TAB>text" out, "OK" back, within settings.TEST_SMS_GATEWAY_TIMEOUT seconds (a silent gateway times out)."""

    def send(self, phone: str, text: str) -> None:
        import socket

        from django.conf import settings

        with socket.create_connection(("127.0.0.1", settings.TEST_SMS_GATEWAY_PORT),
                                      timeout=settings.TEST_SMS_GATEWAY_TIMEOUT) as conn:
            conn.sendall(f"{phone}\t{text}\n".encode())
            if not conn.makefile("rb").readline().startswith(b"OK"):
                raise ConnectionError("短信网关拒绝了这条短信")


class SilentGateway:
    """Accepts every connection and never answers (a gateway that hangs)."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

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


class WorkingGateway:
    """Answers "OK" to each line and keeps (phone, text)."""

    def __init__(self):
        import socketserver
        import threading

        received = self.received = []

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                phone, _, text = self.rfile.readline().decode().rstrip("\n").partition("\t")
                received.append((phone, text))
                self.wfile.write(b"OK\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
