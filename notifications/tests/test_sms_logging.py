"""The logging SMS sender shows a masked phone and the text only in development, never a code, token or full phone."""

import logging

from notifications.sms import LoggingSMSSender


def test_development_shows_the_text_with_a_masked_phone(settings, caplog):
    settings.ENVIRONMENT = "development"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", "新工单待签收，请联系 13900000002")
    assert "SMS to 139****0001: 新工单待签收，请联系 139****0002" in caplog.text
    assert "13985300001" not in caplog.text and "13900000002" not in caplog.text


def test_development_never_logs_a_verification_code(settings, caplog):
    settings.ENVIRONMENT = "development"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", "您的验证码是 123456")
    assert "123456" not in caplog.text and "验证码短信" in caplog.text


def test_development_never_logs_a_link_with_a_token(settings, caplog):
    settings.ENVIRONMENT = "development"
    token = "Zk3p9QwErTy7uIoPaSdFgHjK"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", f"请在 72 小时内打开 https://example.org/enterprises/invite/{token}/ 设置密码")
    assert token not in caplog.text and "[链接]" in caplog.text


def test_production_logs_neither_phone_nor_text(settings, caplog):
    settings.ENVIRONMENT = "production"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSSender().send("13985300001", "您的验证码是 123456")
    assert "123456" not in caplog.text and "13985300001" not in caplog.text
    assert "未发送" in caplog.text


def test_in_development_the_whole_message_goes_to_the_developer_s_inbox_file_not_the_log(settings, tmp_path, caplog):
    import logging
    import stat

    from notifications.sms import LoggingSMSSender

    settings.ENVIRONMENT = "development"
    settings.VAR_DIR = tmp_path
    with caplog.at_level(logging.DEBUG):
        LoggingSMSSender().send("13985301234", "【企业之家】验证码 482913，5 分钟内有效")
    inbox = tmp_path / "sms-inbox.txt"
    assert "13985301234" in inbox.read_text(encoding="utf-8") and "482913" in inbox.read_text(encoding="utf-8")
    assert stat.S_IMODE(inbox.stat().st_mode) == 0o600
    assert "482913" not in caplog.text and "13985301234" not in caplog.text


def test_outside_development_nothing_is_written_to_the_inbox(settings, tmp_path):
    from notifications.sms import LoggingSMSSender

    settings.ENVIRONMENT = "production"
    settings.VAR_DIR = tmp_path
    LoggingSMSSender().send("13985301234", "验证码 482913")
    assert not (tmp_path / "sms-inbox.txt").exists()
