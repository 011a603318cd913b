from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.core import home as home_links
from ciodispatch.core.dates import fiscal_year


def home(request):
    # Each app's links come from its nav.py, each shown only to those the policy lets in.
    links = home_links.links_for(request.user)
    links.append(
        {
            "url": "/api/docs",
            "title": _("Open data API"),
            "description": _("The registry as JSON, with its OpenAPI description."),
        }
    )
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {"links": links, "today": today, "fiscal_year": fiscal_year(today)},
    )


home.policy_action = "public"
