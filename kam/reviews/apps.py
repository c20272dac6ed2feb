from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "kam.reviews"
    label = "reviews"
    verbose_name = _("Contrast analysis")

    def ready(self) -> None:
        from kam.reviews import panels  # models are ready only now

        panels.register()
