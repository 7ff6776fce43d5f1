from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "不符合项"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS

        from . import permissions  # noqa: F401  (this area's rows of the permission table)
        from .selectors import open_count

        MENU.register("quality", "不符合项", order=90, url="quality:list", action="quality.view")
        HANDOVER_COUNTS.register("quality.open", "未关闭不符合项", open_count, order=90)
