from django.apps import AppConfig


class VisitorsConfig(AppConfig):
    name = "visitors"
    verbose_name = "访客登记"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
