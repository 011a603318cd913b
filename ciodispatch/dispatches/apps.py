from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchesConfig(AppConfig):
    name = "ciodispatch.dispatches"
    label = "dispatches"
    verbose_name = _("Dispatches")
