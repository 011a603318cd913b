"""The programme's public statistics: counts only, never a person.

Dispatch requests are counted from the requests app; matched pairs and fill rates come from
the published matching rounds (``ciodispatch.matchround.queries.published_summaries``);
dispatches are those that have started (running, completed or ended early), by the fiscal
year of their round. Published cases are counted by the know-how app.
"""

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciodispatch.candidates.choices import SkillRole
from ciodispatch.core.programme import Challenge
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.localgov.regions import Region, region_of

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/deed.ja)"
ATTRIBUTION = "認定CIO派遣制度 事務局「派遣制度の統計」"
# Requests still being written are the host's own business; the rest are counted.
NOT_COUNTED_STATES = ("draft",)


def matched_summaries() -> list[dict[str, Any]]:
    """The published matching rounds' public summaries (counts only)."""
    from ciodispatch.matchround.queries import published_summaries

    return list(published_summaries())


def published_case_count() -> int:
    from ciodispatch.knowhow.queries import published_cases

    return published_cases().count()


def _prefectures() -> dict[str, str]:
    return dict(
        LocalGovernment.objects.prefectures()
        .order_by("code")
        .values_list("prefecture_code", "name")
    )


def _places(rows) -> dict[int, dict[str, Any]]:
    """Rows of (pk, fiscal year, state, group, host's prefecture, lead's prefecture, a
    member's prefecture, challenges, roles) — one per group member — gathered per record,
    with the prefectures it counts in: a joint request's members and its lead, else the
    host (``DispatchRequest.prefecture_codes``)."""
    found: dict[int, dict[str, Any]] = {}
    for pk, year, state, group, host, lead, member, challenges, roles in rows:
        record = found.setdefault(
            pk,
            {
                "year": year,
                "state": state,
                "codes": set(),
                "challenges": set(challenges or ()),
                "roles": set(roles or ()),
            },
        )
        if group is None:
            if host:
                record["codes"].add(host)
        else:
            record["codes"].update(code for code in (lead, member) if code)
    return found


# What ``_places`` reads of a request after its pk, fiscal year and state (a dispatch: of its
# request, through ``request__``).
_REQUEST_PLACES = (
    "group_id",
    "host__prefecture_code",
    "group__lead__prefecture_code",
    "group__members__prefecture_code",
    "challenges",
    "skill_roles",
)


def _requests() -> dict[int, dict[str, Any]]:
    """The counted requests as plain values (one query, no model objects)."""
    from ciodispatch.requests.models import DispatchRequest

    return _places(
        DispatchRequest.objects.exclude(state__in=NOT_COUNTED_STATES)
        .order_by()
        .values_list("pk", "request_round__fiscal_year", "state", *_REQUEST_PLACES)
    )


def _dispatches() -> dict[int, dict[str, Any]]:
    """Dispatches that have started (the CIO went to the host), as plain values."""
    from ciodispatch.dispatches.models import Dispatch

    return _places(
        Dispatch.objects.filter(started_on__isnull=False)
        .order_by()
        .values_list(
            "pk",
            "request__request_round__fiscal_year",
            "state",
            *(f"request__{name}" for name in _REQUEST_PLACES),
        )
    )


def outcome_statistics() -> dict[str, Any]:
    """Outcomes across dispatches (``progress.queries.programme_outcomes``), counts only: how
    many KPIs were measured and reached their target, progress toward target by band."""
    from ciodispatch.progress.queries import programme_outcomes

    outcomes = programme_outcomes(rows=False)
    return {
        "dispatches": outcomes["dispatches"],
        "finished": outcomes["finished"],
        "kpis_measured": outcomes["kpis_measured"],
        "kpis_reached": outcomes["kpis_reached"],
        "by_progress": [
            {"band": row["key"], "label": str(row["label"]), "kpis": row["count"]}
            for row in outcomes["distribution"]
        ],
        "published_small_wins": outcomes["published_wins"],
    }


# A snapshot is computed again at the latest after this long, even with no change recorded:
# a bound on staleness should a write ever bypass the audit log (a bulk update), or an audit
# event of an earlier transaction commit after a later one's (sequence values are handed out
# before commit).
SNAPSHOT_MAX_AGE = dt.timedelta(minutes=15)


def data_fingerprint() -> str:
    """Which state of the data the statistics describe: every change goes through a service
    that appends an audit event, so the newest event's id moves with every change (one index
    lookup); the date, because what counts as running or held moves with it."""
    from ciodispatch.audit.models import AuditEvent

    newest = AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    return f"{newest}:{timezone.localdate().isoformat()}"


