from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = "回访"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
