from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "值班与交接班"

    def ready(self):
        from core.registry import MENU

        from . import handover  # noqa: F401  (registers this app's HANDOVER_COUNTS)

        MENU.register("duty", "值班记录", order=60, url="duty:today", action="duty.view")
        MENU.register("handover", "交接班", order=61, url="duty:handovers", action="handover.do")
        MENU.register("duty-posts", "岗位签到", order=62, url="duty:posts", action="post.view")
