"""The personal-data inventory: every model field that holds data about a person, what erasing
a candidate does to it, and how long it is kept.

One declaration for the whole project, by model label, so core imports no app. It is held to
the models by ``tests/test_personal_data_inventory.py``: a field that looks personal (see
``LOOKS_PERSONAL``) must be listed here or in ``NOT_PERSONAL`` with a reason, or the test
fails. ``candidates.services.erase`` blanks the ``FIELD`` entries of the candidate's file and
account from this list, so a field added here is erased; the other apps erase their rows when
told by ``candidates.signals.candidate_erased``. docs/security.md shows this table
(``ciodispatch personal_data_inventory`` prints it; a test keeps the two equal).
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast


class Subject(StrEnum):
    CANDIDATE = "candidate"  # a candidate or certified CIO (erasable on request or after retention)
    REGISTRANT = "registrant"  # whoever registers for an event (maybe a candidate)
    OFFICIAL = "official"  # staff of a local government or of the office, in their work role
    NAMED = "whoever it names"  # free text others write, which may name a candidate or CIO
    ANYONE = "anyone"  # the audit trail: whoever acted


class Erasure(StrEnum):
    BLANK = "blanked"
    PSEUDONYMISE = "pseudonymised"
    DELETE_FILE = "file deleted, field blanked"
    DELETE_ROW = "row deleted"
    KEEP = "kept"


# Retention, per kind of record: the table names the kind, the legend under it says how long.
CANDIDATE_FILE = "candidate file"
REGISTRATION = "registration"
WORK_CONTACT = "work record"
AUDIT = "audit trail"
PENDING_REGISTRATION = "registration waiting for its confirmation link"
RETENTION: dict[str, str] = {
    CANDIDATE_FILE: (
        "until the candidate asks for erasure (the office completes it), or "
        "`CANDIDATE_RETENTION_DAYS` (default 5 years) after a closed file (draft, not selected, "
        "expired, revoked, withdrawn) was last changed (`purge_candidate_data`, daily)"
    ),
    REGISTRATION: (
        "with the event; erased with a candidate whose account or address registered; "
        "no automatic purge yet"
    ),
    PENDING_REGISTRATION: (
        "until the link is confirmed (it becomes a registration) or expires "
        "(`EVENT_CONFIRMATION_HOURS`, default 24 hours; deleted by `purge_registration_holds`, "
        "daily); erased with a candidate whose address it holds"
    ),
    WORK_CONTACT: (
        "as long as the record it belongs to; an official's work contact or role, changed by "
        "their organisation, not erased with a candidate"
    ),
    AUDIT: (
        "kept for good (append-only); the labels and texts naming an erased candidate are "
        "replaced by the pseudonym `erased-<id>`"
    ),
}


@dataclass(frozen=True)
class PersonalField:
    model: str  # "app_label.ModelName"
    field: str
    holds: str
    subject: Subject
    erasure: Erasure
    retention: str


def _candidate(model: str, erasure: Erasure, holds: str, *fields: str) -> list[PersonalField]:
    return [
        PersonalField(model, f, holds, Subject.CANDIDATE, erasure, CANDIDATE_FILE) for f in fields
    ]


def _mentions(model: str, holds: str, *fields: str) -> list[PersonalField]:
    """Free text that may name a CIO: where it spells an erased candidate's name, reading,
    address or telephone, that is replaced by erased-<id>; the rest stays."""
    return [
        PersonalField(model, f, holds, Subject.NAMED, Erasure.PSEUDONYMISE, WORK_CONTACT)
        for f in fields
    ]


def _official(model: str, holds: str, *fields: str) -> list[PersonalField]:
    return [
        PersonalField(model, f, holds, Subject.OFFICIAL, Erasure.KEEP, WORK_CONTACT) for f in fields
    ]


B, P, F, R = Erasure.BLANK, Erasure.PSEUDONYMISE, Erasure.DELETE_FILE, Erasure.DELETE_ROW
APP = "candidates.Application"

INVENTORY: list[PersonalField] = [
    # The candidate's file: blanked field by field (the state, dates and audit trail stay).
    *_candidate(APP, B, "name", "family_name", "given_name"),
    *_candidate(APP, B, "name reading", "family_name_kana", "given_name_kana"),
    *_candidate(APP, B, "date of birth", "date_of_birth"),
    *_candidate(APP, B, "contact", "email", "phone", "prefecture_code"),
    *_candidate(APP, B, "career and profile", "has_public_sector_experience"),
    *_candidate(APP, B, "domains", "domains", "domains_other"),
    *_candidate(APP, B, "availability", "earliest_start", "term_months", "work_pattern"),
    *_candidate(APP, B, "availability", "days_per_week", "work_place", "regions"),
    *_candidate(APP, B, "statement", "motivation"),
    *_candidate(APP, B, "the office's decision about the person", "decision_reason"),
    *_candidate(APP, F, "CV (PDF in private media)", "cv"),
    *_candidate(APP, B, "CV upload time", "cv_uploaded_at"),
    # The candidate's account: renamed erased-<id>, closed.
    *_candidate("accounts.User", P, "user name (erased-<id>)", "username"),
    *_candidate("accounts.User", B, "name", "first_name", "last_name"),
    *_candidate("accounts.User", B, "e-mail", "email"),
    # Rows that exist only to describe the candidate: deleted.
    *_candidate("candidates.CareerEntry", R, "career", "organisation", "role", "description"),
    *_candidate("candidates.SkillClaim", R, "skills and evidence", "role", "level", "evidence"),
    *_candidate("candidates.VendorAffiliation", R, "vendor affiliations", "vendor", "kind"),
    *_candidate("candidates.Score", R, "reviewers' scores and comments", "score", "comment"),
    *_candidate("candidates.Interview", R, "screening interview", "place", "interviewers", "notes"),
    *_candidate("candidates.ConflictDeclaration", B, "why a reviewer knows them", "reason"),
    *_candidate("matchround.Interview", B, "a host's interview notes", "notes", "interviewers"),
    *_candidate("training.CalendarFeed", R, "secret calendar address", "token"),
    # Event registrations: a candidate's are deleted with the file (by account or address).
    *[
        PersonalField("outreach.Registration", f, holds, Subject.REGISTRANT, R, REGISTRATION)
        for f, holds in (("name", "name"), ("email", "e-mail"), ("organisation", "employer"))
    ],
    *[
        PersonalField(
            "outreach.PendingRegistration", f, holds, Subject.REGISTRANT, R, PENDING_REGISTRATION
        )
        for f, holds in (("name", "name"), ("email", "e-mail"), ("organisation", "employer"))
    ],
    # Officials' work contacts and names in their role: kept with their records.
    *_official("accounts.Organisation", "contact", "contact_department"),
    *_official("accounts.Organisation", "contact", "contact_email", "contact_phone"),
    *_official("outreach.SupportOffer", "contact", "contact_department", "contact_email"),
    *_official("outreach.SupportOffer", "contact", "contact_phone"),
    *_official("requests.MemberConfirmation", "the head's name, as confirmed", "head_name"),
    # Files others upload to their records: kept with them.
    *_official("progress.SmallWin", "picture (re-encoded, no EXIF)", "picture"),
    *_official("incentives.ClaimEvidence", "evidence files (invoices, contracts)", "file"),
    *_official("knowhow.CaseAttachment", "attachments of published cases", "file"),
    # Free text about a dispatch, its progress, claims and cases: may name the CIO.
    *_mentions("outreach.Event", "speakers' names", "speakers"),
    *_mentions("progress.Milestone", "who leads (staff or the CIO)", "title", "lead"),
    *_mentions("progress.Participant", "followers and field staff", "name", "department"),
    *_mentions("progress.PlanRevision", "the plan as submitted (its people)", "content", "note"),
    *_mentions("progress.ActionPlan", "the plan", "summary"),
    *_mentions("progress.MonthlyReport", "a monthly report", "blockers", "help_text"),
    *_mentions("progress.MilestoneProgress", "a milestone's progress", "note"),
    *_mentions("progress.Comment", "a comment on a plan or report", "body"),
    *_mentions("progress.SmallWin", "a small win", "title", "body", "picture_alt"),
    *_mentions("progress.KPIMeasurement", "a measurement's note", "note"),
    *_mentions("dispatches.Dispatch", "reasons", "decline_reason", "end_reason"),
    *_mentions("dispatches.Extension", "reasons", "reason", "decision_reason"),
    *_mentions("dispatches.Evaluation", "evaluations of the CIO", "went_well", "to_improve"),
    *_mentions("incentives.IncentiveClaim", "reasons", "adjustment_reason", "decision_reason"),
    *_mentions("incentives.ClaimCost", "what a cost is (e.g. the CIO's pay)", "description"),
    *_mentions("knowhow.Case", "a case (its people)", "title", "summary", "body", "roles"),
    *_mentions("knowhow.Case", "a case's points", "challenges_other", "success_points"),
    *_mentions("knowhow.Case", "a case's points and outcomes", "spread_points", "outcomes"),
    *_mentions("knowhow.CaseVersion", "a published version of a case", "snapshot"),
    *_mentions("candidates.DeletionRequest", "the office's note", "note"),
    # The audit trail: whoever acted, and what about.
    PersonalField("audit.AuditEvent", "actor_label", "user name", Subject.ANYONE, P, AUDIT),
    PersonalField("audit.AuditEvent", "object_repr", "object label", Subject.ANYONE, P, AUDIT),
    PersonalField("audit.AuditEvent", "reason", "free text", Subject.ANYONE, P, AUDIT),
    PersonalField("audit.AuditEvent", "changes", "field names, ids", Subject.ANYONE, P, AUDIT),
]

# Fields whose names look personal but hold no data about a person.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("localgov.LocalGovernment", "name"): "a local government's name (public registry)",
    ("localgov.LocalGovernment", "name_kana"): "a local government's reading (public registry)",
    ("localgov.LocalGovernmentGroup", "name"): "the name of a group of local governments",
    ("accounts.Organisation", "name"): "an organisation's name",
    ("requests.KPI", "name"): "the name of an indicator",
    ("incentives.IncentiveProgramme", "name"): "the name of a grant programme",
    ("incentives.IncentiveRule", "threshold_label"): "what a ceiling's threshold is",
    ("knowhow.Manual", "pdf"): "a published manual's PDF",
    ("knowhow.ManualVersion", "pdf_name"): "the file name of a manual's PDF",
    ("knowhow.Award", "name"): "the name of an award",
    ("notices.NoticePreference", "mail"): "whether a kind of notice is mailed (yes or no)",
}

# A field is checked when its name matches this, or when it is a file or e-mail field.
LOOKS_PERSONAL = re.compile(
    r"name|kana|mail|phone|(^|_)tel($|_)|fax|birth|born|address|interviewer|speaker|contact"
    r"|(^|_)lead($|_)|(^|_)author($|_)|label|repr|(^|_)ip($|_)"
)


def fields_of(model: str, erasure: Erasure | None = None) -> list[PersonalField]:
    return [f for f in INVENTORY if f.model == model and (erasure is None or f.erasure == erasure)]


def replace_terms(value: Any, terms: Sequence[str], pseudonym: str) -> Any:
    """``value`` (text, or JSON data) with every occurrence of ``terms`` (case-insensitive)
    replaced by ``pseudonym``."""
    if isinstance(value, str):
        for term in terms:
            value = re.sub(re.escape(term), pseudonym, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [replace_terms(v, terms, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: replace_terms(v, terms, pseudonym) for k, v in value.items()}
    return value


def search_terms(terms: Iterable[str]) -> list[str]:
    """The terms worth replacing (three characters or more), longest first."""
    return sorted({t.strip() for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)


def containing(model: type[models.Model], fields: Iterable[str], terms: Sequence[str]):
    """The rows of ``model`` with one of ``terms`` in one of ``fields`` (JSON fields as text,
    in both the raw and the escaped form SQLite keeps)."""
    annotations, condition = {}, Q(pk__in=[])
    for name in fields:
        column = name
        if isinstance(model._meta.get_field(name), models.JSONField):
            column = f"{name}_as_text"
            annotations[column] = Cast(name, TextField())
        for term in terms:
            for form in {term, json.dumps(term)[1:-1]}:
                condition |= Q(**{f"{column}__icontains": form})
    return model._base_manager.annotate(**annotations).filter(condition)


def pseudonymise_mentions(terms: Iterable[str], pseudonym: str) -> dict[str, int]:
    """Replace ``terms`` by ``pseudonym`` in every field the inventory marks pseudonymised
    outside the audit trail and the account (which their own code handles). The rows keep
    their dates (``update`` leaves ``auto_now`` alone). Returns {model: rows changed}."""
    from django.apps import apps

    terms = search_terms(terms)
    changed: dict[str, int] = {}
    models_fields: dict[str, list[str]] = {}
    for entry in INVENTORY:
        if entry.erasure == Erasure.PSEUDONYMISE and entry.subject == Subject.NAMED:
            models_fields.setdefault(entry.model, []).append(entry.field)
    for label, fields in models_fields.items():
        model = apps.get_model(label)
        for row in containing(model, fields, terms):
            values = {f: replace_terms(getattr(row, f), terms, pseudonym) for f in fields}
            values = {f: v for f, v in values.items() if v != getattr(row, f)}
            if values:
                model._base_manager.filter(pk=row.pk).update(**values)
                changed[label] = changed.get(label, 0) + 1
    return changed


def markdown_table() -> str:
    """The inventory as the Markdown table of docs/security.md."""
    lines = [
        "| model | field | holds | whose | erasure | retention |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in INVENTORY:
        lines.append(
            f"| `{f.model}` | `{f.field}` | {f.holds} | {f.subject} | {f.erasure} | {f.retention} |"
        )
    lines.append("")
    lines.extend(f"- **{kind}**: {text}" for kind, text in RETENTION.items())
    return "\n".join(lines) + "\n"
