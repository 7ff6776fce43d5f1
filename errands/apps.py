from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    name = "errands"
    verbose_name = "代办服务"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
