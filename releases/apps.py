from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "物品放行"

    def ready(self):
        from . import permissions  # noqa: F401  (this area's rows of the permission table)
