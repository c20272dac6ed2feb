from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybooksConfig(AppConfig):
    name = "kam.playbooks"
    label = "playbooks"
    verbose_name = _("Playbooks")

    def ready(self) -> None:
        from kam.playbooks import panels  # models are ready only now

        panels.register()
