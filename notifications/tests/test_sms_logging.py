"""The logging SMS sender shows the text (a verification code) only in development."""

import logging

from notifications.sms import LoggingSMSSender


def test_development_shows_the_text(settings, caplog):
    settings.ENVIRONMENT = "development"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", "您的验证码是 123456")
    assert "123456" in caplog.text


def test_production_logs_neither_phone_nor_text(settings, caplog):
    settings.ENVIRONMENT = "production"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", "您的验证码是 123456")
    assert "123456" not in caplog.text and "13985300001" not in caplog.text
    assert "未发送" in caplog.text
