from django.http import Http404
from django.shortcuts import render


class NotFoundWithReason(Http404):
    """A 404 whose message is written for the user (e.g. which check digit is wrong)."""


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def page_not_found(request, exception=None):
    reason = str(exception) if isinstance(exception, NotFoundWithReason) else ""
    return render(request, "core/404.html", {"reason": reason}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)
