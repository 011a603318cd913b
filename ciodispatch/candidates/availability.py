"""A candidate's standing for a post: a certification valid today, dispatches that keep the
candidate busy, and vendor conflicts (a host's systems supplied by a vendor the candidate
worked for in the last N years).

The dispatches are read through the reverse relation ``application.dispatches``, so this
module, below the matching round and the dispatches, imports neither."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch.candidates.models import Application


def participating_application(user) -> Application | None:
    """The user's certification, if it is valid today (certified, not expired)."""
    if not user.is_authenticated:
        return None
    application = Application.objects.filter(
        user=user, state=Application.State.CERTIFIED, certified_until__gte=timezone.localdate()
    ).first()
    return application


def busy_until(
    application: Application, *, excluding_round_id: int | None = None, dispatches=None
) -> dt.date | None:
    """The last day of the candidate's latest dispatch, if any (``Dispatch.last_day``: the
    early end, the (extended) appointment end, or for a proposal not yet set the request's
    start + term). Declined proposals do not count, nor those of the round
    ``excluding_round_id``. ``dispatches``: the application's dispatches already read (a list
    checking many candidates reads them in one query)."""
    if dispatches is None:
        dispatches = application.dispatches.select_related("request__request_round")
    ends = [
        d.last_day()
        for d in dispatches
        if d.counts_as_busy
        and (excluding_round_id is None or d.match_round_id != excluding_round_id)
    ]
    return max(ends, default=None)


def unavailable_reason(
    application: Application,
    *,
    starts: dt.date,
    excluding_round_id: int | None = None,
    dispatches=None,
) -> str:
    """Why a certified candidate cannot take part in a round whose dispatches start on
    ``starts`` (a dispatch lasting until that day or later), or "" if they can."""
    end = busy_until(application, excluding_round_id=excluding_round_id, dispatches=dispatches)
    if end is not None and end >= starts:
        return _(
            "You are on a dispatch until %(end)s, after this round's dispatches start "
            "(%(start)s); you can take part in a later round."
        ) % {"end": end.isoformat(), "start": starts.isoformat()}
    return ""


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
