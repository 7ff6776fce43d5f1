from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = "报修"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
