from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "物品放行"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS

        from . import permissions  # noqa: F401  (this area's rows of the permission table)
        from .selectors import open_issued_count

        MENU.register("releases", "物品放行", order=30, url="releases:list", action="releases.view")
        MENU.register("releases-exit", "出口核对", order=31, url="releases:exit_list", action="releases.exit")
        HANDOVER_COUNTS.register("releases.issued_open", "已开具未出门的放行条", open_issued_count, order=30)
