from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "前台总览"

    def ready(self):
        from core.registry import MENU

        from . import permissions  # noqa: F401  (this area's rows of the permission table)

        MENU.register("desk", "前台总览", order=5, url="desk:index", action="desk.view")
