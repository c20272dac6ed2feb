from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kam.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from kam.surveys import panels  # models are ready only now

        panels.register()
