from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowhowConfig(AppConfig):
    name = "ciodispatch.knowhow"
    label = "knowhow"
    verbose_name = _("Know-how base")

    def ready(self) -> None:
        from ciodispatch.candidates.signals import candidate_erased
        from ciodispatch.knowhow.services import reindex_pseudonymised_cases

        candidate_erased.connect(
            reindex_pseudonymised_cases, dispatch_uid="knowhow.reindex_pseudonymised_cases"
        )
