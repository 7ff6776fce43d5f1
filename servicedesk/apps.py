from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = "服务请求"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
