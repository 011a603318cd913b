from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "ciodispatch.outreach"
    label = "outreach"
    verbose_name = _("Direct support and events")

    def ready(self) -> None:
        from ciodispatch.candidates.signals import candidate_erased
        from ciodispatch.outreach.services import erase_registrations

        candidate_erased.connect(erase_registrations, dispatch_uid="outreach.erase_registrations")
