from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = "信件与快件"

    def ready(self):
        from core.registry import MENU
        from residents.developments import CUSTOMER_DEVELOPMENTS

        from . import handover, permissions  # noqa: F401  (this area's rows of the permission table)
        from .developments import parcel_developments

        handover.register()
        CUSTOMER_DEVELOPMENTS.register("parcels.parcels", "快件", parcel_developments, order=40)
        MENU.register("parcels", "信件快件", order=25, url="parcels:desk", action="parcels.view")
