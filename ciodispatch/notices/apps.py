from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "ciodispatch.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The deadline reminders' own kinds.
        from ciodispatch.notices import reminders  # noqa: F401

        # Each app declares the kinds of notice it sends in its notices.py (notices/kinds.py),
        # as it declares its home links in nav.py.
        autodiscover_modules("notices")
