from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = "服务请求"

    def ready(self):
        from core.registry import MENU
        from residents.developments import CUSTOMER_DEVELOPMENTS

        from . import consultations, permissions  # noqa: F401  (permission rows; the consultation workflow)
        from .developments import request_developments

        CUSTOMER_DEVELOPMENTS.register("servicedesk.requests", "服务请求", request_developments, order=20)

        MENU.register("requests", "服务请求", order=30, url="servicedesk:list", action="request.view")
        MENU.register(
            "requests-overdue", "超时预警", order=31, url="servicedesk:overdue", action="request.view"
        )
        MENU.register(
            "requests-phrases", "服务用语", order=32, url="servicedesk:phrases", action="request.view"
        )
