from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ciodispatch.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ciodispatch import policy

        # Every app's access rules, as the admin discovers admin.py.
        policy.autodiscover()
        # Each app declares its home-page links in its nav.py (core/home.py).
        autodiscover_modules("nav")
