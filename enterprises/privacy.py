"""The privacy notice (个人信息保护告知, PIPL Art. 14): its version is recorded with every consent."""

PRIVACY_VERSION = "2026-12-v1"
PRIVACY_DATE = "2026 年 12 月 1 日"
