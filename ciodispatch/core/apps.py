from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ciodispatch.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ciodispatch import policy
        from ciodispatch.core.text import install_form_default

        # Every text field of every form refuses control characters (core/text.py); Django's
        # CharField refuses only NUL. First, before any module below declares a form.
        install_form_default()
        # Every app's access rules, as the admin discovers admin.py.
        policy.autodiscover()
        # Each app declares its home-page links in its nav.py (core/home.py).
        autodiscover_modules("nav")
        # Each app declares the kinds of work it creates for people in its work.py
        # (core/work.py): the home page's queue, the menu's counts, the reminders.
        autodiscover_modules("work")
