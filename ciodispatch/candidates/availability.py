"""A candidate's standing for a post: a certification valid today, and vendor conflicts
(a host's systems supplied by a vendor the candidate worked for in the last N years)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.utils import timezone

from ciodispatch.candidates.models import Application


def participating_application(user) -> Application | None:
    """The user's certification, if it is valid today (certified, not expired)."""
    if not user.is_authenticated:
        return None
    application = Application.objects.filter(
        user=user, state=Application.State.CERTIFIED, certified_until__gte=timezone.localdate()
    ).first()
    return application


def _normalise_vendor(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    for noise in (
        "株式会社",
        "(株)",
        "有限会社",
        "合同会社",
        "co.,ltd.",
        "co., ltd.",
        "inc.",
        "ltd.",
    ):
        text = text.replace(noise, "")
    return "".join(ch for ch in text if ch.isalnum())


def conflicting_vendors(
    application: Application, request: Any, *, years: int, today: dt.date | None = None
) -> list[str]:
    """The host's vendors the candidate worked for (or with) in the last ``years`` years."""
    today = today or timezone.localdate()
    since = today.replace(year=today.year - years) if years else today
    host_vendors = {_normalise_vendor(v): v for v in request.vendors or [] if v.strip()}
    if not host_vendors:
        return []
    found = []
    for affiliation in application.vendor_affiliations.all():
        if affiliation.end_date is not None and affiliation.end_date < since:
            continue
        key = _normalise_vendor(affiliation.vendor)
        if key and key in host_vendors and host_vendors[key] not in found:
            found.append(host_vendors[key])
    return found