def public_statistics() -> dict[str, Any]:
    """What the landing page, the statistics page, its CSV files and ``GET /api/statistics``
    show: the figures computed once per change and kept in ``portal.StatisticsSnapshot``
    (shared by every app server), with the figures that move with the clock (events held and
    upcoming) read fresh."""
    from ciodispatch.portal.models import StatisticsSnapshot

    fingerprint = data_fingerprint()
    kind = f"programme:{translation.get_language() or 'default'}"
    now = timezone.now()
    snapshot = StatisticsSnapshot.objects.filter(kind=kind).first()
    if (
        snapshot is not None
        and snapshot.fingerprint == fingerprint
        and now - snapshot.computed_at < SNAPSHOT_MAX_AGE
    ):
        data = snapshot.data
    elif snapshot is None:
        data = _computed_figures()
        try:
            with transaction.atomic():
                StatisticsSnapshot.objects.create(
                    kind=kind, fingerprint=fingerprint, data=data, computed_at=now
                )
        except IntegrityError:
            pass  # another server stored its own at the same moment
    else:
        data = _recomputed(snapshot, fingerprint, now)
    return {**data, "events": event_statistics()}


def _recomputed(snapshot, fingerprint: str, now: dt.datetime) -> dict[str, Any]:
    """Compute again under a row lock; a reader that finds another server computing serves
    the previous figures meanwhile rather than computing them a second time."""
    from ciodispatch.portal.models import StatisticsSnapshot

    nowait = connection.features.has_select_for_update_nowait
    with transaction.atomic():
        try:
            with transaction.atomic():
                locked = StatisticsSnapshot.objects.select_for_update(nowait=nowait).get(
                    pk=snapshot.pk
                )
        except OperationalError:  # locked: another server is computing
            return snapshot.data
        data = _computed_figures()
        locked.fingerprint, locked.data, locked.computed_at = fingerprint, data, now
        locked.save(update_fields=["fingerprint", "data", "computed_at"])
    return data


def _computed_figures() -> dict[str, Any]:
    """The stored part, as the JSON column gives it back (so a fresh and a kept snapshot
    read the same)."""
    figures = programme_statistics()
    del figures["events"]
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


@dataclass
class _Tally:
    """Requests or dispatches (records of ``_places``) counted by fiscal year, and once in each
    prefecture and region they count in and under each of their challenges."""

    by_year: Counter = field(default_factory=Counter)
    by_prefecture: Counter = field(default_factory=Counter)
    by_region: Counter = field(default_factory=Counter)
    by_challenge: Counter = field(default_factory=Counter)

    def add(self, record: dict[str, Any]) -> None:
        self.by_year[record["year"]] += 1
        for code in record["codes"]:
            self.by_prefecture[code] += 1
        for region in {region_of(code) for code in record["codes"]}:
            self.by_region[str(region)] += 1
        for challenge in record["challenges"]:
            self.by_challenge[challenge] += 1


