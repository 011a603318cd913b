from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchRoundConfig(AppConfig):
    name = "ciodispatch.matchround"
    label = "matchround"
    verbose_name = _("Matching rounds")
