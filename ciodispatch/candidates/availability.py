"""A candidate's standing for a post: a certification valid today, dispatches that keep the
candidate busy, and vendor conflicts (a host's systems supplied by a vendor the candidate
worked for in the last N years).

Each check has a single form (one candidate, one post) and a batch form that reads what it
needs for every candidate of a round, or every post of a page, in one or two queries: the
single forms are the batch forms applied to one, so they cannot disagree
(tests/matchround/test_availability.py holds them together).

The dispatches are read through the reverse relation ``application.dispatches``, so this
module, below the matching round and the dispatches, imports neither."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch.candidates.models import Application, VendorAffiliation

# Applications to check at once: a queryset (read as a subquery, so any number fits in one
# query) or their ids.
Applications = QuerySet[Application] | Iterable[int]


def _ids_filter(field: str, applications: Applications) -> dict[str, Any]:
    if isinstance(applications, QuerySet):
        return {f"{field}__in": applications.values("pk")}
    return {f"{field}__in": list(applications)}


# --- certification ------------------------------------------------------------------------


def participating(queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """The applications whose certification is valid today (certified, not expired)."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.filter(
        state=Application.State.CERTIFIED, certified_until__gte=timezone.localdate()
    )


def participating_applications(users: Iterable[Any]) -> dict[int, Application]:
    """``participating_application`` for many users in one query: user id -> application
    (users without a valid certification are absent)."""
    ids = [u.pk for u in users if u.is_authenticated]
    return {a.user_id: a for a in participating().filter(user_id__in=ids)}


def participating_application(user) -> Application | None:
    """The user's certification, if it is valid today (certified, not expired)."""
    if not user.is_authenticated:
        return None
    return participating_applications([user]).get(user.pk)


# --- dispatches ---------------------------------------------------------------------------


def _dispatch_model():
    return Application._meta.get_field("dispatches").related_model


def dispatches_of(applications: Applications) -> dict[int, list[Any]]:
    """Every dispatch of these applications, with its request and round, in one query:
    application id -> dispatches (absent when none)."""
    rows = (
        _dispatch_model()
        .objects.filter(**_ids_filter("application_id", applications))
        .select_related("request__request_round")
        .order_by("pk")
    )
    held: dict[int, list[Any]] = {}
    for dispatch in rows:
        held.setdefault(dispatch.application_id, []).append(dispatch)
    return held


def _busy_until(dispatches: Iterable[Any], excluding_round_id: int | None) -> dt.date | None:
    ends = [
        d.last_day()
        for d in dispatches
        if d.counts_as_busy
        and (excluding_round_id is None or d.match_round_id != excluding_round_id)
    ]
    return max(ends, default=None)


def busy_until_all(
    applications: Applications, *, excluding_round_id: int | None = None
) -> dict[int, dt.date]:
    """``busy_until`` for many applications in one query: application id -> last busy day
    (free candidates are absent)."""
    found = {}
    for pk, dispatches in dispatches_of(applications).items():
        end = _busy_until(dispatches, excluding_round_id)
        if end is not None:
            found[pk] = end
    return found


def busy_until(
    application: Application, *, excluding_round_id: int | None = None, dispatches=None
) -> dt.date | None:
    """The last day of the candidate's latest dispatch, if any (``Dispatch.last_day``: the
    early end, the (extended) appointment end, or for a proposal not yet set the request's
    start + term). Declined proposals do not count, nor those of the round
    ``excluding_round_id``. ``dispatches``: the application's dispatches already read (see
    ``dispatches_of``)."""
    if dispatches is None:
        return busy_until_all([application.pk], excluding_round_id=excluding_round_id).get(
            application.pk
        )
    return _busy_until(dispatches, excluding_round_id)


def _busy_text(end: dt.date | None, starts: dt.date) -> str:
    if end is not None and end >= starts:
        return _(
            "You are on a dispatch until %(end)s, after this round's dispatches start "
            "(%(start)s); you can take part in a later round."
        ) % {"end": end.isoformat(), "start": starts.isoformat()}
    return ""


def unavailable_reasons(
    applications: Applications, *, starts: dt.date, excluding_round_id: int | None = None
) -> dict[int, str]:
    """``unavailable_reason`` for many applications in one query: application id -> why
    (available candidates are absent)."""
    reasons = {}
    for pk, end in busy_until_all(applications, excluding_round_id=excluding_round_id).items():
        text = _busy_text(end, starts)
        if text:
            reasons[pk] = text
    return reasons


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
    return _busy_text(end, starts)


# --- vendor conflicts ---------------------------------------------------------------------


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


def conflicts_since(years: int, today: dt.date | None = None) -> dt.date:
    """The first day an affiliation counts from: ``years`` years before today."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - years) if years else today


def vendors_by_key(vendors: Iterable[str] | None) -> dict[str, str]:
    """Vendor names by their normalised name (the key a conflict is found by)."""
    return {_normalise_vendor(v): v for v in vendors or [] if v.strip()}


def host_vendors(request: Any) -> dict[str, str]:
    """A request's vendors by their normalised name."""
    return vendors_by_key(request.vendors)


def recent_vendor_keys(affiliations: Iterable[VendorAffiliation], *, since: dt.date) -> list[str]:
    """The normalised vendors of the affiliations that had not ended before ``since``, in
    the affiliations' order."""
    keys = []
    for affiliation in affiliations:
        if affiliation.end_date is not None and affiliation.end_date < since:
            continue
        key = _normalise_vendor(affiliation.vendor)
        if key:
            keys.append(key)
    return keys


def shared_vendors(keys: Iterable[str], vendors: Mapping[str, str]) -> list[str]:
    """The host's vendors (``host_vendors``) among a candidate's (``recent_vendor_keys``)."""
    found: list[str] = []
    for key in keys:
        if key in vendors and vendors[key] not in found:
            found.append(vendors[key])
    return found


def vendor_affiliations_of(applications: Applications) -> dict[int, list[VendorAffiliation]]:
    """The vendor affiliations of these applications in one query: application id -> list
    (in the model's order; absent when none)."""
    found: dict[int, list[VendorAffiliation]] = {}
    for affiliation in VendorAffiliation.objects.filter(
        **_ids_filter("application_id", applications)
    ).order_by("vendor", "pk"):
        found.setdefault(affiliation.application_id, []).append(affiliation)
    return found


def conflicting_vendors_by_request(
    application: Application,
    requests: Iterable[Any],
    *,
    years: int,
    today: dt.date | None = None,
    affiliations: Iterable[VendorAffiliation] | None = None,
) -> dict[int, list[str]]:
    """``conflicting_vendors`` of one candidate with many requests (a page of posts), reading
    the candidate's affiliations once: request id -> vendors (requests without one absent)."""
    if affiliations is None:
        affiliations = vendor_affiliations_of([application.pk]).get(application.pk, [])
    keys = recent_vendor_keys(affiliations, since=conflicts_since(years, today))
    found: dict[int, list[str]] = {}
    if not keys:
        return found
    for request in requests:
        vendors = shared_vendors(keys, host_vendors(request))
        if vendors:
            found[request.pk] = vendors
    return found


def conflicting_vendors(
    application: Application, request: Any, *, years: int, today: dt.date | None = None
) -> list[str]:
    """The host's vendors the candidate worked for (or with) in the last ``years`` years."""
    if not (request.vendors or []):
        return []  # nothing to read
    # ``.all()`` uses affiliations prefetched by a caller checking many candidates.
    return conflicting_vendors_by_request(
        application,
        [request],
        years=years,
        today=today,
        affiliations=application.vendor_affiliations.all(),
    ).get(request.pk, [])
