"""Writes to the local-government registry: imports and groups."""

import csv
import io
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.core import heartbeat
from ciodispatch.core.errors import Refusal
from ciodispatch.core.text import text_problem
from ciodispatch.localgov.codes import InvalidCode, parse_code
from ciodispatch.localgov.models import (
    REGISTRY_IMPORT_STATES,
    GroupMembership,
    Kind,
    LocalGovernment,
    LocalGovernmentGroup,
    RegistryImport,
)
from ciodispatch.localgov.regions import region_of

logger = logging.getLogger(__name__)

BUNDLED_REGISTRY = Path(__file__).parent / "data" / "local_governments.csv"
COLUMNS = (
    "code",
    "prefecture_code",
    "prefecture",
    "name",
    "name_kana",
    "kind",
    "population_2020",
    "fiscal_strength_index_fy2021",
)
FIELDS = (
    "prefecture_code",
    "prefecture",
    "name",
    "name_kana",
    "kind",
    "region",
    "population",
    "fiscal_strength_index",
)


def _max_length(name: str) -> int:
    field = LocalGovernment._meta.get_field(name)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


# The text columns stored as they are, with their column's length.
TEXT_LIMITS = {column: _max_length(column) for column in ("prefecture", "name", "name_kana")}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return _("line %(line)s, column %(column)s: %(message)s") % self.as_dict()


