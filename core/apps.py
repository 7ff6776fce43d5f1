from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        # Only the registry is touched here: no models, no queries, so app loading cannot break.
        from django.utils.translation import gettext_lazy as _

        from .registry import MENU

        MENU.register(
            "core.property_settings",
            _("项目设置"),
            order=950,
            url="core:property_settings_index",
            action="property.manage",
        )
        MENU.register(
            "core.rule_settings",
            _("规则参数"),
            order=955,
            url="core:rule_settings_index",
            action="rule_settings.manage",
        )
        MENU.register(
            "core.calendar", _("节假日与调休"), order=960, url="core:calendar", action="calendar.manage"
        )
        MENU.register(
            "core.permissions", _("岗位权限表"), order=970, url="core:permissions", action="staff.manage"
        )
        from django.forms import ModelChoiceField

        from .forms import PlainModelChoiceIterator

        ModelChoiceField.iterator = PlainModelChoiceIterator
