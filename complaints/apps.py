from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS
        from residents.archive import ARCHIVE_SECTIONS
        from servicedesk.engine import PANELS

        from . import permissions, tasks, workflow  # noqa: F401  (permission rows, periodic tasks, workflow)
        from .panel import complaint_panel
        from .selectors import archive_section, engineering_follow_ups, unreplied_today

        PANELS.register("complaint", "投诉处理", complaint_panel)
        ARCHIVE_SECTIONS.register("j", "(j) 投诉记录", archive_section, order=100)
        HANDOVER_COUNTS.register("complaints.unreplied_today", "今日投诉未回复", unreplied_today, order=30)
        HANDOVER_COUNTS.register(
            "complaints.engineering_follow_up", "工程投诉待跟单", engineering_follow_ups, order=31
        )
        MENU.register("complaints", "投诉", order=32, url="complaints:list", action="complaints.view")
        MENU.register(
            "complaints-new", "投诉登记", order=33, url="complaints:create", action="complaints.create"
        )
        MENU.register(
            "complaints-reports",
            "投诉分析",
            order=34,
            url="complaints:report_daily",
            action="complaints.report",
        )
