from django.conf import settings
from django.utils.functional import SimpleLazyObject

from ciodispatch.core import menu


def site(request):
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        # Only pages that draw the menu count the work behind it.
        "menu": SimpleLazyObject(lambda: menu.menu_for(request)),
    }
