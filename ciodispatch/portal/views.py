from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.exports import csv_bytes, download
from ciodispatch.portal import statistics
from ciodispatch.portal.japanmap import prefecture_paths
from ciodispatch.progress.queries import published_wins

A = policy.Action


def _url(name: str, *args) -> str | None:
    """The address of another app's page (a wrong name fails loudly, in the tests)."""
    return reverse(name, args=args)


def _percent(value: int | None, top: int) -> int:
    return round(100 * (value or 0) / top) if top else 0


def _bars(rows: list[dict], key: str) -> list[dict]:
    top = max((r[key] or 0 for r in rows), default=0)
    return [dict(r, percent=_percent(r[key], top)) for r in rows]


@policy.guard(A.VIEW_PORTAL)
def landing(request):
    from ciodispatch.outreach.models import Event

    stats = statistics.public_statistics()
    latest = stats["by_fiscal_year"][-1] if stats["by_fiscal_year"] else None
    upcoming = Event.objects.filter(state="published", starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )[:3]
    return render(
        request,
        "portal/landing.html",
        {
            "stats": stats,
            "latest": latest,
            "running": sum(r["running"] for r in stats["by_fiscal_year"]),
            "wins": published_wins(3),
            "upcoming": upcoming,
            "cases_url": _url("knowhow:case_list"),
            "manuals_url": _url("knowhow:manual_list"),
            "support_url": reverse("outreach:support")
            if policy.can(request.user, A.VIEW_SUPPORT)
            else None,
        },
    )


METRIC_LABELS = {
    "requests": _("Dispatch requests"),
    "matched": _("Matched pairs"),
    "dispatched": _("Dispatches"),
}


@policy.guard(A.VIEW_STATISTICS)
def statistics_page(request):
    stats = statistics.public_statistics()
    has_matches = stats["matching_published"]
    available = (
        ["requests"]
        + ["matched"] * has_matches
        + ["dispatched"] * bool(stats["dispatches_recorded"])
    )
    metric = request.GET.get("metric")
    if metric not in available:
        metric = available[-1]
    levels = statistics.map_levels(stats["by_prefecture"], metric)
    by_code = {r["prefecture_code"]: r for r in stats["by_prefecture"]}
    paths, width, height = prefecture_paths()
    prefecture_shapes = [
        {
            "code": code,
            "d": d,
            "level": levels.get(code, 0),
            "name": by_code[code]["prefecture"] if code in by_code else code,
            "value": (by_code[code][metric] or 0) if code in by_code else 0,
        }
        for code, d in paths
    ]
    return render(
        request,
        "portal/statistics.html",
        {
            "stats": stats,
            "metric": metric,
            "metric_label": METRIC_LABELS[metric],
            "metrics": [(m, METRIC_LABELS[m]) for m in available],
            "shapes": prefecture_shapes,
            "map_width": width,
            "map_height": height,
            "legend": statistics.level_ranges(stats["by_prefecture"], metric),
            "year_bars": _bars(stats["by_fiscal_year"], "requests"),
            "region_bars": _bars(stats["by_region"], metric),
            "challenge_bars": _bars(stats["by_challenge"], metric),
            "role_bars": _bars(stats["by_role"], "requests"),
            "outcome_bars": _bars(stats["outcomes"]["by_progress"], "kpis"),
            "tables": TABLES,
        },
    )


# A region's or a challenge's counts, after its label.
PLACE_COUNTS = [
    (_("Dispatch requests"), "requests"),
    (_("Matched pairs"), "matched"),
    (_("Dispatches"), "dispatched"),
]
# The CSV tables: where each one's rows are in the statistics, and its columns, each a
# heading and the key of the row it shows.
CSV_TABLES: dict[str, tuple[tuple[str, ...], list[tuple[Any, str]]]] = {
    "fiscal-years": (
        ("by_fiscal_year",),
        [
            (_("Fiscal year"), "fiscal_year"),
            (_("Dispatch requests"), "requests"),
            (_("Approved requests"), "approved"),
            (_("Hosts in the matching round"), "hosts_in_round"),
            (_("Candidates who ranked"), "candidates"),
            (_("Matched pairs"), "matched"),
            (_("Fill rate"), "fill_rate"),
            (_("Dispatches"), "dispatched"),
            (_("Running"), "running"),
            (_("Completed"), "completed"),
            (_("Ended early"), "ended_early"),
        ],
    ),
    "prefectures": (
        ("by_prefecture",),
        [
            (_("Prefecture code"), "prefecture_code"),
            (_("Prefecture"), "prefecture"),
            (_("Dispatch requests"), "requests"),
            (_("Matched pairs"), "matched"),
            (_("Dispatches"), "dispatched"),
        ],
    ),
    "regions": (("by_region",), [(_("Region"), "label"), *PLACE_COUNTS]),
    "challenges": (("by_challenge",), [(_("Challenge"), "label"), *PLACE_COUNTS]),
    "roles": (
        ("by_role",),
        [(_("Role wanted"), "label"), (_("Dispatch requests"), "requests")],
    ),
    "direct-support": (
        ("support",),
        [
            (_("Fiscal year"), "fiscal_year"),
            (_("Support offers"), "offers"),
            (_("Support requests"), "requests"),
            (_("Approved"), "approved"),
            (_("Support given"), "completed"),
        ],
    ),
    "outcomes": (
        ("outcomes", "by_progress"),
        [(_("Progress toward the target"), "label"), (_("KPIs"), "kpis")],
    ),
}
TABLES = tuple(CSV_TABLES)


def _table(stats: dict, name: str) -> tuple[list[str], list[list]]:
    path, columns = CSV_TABLES[name]
    rows = stats
    for key in path:
        rows = rows[key]
    return [str(heading) for heading, _key in columns], [
        [row[key] for _heading, key in columns] for row in rows
    ]


@policy.guard(A.VIEW_STATISTICS)
def statistics_csv(request, table):
    if table not in TABLES:
        raise Http404
    stats = statistics.public_statistics()
    header, rows = _table(stats, table)
    response = download(csv_bytes(header, rows), filename=f"ciodispatch-statistics-{table}.csv")
    # The rows stay plain for machines; the licence travels in the response (and on the page).
    response["Link"] = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    return response