class RegistryImportError(Refusal):
    """The file was refused; nothing was written. ``errors`` lists every problem by line."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: dict[str, dict] = field(default_factory=dict)


def _parse_rows(text: str) -> tuple[list[LocalGovernment], list[RowError]]:
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        detail = []
        if missing:
            detail.append(_("missing: %s") % ", ".join(missing))
        if extra:
            detail.append(_("unexpected: %s") % ", ".join(extra))
        if not detail:
            detail.append(_("the columns are out of order"))
        message = _("The header must be %(expected)s (%(detail)s).") % {
            "expected": ",".join(COLUMNS),
            "detail": "; ".join(detail),
        }
        return [], [RowError(1, "header", message)]

    parsed: list[LocalGovernment] = []
    seen: dict[str, int] = {}
    prefecture_names: dict[str, tuple[str, int]] = {}
    kinds = set(Kind.values)
    for line, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            errors.append(RowError(line, "-", _("The row does not have 8 columns.")))
            continue
        # Characters and lengths first, on the text as written: a NUL or a control character
        # is refused (SQLite would store it, PostgreSQL fail), as is a value longer than its
        # column (SQLite would keep it whole).
        problems = {column: text_problem(value) for column, value in row.items()}
        row = {key: unicodedata.normalize("NFKC", value).strip() for key, value in row.items()}
        for column, limit in TEXT_LIMITS.items():
            problems[column] = problems[column] or text_problem(row[column], max_length=limit)
        row_errors = [
            RowError(line, column, problem) for column, problem in problems.items() if problem
        ]
        if row_errors:
            errors.extend(row_errors)
            continue
        try:
            code = parse_code(row["code"]).value
        except InvalidCode as exc:
            row_errors.append(RowError(line, "code", str(exc)))
            code = row["code"]
        else:
            if code in seen:
                row_errors.append(
                    RowError(
                        line,
                        "code",
                        _("Code %(code)s appears twice (first on line %(first)s).")
                        % {"code": code, "first": seen[code]},
                    )
                )
            seen.setdefault(code, line)
            if row["prefecture_code"] != code[:2]:
                row_errors.append(
                    RowError(
                        line,
                        "prefecture_code",
                        _("Prefecture code %(given)s does not match the code %(code)s.")
                        % {"given": row["prefecture_code"], "code": code},
                    )
                )
        for column in ("prefecture", "name", "name_kana"):
            if not row[column]:
                row_errors.append(RowError(line, column, _("This column is empty.")))
        if row["name_kana"] and not all(
            "\u30a0" <= char <= "\u30ff" or char in "ー・ " for char in row["name_kana"]
        ):
            row_errors.append(
                RowError(line, "name_kana", _("The reading must be written in katakana."))
            )
        if row["kind"] not in kinds:
            row_errors.append(
                RowError(
                    line,
                    "kind",
                    _("“%(kind)s” is not a kind; use one of %(kinds)s.")
                    % {"kind": row["kind"], "kinds": ", ".join(Kind.values)},
                )
            )
        population = None
        if row["population_2020"]:
            if not row["population_2020"].isdigit():
                row_errors.append(
                    RowError(
                        line,
                        "population_2020",
                        _("The population must be a whole number without separators, or empty."),
                    )
                )
            else:
                population = int(row["population_2020"])
        index = None
        if row["fiscal_strength_index_fy2021"]:
            try:
                index = Decimal(row["fiscal_strength_index_fy2021"])
            except InvalidOperation:
                index = None
            if index is None or not index.is_finite() or not Decimal("0") <= index < 10:
                row_errors.append(
                    RowError(
                        line,
                        "fiscal_strength_index_fy2021",
                        _("The fiscal strength index must be a number from 0 to 9.99, or empty."),
                    )
                )
                index = None
            elif index != index.quantize(Decimal("0.01")):
                row_errors.append(
                    RowError(
                        line,
                        "fiscal_strength_index_fy2021",
                        _("The fiscal strength index has at most two decimals."),
                    )
                )
            else:
                index = index.quantize(Decimal("0.01"))
        if not row_errors and row["kind"] == Kind.PREFECTURE:
            previous = prefecture_names.get(row["prefecture_code"])
            if previous:
                row_errors.append(
                    RowError(
                        line,
                        "kind",
                        _("Prefecture %(code)s already has a prefecture row (line %(first)s).")
                        % {"code": row["prefecture_code"], "first": previous[1]},
                    )
                )
            prefecture_names[row["prefecture_code"]] = (row["prefecture"], line)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            LocalGovernment(
                code=code,
                prefecture_code=row["prefecture_code"],
                prefecture=row["prefecture"],
                name=row["name"],
                name_kana=row["name_kana"],
                kind=row["kind"],
                region=region_of(row["prefecture_code"]),
                population=population,
                fiscal_strength_index=index,
            )
        )
    if not parsed and not errors:
        errors.append(RowError(2, "-", _("The file has no rows.")))
    return parsed, errors


def read_registry_file(source: Path | str | bytes) -> str:
    if isinstance(source, bytes):
        raw = source
    else:
        raw = Path(source).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryImportError(
            [RowError(1, "-", _("The file is not UTF-8 text (byte %s).") % exc.start)]
        ) from exc


def _snapshot(lg: LocalGovernment) -> dict:
    values = {name: getattr(lg, name) for name in FIELDS}
    if values["fiscal_strength_index"] is not None:
        values["fiscal_strength_index"] = str(values["fiscal_strength_index"])
    return values


@transaction.atomic
def import_local_governments(source: Path | str | bytes, *, actor) -> ImportResult:
    """Load the registry file: all rows or none. Re-running with the same file changes nothing.

    Raises RegistryImportError listing every bad line; nothing is written then.
    """
    if actor is not None:
        policy.require(actor, policy.Action.IMPORT_LOCAL_GOVERNMENTS)
    parsed, errors = _parse_rows(read_registry_file(source))
    if errors:
        raise RegistryImportError(errors)

    existing = {lg.code: lg for lg in LocalGovernment.objects.all()}
    result = ImportResult()
    to_create, to_update = [], []
    for incoming in parsed:
        current = existing.get(incoming.code)
        if current is None:
            to_create.append(incoming)
            result.created += 1
            continue
        before, after = _snapshot(current), _snapshot(incoming)
        if before == after:
            result.unchanged += 1
            continue
        result.changes[incoming.code] = {
            key: [before[key], after[key]] for key in FIELDS if before[key] != after[key]
        }
        for name in FIELDS:
            setattr(current, name, getattr(incoming, name))
        to_update.append(current)
        result.updated += 1
    LocalGovernment.objects.bulk_create(to_create, batch_size=500)
    LocalGovernment.objects.bulk_update(to_update, FIELDS, batch_size=500)
    if result.created or result.updated:
        record(
            actor=actor,
            action="localgov.import",
            changes={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "updated_fields": result.changes,
            },
        )
    return result


@transaction.atomic
def request_registry_import(*, actor) -> RegistryImport:
    """Queue an import of the bundled registry file; a worker runs it after this commits."""
    from ciodispatch.localgov.tasks import run_registry_import

    policy.require(actor, policy.Action.IMPORT_LOCAL_GOVERNMENTS)
    run = RegistryImport.objects.create(source=BUNDLED_REGISTRY.name, requested_by=actor)
    record(actor=actor, action="localgov.import_requested", target=run)
    heartbeat.enqueue_after_commit(run_registry_import, run)
    return run


def execute_registry_import(run_id: int) -> RegistryImport:
    """Run a queued import (called by the background task)."""
    with transaction.atomic():
        run = RegistryImport.objects.select_for_update().get(pk=run_id)
        if run.status != RegistryImport.Status.QUEUED:
            return run  # already taken by another worker
        actor = run.requested_by
        run.heartbeat_at = timezone.now()
        REGISTRY_IMPORT_STATES.apply(
            run, RegistryImport.Status.RUNNING, actor=actor, update_fields=["heartbeat_at"]
        )
    try:
        with heartbeat.beating(run):
            result = import_local_governments(BUNDLED_REGISTRY, actor=actor)
    except RegistryImportError as exc:
        outcome = RegistryImport.Status.FAILED
        run.errors = [error.as_dict() for error in exc.errors]
    except Exception as exc:  # noqa: BLE001 - a run must never stay "running"; the error is kept
        logger.exception("registry import %s failed", run.pk)
        outcome = RegistryImport.Status.FAILED
        run.errors = [{"line": 0, "column": "-", "message": f"{type(exc).__name__}: {exc}"}]
    else:
        outcome = RegistryImport.Status.SUCCEEDED
        run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.finished_at = timezone.now()
    with transaction.atomic():
        if not RegistryImport.objects.select_for_update().filter(
            pk=run.pk, status=RegistryImport.Status.RUNNING
        ):
            # Failed meanwhile as stopped (it did not beat in time): that verdict stands.
            logger.warning("registry import %s was failed as stopped while it ran", run.pk)
            run.refresh_from_db()
            return run
        REGISTRY_IMPORT_STATES.apply(
            run,
            outcome,
            actor=actor,
            update_fields=["errors", "created", "updated", "unchanged", "finished_at"],
            changes={"created": run.created, "updated": run.updated, "errors": len(run.errors)},
        )
    return run


def fail_stalled_imports() -> int:
    """Fail the imports whose worker stopped (``core.heartbeat``); audited as the system.
    Called when the imports page is read, so a dead worker never leaves one "running"."""
    return heartbeat.fail_stalled(RegistryImport.objects.all())


class GroupError(Refusal, ValueError):
    """A group was refused; the message says what to change."""


@transaction.atomic
def create_group(
    *, name: str, lead: LocalGovernment, members: list[LocalGovernment], actor
) -> LocalGovernmentGroup:
    """Create a 広域連携 group: a lead and at least two distinct member municipalities."""
    policy.require(actor, policy.Action.CREATE_GROUP, lead)
    name = name.strip()
    if not name:
        raise GroupError(_("Give the group a name."))
    if LocalGovernmentGroup.objects.filter(name=name).exists():
        raise GroupError(_("A group named “%s” already exists; choose another name.") % name)
    codes = [m.code for m in members]
    duplicates = sorted({str(m) for m in members if codes.count(m.code) > 1})
    if duplicates:
        raise GroupError(
            _("Each member can be added once; remove the repeated %s.") % "、".join(duplicates)
        )
    prefectures = [str(m) for m in members if m.is_prefecture]
    if prefectures:
        raise GroupError(
            _("Members are municipalities; %s is a prefecture (it can be the lead).")
            % "、".join(prefectures)
        )
    if len(members) < 2:
        raise GroupError(_("A group needs at least two member municipalities."))
    if lead.is_prefecture:
        outside = [str(m) for m in members if m.prefecture_code != lead.prefecture_code]
        if outside:
            raise GroupError(
                _("%(lead)s can lead only its own municipalities; %(outside)s are outside it.")
                % {"lead": lead, "outside": "、".join(outside)}
            )
    elif lead.code not in codes:
        raise GroupError(_("A municipality that leads a group must also be one of its members."))
    for member in members:
        policy.require(actor, policy.Action.ADD_GROUP_MEMBER, member)
    try:
        with transaction.atomic():
            group = LocalGovernmentGroup.objects.create(name=name, lead=lead)
    except IntegrityError:  # the same name, created a moment ago by someone else
        raise GroupError(
            _("A group named “%s” already exists; choose another name.") % name
        ) from None
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, local_government=member) for member in members]
    )
    record(
        actor=actor,
        action="localgov.group_created",
        target=group,
        changes={"lead": lead.code, "members": sorted(codes)},
    )
    return group
