from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = "信件与快件"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
