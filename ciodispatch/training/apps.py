from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ciodispatch.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from ciodispatch.candidates.signals import candidate_erased
        from ciodispatch.training.services import erase_calendar_feed

        candidate_erased.connect(erase_calendar_feed, dispatch_uid="training.erase_calendar_feed")
