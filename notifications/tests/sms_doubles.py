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
