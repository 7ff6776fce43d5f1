from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
