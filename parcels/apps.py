from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = "信件与快件"

    def ready(self):
        from core.registry import MENU

        from . import handover, permissions  # noqa: F401  (this area's rows of the permission table)

        handover.register()
        MENU.register("parcels", "信件快件", order=25, url="parcels:desk", action="parcels.view")
