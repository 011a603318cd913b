from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalGovConfig(AppConfig):
    name = "ciodispatch.localgov"
    label = "localgov"
    verbose_name = _("Local governments")
