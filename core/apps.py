import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("qiyezhijia.security")


class CoreConfig(AppConfig):
    """Plumbing every app shares. It imports no other app of the platform (the dependency contract)."""

    name = "core"
    verbose_name = "公共组件"

    def ready(self) -> None:
        if getattr(settings, "IS_PRODUCTION", False) and settings.VIRUS_SCANNER == "core.scanning.NoopScanner":
            # Chosen over refusing to start: a platform without ClamAV still takes uploads checked by content.
            logger.warning("未配置病毒扫描（CLAMD_SOCKET 未设置）：上传文件只按内容检查，不做病毒扫描。")
