from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchRoundConfig(AppConfig):
    name = "ciodispatch.matchround"
    label = "matchround"
    verbose_name = _("Matching rounds")

    def ready(self) -> None:
        from ciodispatch.candidates.signals import candidate_erased
        from ciodispatch.matchround.services import erase_interview_notes

        candidate_erased.connect(
            erase_interview_notes, dispatch_uid="matchround.erase_interview_notes"
        )
