from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "kam.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from kam.clients import panels  # models are ready only now

        panels.register()
