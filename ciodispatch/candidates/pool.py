"""The pool of certified CIOs: search, and exports officials open in Excel as they are."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch.candidates.choices import SkillRole, WorkPattern, WorkPlace
from ciodispatch.candidates.models import Application, SkillClaim
from ciodispatch.core.exports import CHUNK_SIZE, export_response


def search_pool(
    within: QuerySet[Application] | None = None,
    *,
    role: str | None = None,
    min_level: int | None = None,
    domain: str | None = None,
    region: str | None = None,
    available_by: dt.date | None = None,
    work_pattern: str | None = None,
    q: str | None = None,
    include_expired: bool = False,
) -> QuerySet[Application]:
    """Certified CIOs (valid today) among ``within`` (the pages pass what the user may read;
    default every application), filtered. Arguments are validated by the caller's form."""
    today = timezone.localdate()
    within = Application.objects.all() if within is None else within
    pool = within.filter(state=Application.State.CERTIFIED)
    if not include_expired:
        pool = pool.filter(certified_until__gte=today)
    if role:
        claims = SkillClaim.objects.filter(application=OuterRef("pk"), role=role)
        if min_level:
            claims = claims.filter(level__gte=min_level)
        pool = pool.filter(Exists(claims))
    elif min_level:
        pool = pool.filter(
            Exists(SkillClaim.objects.filter(application=OuterRef("pk"), level__gte=min_level))
        )
    # JSON lists are filtered in Python-free SQL on both databases through a text match of
    # the stored JSON, which is exact for these ASCII keys with quotes around them.
    if domain:
        pool = pool.filter(domains__icontains=f'"{domain}"')
    if region:
        pool = pool.filter(regions__icontains=f'"{region}"')
    if available_by:
        pool = pool.filter(earliest_start__lte=available_by)
    if work_pattern:
        pool = pool.filter(work_pattern=work_pattern)
    if q:
        text = q.strip()
        pool = pool.filter(
            Q(family_name__icontains=text)
            | Q(given_name__icontains=text)
            | Q(family_name_kana__icontains=text)
            | Q(motivation__icontains=text)
        )
    return (
        pool.select_related("user")
        .prefetch_related("skills")
        .order_by("family_name_kana", "given_name_kana", "pk")
    )


def pool_header() -> list[str]:
    return [
        _("Certificate holder"),
        _("Reading"),
        _("E-mail"),
        _("Certified until"),
        *[str(role.label) for role in SkillRole],
        _("Domains"),
        _("Earliest start"),
        _("Term (months)"),
        _("Working pattern"),
        _("Days a week"),
        _("Where"),
        _("Regions acceptable"),
        _("Public-sector experience"),
    ]


def pool_rows(pool: Iterable[Application]) -> Iterator[list]:
    """One row per certified CIO, as they come (pass an iterator for a large pool)."""
    for app in pool:
        levels = {claim.role: claim.level for claim in app.skills.all()}
        yield [
            app.full_name,
            app.full_name_kana,
            app.email,
            app.certified_until,
            *[levels.get(role.value, "") for role in SkillRole],
            app.domain_labels,
            app.earliest_start,
            app.term_months,
            str(WorkPattern(app.work_pattern).label) if app.work_pattern else "",
            app.days_per_week or "",
            str(WorkPlace(app.work_place).label) if app.work_place else "",
            app.region_labels,
            _("yes") if app.has_public_sector_experience else _("no"),
        ]


def pool_export(pool: QuerySet[Application], kind: str, *, filename: str):
    """The pool as a CSV or .xlsx download, read from the database in chunks."""
    return export_response(
        kind,
        pool_header(),
        pool_rows(pool.iterator(chunk_size=CHUNK_SIZE)),
        filename=filename,
        sheet_title=_("Certified CIO pool"),
    )
