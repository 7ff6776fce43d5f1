from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = "回访"

    def ready(self):
        from core.registry import MENU
        from residents.archive import ARCHIVE_SECTIONS
        from residents.developments import CUSTOMER_DEVELOPMENTS
        from servicedesk import engine

        from . import permissions, tasks  # noqa: F401  (permission rows; the chaser)
        from .archive import visits_section
        from .developments import callback_developments
        from .services import schedule_for_request

        # R-CB-11/12/15: a completed request gets its callback.
        engine.on_completed(schedule_for_request)
        ARCHIVE_SECTIONS.register("visits", "(k) 回访与意见", visits_section, order=110)
        CUSTOMER_DEVELOPMENTS.register("callbacks.calls", "回访", callback_developments, order=30)
        MENU.register("callbacks", "回访", order=40, url="callbacks:call_list", action="callback.view")
        MENU.register("owner-visits", "业主回访", order=41, url="callbacks:plans", action="visit.view")
        MENU.register(
            "callback-analysis",
            "回访季度分析",
            order=42,
            url="callbacks:analysis",
            action="callback.analysis",
        )
        MENU.register("surveys", "业户意见调查", order=43, url="callbacks:surveys", action="survey.view")
