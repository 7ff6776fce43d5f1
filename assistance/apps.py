from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "求助"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
