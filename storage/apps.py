from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "storage"
    verbose_name = "寄存·暂存·失物"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
