from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = "住户与档案"

    def ready(self):
        from core.registry import MENU

        from . import archive, developments  # noqa: F401  (archive sections a–j, l; 客户动态 providers)

        MENU.register("residents", "住户档案", order=10, url="residents:list", action="resident.view")
        MENU.register(
            "residents-assign", "客户分配", order=12, url="residents:assign", action="assignment.manage"
        )
        MENU.register(
            "residents-my-customers",
            "我的客户",
            order=13,
            url="residents:my_customers",
            action="assignment.hold",
        )
        MENU.register(
            "residents-developments",
            "客户动态",
            order=13,
            url="residents:developments",
            action="assignment.hold",
        )
        MENU.register(
            "residents-access",
            "档案查阅审批",
            order=14,
            url="residents:access_queue",
            action="archive.approve",
        )
