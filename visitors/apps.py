from django.apps import AppConfig


class VisitorsConfig(AppConfig):
    name = "visitors"
    verbose_name = "访客登记"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS

        from . import (
            permissions,  # noqa: F401  (this area's rows of the permission table)
            selectors,
        )

        MENU.register("visitors", "访客登记", order=20, url="visitors:desk", action="visitor.view")
        # R-DUTY-09 / R-HOLD-12: what the outgoing shift hands over.
        HANDOVER_COUNTS.register(
            "visitors.in_building", "在楼访客(未离开)", selectors.handover_in_building, order=30
        )
        HANDOVER_COUNTS.register(
            "visitors.keys_held", "代访客保管的钥匙", selectors.handover_keys_held, order=31
        )
