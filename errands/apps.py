from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    name = "errands"
    verbose_name = "代办服务"

    def ready(self):
        from core.registry import MENU
        from duty.handover import HANDOVER_COUNTS

        from . import permissions  # noqa: F401  (this area's rows of the permission table)
        from .handover import callbacks_open, laundry_held

        MENU.register("errands", "代办服务", order=32, url="errands:index", action="errands.view")
        HANDOVER_COUNTS.register("errands.laundry_held", "前台待取/待送洗衣物单", laundry_held, order=32)
        HANDOVER_COUNTS.register("errands.callbacks_open", "待覆电来电", callbacks_open, order=33)
