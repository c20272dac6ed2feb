from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "kam.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from kam.deals import panels, services  # models are ready only now
        from kam.relations.signals import contact_log_changed

        panels.register()
        contact_log_changed.connect(
            services.on_contact_log_changed, dispatch_uid="deals.on_contact_log_changed"
        )
