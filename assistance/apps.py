from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "求助"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS
        from servicedesk.engine import PANELS

        from . import flow, permissions  # noqa: F401  (permission rows; the help workflow)
        from .panel import help_panel, open_help_count
        from .referrals import register_defaults
        from .services import REFERRAL_CREATORS

        MENU.register("help-new", "求助登记", order=34, url="assistance:new", action="assistance.create")
        MENU.register(
            "help-register",
            "住户求助登记表",
            order=35,
            url="assistance:register",
            action="assistance.register",
        )
        MENU.register(
            "help-incidents", "突发事件", order=36, url="assistance:incidents", action="assistance.view"
        )
        PANELS.register("help", "求助", help_panel)
        register_defaults(REFERRAL_CREATORS)
        HANDOVER_COUNTS.register("assistance.open", "未办结求助", open_help_count, order=40)
