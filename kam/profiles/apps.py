from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "kam.profiles"
    label = "profiles"
    verbose_name = _("Ideal customer profile")

    def ready(self) -> None:
        from kam.profiles import panels  # models are ready only now

        panels.register()
