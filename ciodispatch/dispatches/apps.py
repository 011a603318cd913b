from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchesConfig(AppConfig):
    name = "ciodispatch.dispatches"
    label = "dispatches"
    verbose_name = _("Dispatches")

    def ready(self) -> None:
        from ciodispatch.dispatches.services import propose_matched
        from ciodispatch.matchround.signals import match_published

        match_published.connect(propose_matched, dispatch_uid="dispatches.propose_matched")
