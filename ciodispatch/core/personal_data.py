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

import re
from dataclasses import dataclass
from enum import StrEnum


class Subject(StrEnum):
    CANDIDATE = "candidate"  # a candidate or certified CIO (erasable on request or after retention)
    REGISTRANT = "registrant"  # whoever registers for an event (maybe a candidate)
    OFFICIAL = "official"  # staff of a local government or of the office, in their work role
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
    # Officials' work contacts and names in their role: kept with their records.
    *_official("accounts.Organisation", "contact", "contact_department"),
    *_official("accounts.Organisation", "contact", "contact_email", "contact_phone"),
    *_official("outreach.SupportOffer", "contact", "contact_department", "contact_email"),
    *_official("outreach.SupportOffer", "contact", "contact_phone"),
    *_official("outreach.Event", "speakers' names", "speakers"),
    *_official("requests.MemberConfirmation", "the head's name, as confirmed", "head_name"),
    *_official("progress.Milestone", "who leads (staff)", "lead"),
    *_official("progress.Participant", "followers and field staff", "name", "department"),
    *_official("progress.PlanRevision", "the plan's people, as submitted", "content"),
    *_official("progress.SmallWin", "picture (re-encoded, no EXIF)", "picture"),
    *_official("incentives.ClaimEvidence", "evidence files (invoices, contracts)", "file"),
    *_official("knowhow.CaseAttachment", "attachments of published cases", "file"),
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
}

# A field is checked when its name matches this, or when it is a file or e-mail field.
LOOKS_PERSONAL = re.compile(
    r"name|kana|mail|phone|(^|_)tel($|_)|fax|birth|born|address|interviewer|speaker|contact"
    r"|(^|_)lead($|_)|(^|_)author($|_)|label|repr|(^|_)ip($|_)"
)


def fields_of(model: str, erasure: Erasure | None = None) -> list[PersonalField]:
    return [f for f in INVENTORY if f.model == model and (erasure is None or f.erasure == erasure)]


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
