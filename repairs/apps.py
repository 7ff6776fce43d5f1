from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = "报修"

    def ready(self):
        from django.db.models.signals import post_save

        from core.models import Property
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS
        from residents.archive import ARCHIVE_SECTIONS
        from servicedesk.engine import PANELS

        from . import permissions, workflow  # noqa: F401  (permission rows; the repair workflow)
        from .integration import archive_section, open_orders_count, panel, seed_new_property

        MENU.register("repairs", "报修", order=33, url="repairs:ledger", action="repairs.view")
        MENU.register(
            "repairs-unfinished", "未完成工程维修", order=34, url="repairs:unfinished", action="repairs.view"
        )
        MENU.register("repairs-prices", "维修收费标准", order=35, url="repairs:prices", action="repairs.view")
        PANELS.register("repair", "工程维修单", panel)
        ARCHIVE_SECTIONS.register("i", "(i) 报修记录", archive_section, order=90)
        HANDOVER_COUNTS.register("repairs.open", "未完成报修单", open_orders_count, order=30)
        post_save.connect(seed_new_property, sender=Property, dispatch_uid="repairs-price-list-seed")
