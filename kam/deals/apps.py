from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "kam.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from kam.deals import panels  # models are ready only now

        panels.register()
