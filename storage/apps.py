from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "storage"
    verbose_name = "寄存·暂存·失物"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS

        from . import (
            permissions,  # noqa: F401  (this area's rows of the permission table)
            selectors,
        )

        MENU.register("storage", "寄存暂存", order=40, url="storage:items", action="storage.view")
        MENU.register("lostfound", "失物招领", order=41, url="storage:found_list", action="lostfound.view")
        HANDOVER_COUNTS.register("storage.stored", "寄存物品(在库)", selectors.count_stored, order=30)
        HANDOVER_COUNTS.register("storage.held", "暂存物品(未领)", selectors.count_held, order=31)
        HANDOVER_COUNTS.register("storage.found", "捡拾物品(保管中)", selectors.count_found, order=32)
