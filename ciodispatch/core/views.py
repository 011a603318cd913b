from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch.core import home as home_links
from ciodispatch.core import menu, work
from ciodispatch.core.dates import fiscal_year


def home(request):
    today = timezone.localdate()
    # What waits for the user comes first, counted afresh (the menu's counts with it).
    tasks = work.tasks_for(request.user, today)
    if request.user.is_authenticated:
        menu.remember_counts(request, tasks)
    # Each app's links come from its nav.py, each shown only to those the policy lets in.
    links = home_links.links_for(request.user)
    links.append(
        {
            "url": "/api/docs",
            "title": _("Open data API"),
            "description": _("The registry as JSON, with its OpenAPI description."),
        }
    )
    return render(
        request,
        "core/home.html",
        {
            "tasks": tasks,
            "panels": home_links.panels_for(request.user, today),
            "links": links,
            "today": today,
            "fiscal_year": fiscal_year(today),
        },
    )


home.policy_action = "public"
