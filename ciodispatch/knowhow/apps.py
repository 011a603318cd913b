from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowhowConfig(AppConfig):
    name = "ciodispatch.knowhow"
    label = "knowhow"
    verbose_name = _("Know-how base")