def programme_statistics() -> dict[str, Any]:
    """Everything the statistics page, its CSV files and ``GET /api/statistics`` show,
    computed from the data now (readers go through ``public_statistics``)."""
    prefectures = _prefectures()
    summaries = matched_summaries()
    requested, approved_by_year, requests_by_role = _Tally(), Counter(), Counter()
    for req in _requests().values():
        requested.add(req)
        if req["state"] == "approved":
            approved_by_year[req["year"]] += 1
        for role in req["roles"]:
            requests_by_role[role] += 1

    dispatched, state_by_year = _Tally(), Counter()
    for dispatch in _dispatches().values():
        dispatched.add(dispatch)
        state_by_year[(dispatch["year"], dispatch["state"])] += 1

    matched_by_year: dict[int, dict[str, Any]] = {}
    matched_by_prefecture: Counter = Counter()
    matched_by_region: Counter = Counter()
    matched_by_challenge: Counter = Counter()
    summary: dict[str, Any] | None
    for summary in summaries or []:
        matched_by_year[int(summary["fiscal_year"])] = summary
        matched_by_prefecture.update(
            {f"{int(k):02d}": int(v) for k, v in summary.get("by_prefecture", {}).items()}
        )
        matched_by_region.update({str(k): int(v) for k, v in summary.get("by_region", {}).items()})
        matched_by_challenge.update(
            {str(k): int(v) for k, v in summary.get("by_challenge", {}).items()}
        )
    has_matches = bool(summaries)

    def matched(counter: Counter, key: str) -> int | None:
        return counter.get(key, 0) if has_matches else None

    years = sorted(set(requested.by_year) | set(matched_by_year) | set(dispatched.by_year))
    by_fiscal_year = []
    for year in years:
        summary = matched_by_year.get(year)
        by_fiscal_year.append(
            {
                "fiscal_year": year,
                "requests": requested.by_year.get(year, 0),
                "approved": approved_by_year.get(year, 0),
                "hosts_in_round": summary["requests"] if summary else None,
                "candidates": summary["candidates"] if summary else None,
                "matched": summary["matched"] if summary else None,
                "fill_rate": round(float(summary["fill_rate"]), 4) if summary else None,
                "dispatched": dispatched.by_year.get(year, 0),
                "running": state_by_year.get((year, "active"), 0)
                + state_by_year.get((year, "extended"), 0),
                "completed": state_by_year.get((year, "completed"), 0),
                "ended_early": state_by_year.get((year, "ended_early"), 0),
            }
        )
    by_prefecture = [
        {
            "prefecture_code": code,
            "prefecture": name,
            "region": str(region_of(code)),
            "requests": requested.by_prefecture.get(code, 0),
            "matched": matched(matched_by_prefecture, code),
            "dispatched": dispatched.by_prefecture.get(code, 0),
        }
        for code, name in prefectures.items()
    ]

    def by_choice(name: str, choices, requests: Counter, matches: Counter, dispatched: Counter):
        """A row per choice (a region, a challenge): its requests, matches and dispatches."""
        return [
            {
                name: str(value),
                "label": str(label),
                "requests": requests.get(str(value), 0),
                "matched": matched(matches, str(value)),
                "dispatched": dispatched.get(str(value), 0),
            }
            for value, label in choices
        ]

    by_region = by_choice(
        "region", Region.choices, requested.by_region, matched_by_region, dispatched.by_region
    )
    by_challenge = by_choice(
        "challenge",
        Challenge.choices,
        requested.by_challenge,
        matched_by_challenge,
        dispatched.by_challenge,
    )
    # The theme of a request is free text; what it asks for is a role of the skill standard.
    by_role = [
        {"role": str(value), "label": str(label), "requests": requests_by_role.get(str(value), 0)}
        for value, label in SkillRole.choices
    ]
    return {
        "generated_on": timezone.localdate().isoformat(),
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "matching_published": has_matches,
        "dispatches_recorded": bool(dispatched.by_year),
        "dispatches_note": _(
            "Dispatches are those that have started (running, completed or ended early), by the "
            "fiscal year of their matching round; matched pairs are the published results."
        ),
        "by_fiscal_year": by_fiscal_year,
        "by_prefecture": by_prefecture,
        "by_region": by_region,
        "by_challenge": by_challenge,
        "by_role": by_role,
        "support": support_statistics(),
        "events": event_statistics(),
        "published_cases": published_case_count(),
        "outcomes": outcome_statistics(),
    }


def support_statistics() -> list[dict[str, Any]]:
    """Direct support by fiscal year: offers open, requests, supports given."""
    from ciodispatch.outreach.models import SupportOffer, SupportRequest

    # Offers the office opened to requests (a withdrawn one still counts if it was ever open;
    # one withdrawn as a draft or after being returned never was).
    offers = Counter(
        SupportOffer.objects.filter(published_at__isnull=False).values_list(
            "fiscal_year", flat=True
        )
    )
    rows: dict[int, dict[str, Any]] = {
        r["fiscal_year"]: dict(r)
        for r in SupportRequest.objects.values("fiscal_year").annotate(
            requests=Count("pk"),
            approved=Count("pk", filter=Q(state__in=("approved", "completed"))),
            completed=Count("pk", filter=Q(state="completed")),
        )
    }
    years = sorted(set(offers) | set(rows))
    return [
        {
            "fiscal_year": year,
            "offers": offers.get(year, 0),
            "requests": rows.get(year, {}).get("requests", 0),
            "approved": rows.get(year, {}).get("approved", 0),
            "completed": rows.get(year, {}).get("completed", 0),
        }
        for year in years
    ]


def event_statistics() -> dict[str, int]:
    from ciodispatch.outreach.models import Event, Registration

    now = timezone.now()
    published = Event.objects.filter(state="published")
    held = published.filter(ends_at__lt=now)
    return {
        "held": held.count(),
        "participants": Registration.objects.filter(
            event__in=held, state=Registration.State.CONFIRMED
        ).count(),
        "upcoming": published.filter(ends_at__gte=now).count(),
    }


def map_levels(rows: list[dict], key: str, steps: int = 5) -> dict[str, int]:
    """Prefecture code -> colour level 0..steps (0: none), in equal steps up to the maximum."""
    values = {r["prefecture_code"]: r[key] or 0 for r in rows}
    top = max(values.values(), default=0)
    if top == 0:
        return dict.fromkeys(values, 0)
    return {
        code: 0 if value == 0 else max(1, -(-value * steps // top))
        for code, value in values.items()
    }


def level_ranges(rows: list[dict], key: str, steps: int = 5) -> list[dict]:
    """The legend: for each level, the values it covers."""
    top = max((r[key] or 0 for r in rows), default=0)
    legend = [{"level": 0, "low": 0, "high": 0}]
    if top == 0:
        return legend
    previous = 0
    for level in range(1, steps + 1):
        high = top * level // steps
        if high > previous:
            legend.append({"level": level, "low": previous + 1, "high": high})
            previous = high
    return legend


def today() -> dt.date:
    return timezone.localdate()
