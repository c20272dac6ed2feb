from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "kam.calls"
    label = "calls"
    verbose_name = _("Calls")

    def ready(self) -> None:
        from kam.calls import panels  # models are ready only now

        panels.register()
