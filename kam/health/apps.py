from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "kam.health"
    verbose_name = _("Account health")

    def ready(self) -> None:
        from kam.health import panels

        panels.register()
