"""Writes to candidate files: the application, screening, certification, personal data.

Audit records name the fields a candidate changed, never their values: personal data must
be erasable, and the audit log is not.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.audit.services import pseudonymise, record
from ciodispatch.candidates.choices import (
    MAX_TERM_MONTHS,
    MIN_TERM_MONTHS,
    VENDOR_LOOKBACK_YEARS,
    Domain,
    SkillRole,
    WorkPattern,
)
from ciodispatch.candidates.models import (
    CERTIFICATION,
    DELETION,
    Application,
    CareerEntry,
    ConflictDeclaration,
    DeletionRequest,
    Interview,
    ReviewAssignment,
    ReviewCriterion,
    ReviewRound,
    Score,
    SkillClaim,
    VendorAffiliation,
)
from ciodispatch.candidates.signals import candidate_erased
from ciodispatch.core import personal_data, uploads
from ciodispatch.core.dates import fiscal_year
from ciodispatch.core.errors import Refusal
from ciodispatch.core.mail import mail_after_commit
from ciodispatch.core.personal_data import Erasure
from ciodispatch.core.text import text_problem
from ciodispatch.localgov.regions import Region
from ciodispatch.training.services import erase_calendar_feed

A = policy.Action
S = Application.State


class CandidateError(Refusal, ValueError):
    """A change was refused; the message says what to do. Nothing was written."""


# ---------------------------------------------------------------------------------------
# Registration and the application's sections
# ---------------------------------------------------------------------------------------


@transaction.atomic
def register_candidate(
    *, username: str, email: str, password: str, family_name: str, given_name: str
) -> User:
    """A stranger creates a candidate account; their draft application starts with it."""
    if User.objects.filter(email__iexact=email, role=Role.CANDIDATE).exists():
        raise CandidateError(
            _("An account with this e-mail address exists already. Sign in with it instead.")
        )
    user = accounts.create_user(
        username=username,
        role=Role.CANDIDATE,
        organisation=None,
        password=password,
        actor=None,
        email=email,
        last_name=family_name,
        first_name=given_name,
    )
    start_application(user, actor=user)
    return user


@transaction.atomic
def start_application(user: User, *, actor) -> Application:
    """The candidate's application (a draft is started on first use). One per person."""
    if user.role != Role.CANDIDATE:
        raise CandidateError(_("Only candidate accounts apply."))
    application, created = Application.objects.get_or_create(
        user=user,
        defaults={
            "family_name": user.last_name,
            "given_name": user.first_name,
            "email": user.email,
        },
    )
    if created:
        record(actor=actor, action="candidates.application.started", target=application)
    return application


def application_of(user) -> Application | None:
    return Application.objects.filter(user=user).first()


@dataclass(frozen=True)
class Section:
    key: str
    title: str


def sections() -> list[Section]:
    return [
        Section("identity", _("Identity and contact")),
        Section("career", _("Career history")),
        Section("skills", _("Skills")),
        Section("domains", _("Domain experience")),
        Section("availability", _("Availability")),
        Section("vendors", _("Vendor affiliations")),
        Section("motivation", _("Statement of motivation")),
        Section("documents", _("Documents")),
        Section("consent", _("Use of personal data")),
    ]


SECTION_KEYS = [
    "identity",
    "career",
    "skills",
    "domains",
    "availability",
    "vendors",
    "motivation",
    "documents",
    "consent",
]


def section_problems(app: Application, key: str) -> list[str]:
    """What is missing in one section; empty when it is complete."""
    problems: list[str] = []
    if key == "identity":
        fields = {
            "family_name": _("family name"),
            "given_name": _("given name"),
            "family_name_kana": _("family name in kana"),
            "given_name_kana": _("given name in kana"),
            "date_of_birth": _("date of birth"),
            "email": _("e-mail"),
            "phone": _("telephone"),
            "prefecture_code": _("prefecture of residence"),
        }
        problems += [
            _("Enter your %s.") % label for name, label in fields.items() if not getattr(app, name)
        ]
    elif key == "career":
        if app.has_public_sector_experience is None:
            problems.append(_("Say whether you have worked in the public sector."))
        if not app.career.exists():
            problems.append(_("Add at least one position to your career history."))
    elif key == "skills":
        if not app.skills.exists():
            problems.append(_("Assess yourself against at least one role of the skill standard."))
    elif key == "domains":
        if not app.domains and not app.domains_other:
            problems.append(_("Choose at least one domain, or describe another."))
    elif key == "availability":
        if not app.earliest_start:
            problems.append(_("Enter the earliest date you could start."))
        if not app.term_months:
            problems.append(_("Enter the term you want, 6 to 24 months."))
        if not app.work_pattern:
            problems.append(_("Choose full-time or part-time."))
        if not app.work_place:
            problems.append(_("Choose on site, remote or either."))
        if not app.regions:
            problems.append(_("Choose at least one region you would work in."))
    elif key == "vendors":
        if not app.no_vendor_affiliations and not app.vendor_affiliations.exists():
            problems.append(
                _("List your vendor affiliations of the last 5 years, or state there are none.")
            )
    elif key == "motivation":
        if len(app.motivation.strip()) < 100:
            problems.append(_("Write your statement of motivation (at least 100 characters)."))
    elif key == "documents":
        if not app.cv:
            problems.append(_("Upload your CV as a PDF."))
    elif key == "consent":
        if app.consent_version != settings.PERSONAL_DATA_CONSENT_VERSION:
            problems.append(_("Agree to the purpose of use of your personal data."))
    return problems


def section_started(app: Application, key: str) -> bool:
    return {
        "identity": bool(app.family_name_kana or app.date_of_birth or app.phone),
        "career": app.has_public_sector_experience is not None or app.career.exists(),
        "skills": app.skills.exists(),
        "domains": bool(app.domains or app.domains_other),
        "availability": bool(app.earliest_start or app.term_months or app.work_pattern),
        "vendors": app.no_vendor_affiliations or app.vendor_affiliations.exists(),
        "motivation": bool(app.motivation),
        "documents": bool(app.cv),
        "consent": bool(app.consent_version),
    }[key]


def section_status(app: Application, key: str) -> str:
    if not section_problems(app, key):
        return "completed"
    return "in_progress" if section_started(app, key) else "not_started"


def _editable(app: Application, actor) -> Application:
    policy.require(actor, A.EDIT_APPLICATION, app)
    locked = Application.objects.select_for_update().get(pk=app.pk)
    if not locked.is_editable:
        raise CandidateError(_("The application has been submitted and can no longer be changed."))
    return locked


def _section_saved(app: Application, section: str, *, actor, **changes) -> None:
    record(
        actor=actor,
        action="candidates.application.section_saved",
        target=app,
        changes={"section": section, **changes},
    )


def _save_fields(app: Application, section: str, values: Mapping, *, actor) -> Application:
    app = _editable(app, actor)
    changed = [name for name, value in values.items() if getattr(app, name) != value]
    for name, value in values.items():
        setattr(app, name, value)
    app.full_clean(exclude=["user", "cv"])
    app.save()
    _section_saved(app, section, actor=actor, fields=changed)
    return app


IDENTITY_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "date_of_birth",
    "email",
    "phone",
    "prefecture_code",
)


@transaction.atomic
def save_identity(app: Application, *, actor, **values) -> Application:
    values = {k: values[k] for k in IDENTITY_FIELDS}
    born = values["date_of_birth"]
    today = timezone.localdate()
    if born and (born >= today or today.year - born.year > 100):
        raise CandidateError(_("Enter your real date of birth (in the past, YYYY-MM-DD)."))
    for name in ("family_name_kana", "given_name_kana"):
        kana = values[name]
        if kana and not all("\u30a0" <= c <= "\u30ff" or c in "ー　 " for c in kana):
            raise CandidateError(_("Write the reading of your name in katakana, e.g. ヤマダ."))
    return _save_fields(app, "identity", values, actor=actor)


@dataclass
class CareerInput:
    organisation: str
    role: str
    start_year: int
    end_year: int | None
    public_sector: bool
    description: str = ""


@transaction.atomic
def save_career(
    app: Application, *, actor, has_public_sector_experience: bool, entries: Sequence[CareerInput]
) -> Application:
    app = _editable(app, actor)
    this_year = timezone.localdate().year
    for number, entry in enumerate(entries, start=1):
        if not entry.organisation.strip() or not entry.role.strip():
            raise CandidateError(_("Position %s: enter the organisation and your role.") % number)
        if not 1950 <= entry.start_year <= this_year:
            raise CandidateError(_("Position %s: the start year must be a past year.") % number)
        if entry.end_year is not None and not entry.start_year <= entry.end_year <= this_year:
            raise CandidateError(
                _("Position %s: the end year must be between the start year and this year.")
                % number
            )
    if has_public_sector_experience and not any(e.public_sector for e in entries):
        raise CandidateError(
            _("You said you have public-sector experience: mark the public-sector positions.")
        )
    app.career.all().delete()
    CareerEntry.objects.bulk_create(
        [CareerEntry(application=app, **vars(entry)) for entry in entries]
    )
    app.has_public_sector_experience = has_public_sector_experience
    app.save(update_fields=["has_public_sector_experience", "updated_at"])
    _section_saved(app, "career", actor=actor, positions=len(entries))
    return app


@transaction.atomic
def save_skills(app: Application, *, actor, claims: Mapping[str, tuple[int, str]]) -> Application:
    """``claims``: {skill role: (level 1–4, evidence)} for the roles the candidate claims."""
    app = _editable(app, actor)
    for role, (level, evidence) in claims.items():
        if role not in SkillRole.values:
            raise CandidateError(_("Unknown role %s.") % role)
        if not 1 <= int(level) <= 4:
            raise CandidateError(_("Choose a level from 1 to 4."))
        if len(evidence.strip()) < 20:
            raise CandidateError(
                _(
                    "Give evidence for %s: what you did, where, with what result "
                    "(20 characters or more)."
                )
                % SkillRole(role).label
            )
    app.skills.all().delete()
    SkillClaim.objects.bulk_create(
        [
            SkillClaim(application=app, role=role, level=int(level), evidence=evidence.strip())
            for role, (level, evidence) in claims.items()
        ]
    )
    _section_saved(app, "skills", actor=actor, roles=sorted(claims))
    return app


@transaction.atomic
def save_domains(app: Application, *, actor, domains: Iterable[str], other: str) -> Application:
    domains = sorted(set(domains))
    unknown = [d for d in domains if d not in Domain.values]
    if unknown:
        raise CandidateError(_("Unknown domains: %s.") % ", ".join(unknown))
    return _save_fields(
        app, "domains", {"domains": domains, "domains_other": other.strip()}, actor=actor
    )


@transaction.atomic
def save_availability(
    app: Application,
    *,
    actor,
    earliest_start: dt.date,
    term_months: int,
    work_pattern: str,
    days_per_week: int | None,
    work_place: str,
    regions: Iterable[str],
) -> Application:
    if earliest_start <= timezone.localdate():
        raise CandidateError(_("The earliest start must be a date in the future."))
    if not MIN_TERM_MONTHS <= term_months <= MAX_TERM_MONTHS:
        raise CandidateError(
            _("The term must be from %(min)s to %(max)s months.")
            % {"min": MIN_TERM_MONTHS, "max": MAX_TERM_MONTHS}
        )
    if work_pattern == WorkPattern.PART_TIME:
        if days_per_week is None or not 1 <= days_per_week <= 3:
            raise CandidateError(_("Part-time means 1 to 3 days a week: enter the number of days."))
    else:
        days_per_week = None
    regions = sorted(set(regions))
    if not regions or any(r not in Region.values for r in regions):
        raise CandidateError(_("Choose at least one region you would work in."))
    return _save_fields(
        app,
        "availability",
        {
            "earliest_start": earliest_start,
            "term_months": term_months,
            "work_pattern": work_pattern,
            "days_per_week": days_per_week,
            "work_place": work_place,
            "regions": regions,
        },
        actor=actor,
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class AffiliationInput:
    vendor: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None


@transaction.atomic
def save_vendor_affiliations(
    app: Application, *, actor, none: bool, affiliations: Sequence[AffiliationInput]
) -> Application:
    app = _editable(app, actor)
    today = timezone.localdate()
    horizon = _years_before(today, VENDOR_LOOKBACK_YEARS)
    if none and affiliations:
        raise CandidateError(
            _("You stated you have no vendor affiliations but listed some: do one or the other.")
        )
    names = [a.vendor.strip() for a in affiliations]
    for number, (name, item) in enumerate(zip(names, affiliations, strict=True), start=1):
        if not name:
            raise CandidateError(_("Affiliation %s: enter the vendor's name.") % number)
        if item.end_date is not None and item.end_date < item.start_date:
            raise CandidateError(_("Affiliation %s: the end is before the start.") % number)
        if item.end_date is not None and item.end_date < horizon:
            raise CandidateError(
                _("Affiliation %s ended more than 5 years ago; list only the last 5 years.")
                % number
            )
    if len({n.casefold() for n in names}) != len(names):
        raise CandidateError(_("A vendor is listed twice; give each vendor once."))
    app.vendor_affiliations.all().delete()
    VendorAffiliation.objects.bulk_create(
        [
            VendorAffiliation(
                application=app,
                vendor=name,
                kind=item.kind,
                start_date=item.start_date,
                end_date=item.end_date,
            )
            for name, item in zip(names, affiliations, strict=True)
        ]
    )
    app.no_vendor_affiliations = none
    app.save(update_fields=["no_vendor_affiliations", "updated_at"])
    _section_saved(app, "vendors", actor=actor, vendors=len(names))
    return app


@transaction.atomic
def save_motivation(app: Application, *, actor, motivation: str) -> Application:
    text = motivation.strip()
    if len(text) > 4000:
        raise CandidateError(_("Keep the statement under 4,000 characters."))
    return _save_fields(app, "motivation", {"motivation": text}, actor=actor)


def check_pdf(upload: UploadedFile) -> None:
    """Refuse a file that is not a real PDF, is too large or carries active content."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise CandidateError(
            _("The file is larger than %(mb)s MB. Make it smaller and upload it again.")
            % {"mb": settings.MAX_UPLOAD_MB}
        )
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise CandidateError(_("The file is not a PDF. Save your CV as PDF and upload that."))
    uploads.check_pdf(upload, error=CandidateError)


@transaction.atomic
def upload_cv(app: Application, *, actor, upload: UploadedFile) -> Application:
    app = _editable(app, actor)
    check_pdf(upload)
    old = app.cv.name if app.cv else None
    app.cv.save(f"cv-{app.pk}.pdf", upload, save=False)
    app.cv_uploaded_at = timezone.now()
    app.save(update_fields=["cv", "cv_uploaded_at", "updated_at"])
    if old != app.cv.name:
        uploads.delete_after_commit(app.cv.storage, old)
    _section_saved(app, "documents", actor=actor, cv_bytes=upload.size)
    return app


@transaction.atomic
def give_consent(app: Application, *, actor, version: str) -> Application:
    if version != settings.PERSONAL_DATA_CONSENT_VERSION:
        raise CandidateError(_("The notice has changed; read the current version and agree to it."))
    app = _save_fields(
        app, "consent", {"consent_version": version, "consent_at": timezone.now()}, actor=actor
    )
    return app


# ---------------------------------------------------------------------------------------
# Submission and notifications
# ---------------------------------------------------------------------------------------


def _notify(app: Application, subject: str, body: str) -> None:
    mail_after_commit([app.email or app.user.email], subject, body)


def _move(app: Application, target: str, *, actor, reason: str = "", extra=(), notify=True):
    CERTIFICATION.apply(
        app, target, actor=actor, reason=reason, update_fields=["updated_at", *extra]
    )
    if notify:
        label = Application.State(target).label
        body = _(
            "The state of your application to the Certified CIO Dispatch Programme is now: "
            "%(state)s.\n\n%(reason)s\n\nSign in to see the details."
        ) % {"state": label, "reason": reason}
        _notify(app, _("[CIO Dispatch] Your application: %s") % label, body)


@transaction.atomic
def submit_application(app: Application, *, actor) -> Application:
    app = _editable(app, actor)
    missing = [s.title for s in sections() if section_problems(app, s.key)]
    if missing:
        raise CandidateError(
            _("Complete these sections before you submit: %s.") % "、".join(missing)
        )
    duplicate = (
        Application.objects.exclude(pk=app.pk)
        .exclude(state=S.DRAFT)
        .filter(email__iexact=app.email, date_of_birth=app.date_of_birth)
        .exists()
    )
    if duplicate:
        raise CandidateError(
            _(
                "An application with this e-mail address and date of birth has been submitted "
                "already. One person applies once; contact the programme office if this is wrong."
            )
        )
    app.review_round = ensure_review_round(fiscal_year(timezone.localdate()), actor=None)
    app.submitted_at = timezone.now()
    _move(app, S.APPLIED, actor=actor, extra=["review_round", "submitted_at"])
    return app


# ---------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------

# The study's qualities of an external leader, plus IT expertise and fit for public service.
DEFAULT_CRITERIA = (
    ("it_expertise", "IT専門知識", "ITの専門知識と、それを業務改革に生かした実績"),
    ("organisation", "組織マネジメント力", "組織を動かし、人を育て、チームで成果をあげる力"),
    ("vision", "全体最適を図るビジョン", "広い視野で全体最適を描き、戦略を立案する力"),
    (
        "established_interests",
        "既成勢力・ベンダーとの対峙",
        "ベンダーや既存の利害と渡り合い、嫌われ役も担える",
    ),
    ("ownership", "結果への責任", "結果に責任を持ち、やり遂げる姿勢"),
    ("public_fit", "公共分野への適性", "行政の仕組みへの理解と、現場・住民に寄り添う姿勢"),
)


@transaction.atomic
def ensure_review_round(year: int, *, actor) -> ReviewRound:
    review_round, created = ReviewRound.objects.get_or_create(
        fiscal_year=year, defaults={"title": f"{year}年度 認定CIO審査"}
    )
    if created:
        ReviewCriterion.objects.bulk_create(
            [
                ReviewCriterion(
                    review_round=review_round, key=key, title=title, description=desc, order=i
                )
                for i, (key, title, desc) in enumerate(DEFAULT_CRITERIA)
            ]
        )
        record(actor=actor, action="candidates.review_round_created", target=review_round)
    return review_round


@transaction.atomic
def save_criterion(
    review_round: ReviewRound, *, actor, key: str, title: str, description: str, weight: int
) -> ReviewCriterion:
    """Add a criterion to a round, or change one. Refused once scoring has started."""
    policy.require(actor, A.CONFIGURE_REVIEW, review_round)
    if Score.objects.filter(criterion__review_round=review_round).exists():
        raise CandidateError(
            _("Reviewers have started scoring this round; its criteria can no longer change.")
        )
    if not title.strip():
        raise CandidateError(_("Give the criterion a title."))
    criterion, created = ReviewCriterion.objects.update_or_create(
        review_round=review_round,
        key=key,
        defaults={
            "title": title.strip(),
            "description": description.strip(),
            "weight": weight,
            "order": review_round.criteria.count(),
        },
    )
    criterion.full_clean()
    record(
        actor=actor,
        action="candidates.criterion_saved",
        target=criterion,
        changes={"key": key, "title": title, "weight": weight, "created": created},
    )
    return criterion


@transaction.atomic
def assign_reviewer(app: Application, reviewer: User, *, actor) -> ReviewAssignment:
    policy.require(actor, A.ASSIGN_REVIEWERS, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if app.state not in (S.APPLIED, S.SCREENING):
        raise CandidateError(_("Reviewers are assigned to submitted applications under screening."))
    if reviewer.role != Role.REVIEWER or not reviewer.is_active:
        raise CandidateError(_("%s is not an active reviewer.") % reviewer.display_name)
    if ConflictDeclaration.objects.filter(application=app, reviewer=reviewer).exists():
        raise CandidateError(
            _(
                "%s has declared a conflict of interest with this candidate; "
                "choose another reviewer."
            )
            % reviewer.display_name
        )
    if ReviewAssignment.objects.filter(application=app, reviewer=reviewer).exists():
        raise CandidateError(_("%s is assigned already.") % reviewer.display_name)
    assignment = ReviewAssignment.objects.create(application=app, reviewer=reviewer)
    record(
        actor=actor,
        action="candidates.reviewer_assigned",
        target=app,
        changes={"reviewer": reviewer.get_username()},
    )
    if app.state == S.APPLIED:
        _move(app, S.SCREENING, actor=actor)
    return assignment


@transaction.atomic
def declare_conflict(app: Application, reviewer: User, *, actor, reason: str) -> None:
    """A reviewer cannot judge this candidate; an unscored assignment is withdrawn."""
    policy.require(actor, A.DECLARE_CONFLICT, app)
    if actor.role == Role.REVIEWER and actor.pk != reviewer.pk:
        raise CandidateError(_("Reviewers declare their own conflicts only."))
    if not reason.strip():
        raise CandidateError(_("Say briefly why (e.g. a former colleague)."))
    ConflictDeclaration.objects.get_or_create(
        application=app, reviewer=reviewer, defaults={"reason": reason.strip()}
    )
    # Scores given before the conflict came to light do not count either.
    withdrawn = ReviewAssignment.objects.filter(application=app, reviewer=reviewer).delete()[0]
    record(
        actor=actor,
        action="candidates.conflict_declared",
        target=app,
        changes={"reviewer": reviewer.get_username(), "assignment_withdrawn": bool(withdrawn)},
        reason=reason.strip(),
    )


@transaction.atomic
def submit_scores(
    assignment: ReviewAssignment, *, actor, scores: Mapping[int, tuple[int, str]]
) -> ReviewAssignment:
    """``scores``: {criterion id: (1–5, comment)} for every criterion of the round."""
    policy.require(actor, A.REVIEW_APPLICATION, assignment.application)
    if assignment.reviewer_id != actor.pk:
        raise CandidateError(_("You can score only the applications assigned to you."))
    app = Application.objects.select_for_update().get(pk=assignment.application_id)
    if app.state != S.SCREENING:
        raise CandidateError(_("Scoring has closed for this application."))
    criteria = list(app.review_round.criteria.all()) if app.review_round else []
    missing = [c.title for c in criteria if c.pk not in scores]
    if missing:
        raise CandidateError(_("Score every criterion: %s is missing.") % "、".join(missing))
    for criterion in criteria:
        value, comment = scores[criterion.pk]
        if not 1 <= int(value) <= 5:
            raise CandidateError(_("%s: choose a score from 1 to 5.") % criterion.title)
        if not comment.strip():
            raise CandidateError(
                _("%s: write a comment that explains the score.") % criterion.title
            )
        problem = text_problem(comment, multiline=True)  # a view passes it without a form
        if problem:
            raise CandidateError(f"{criterion.title}: {problem}")
    assignment.scores.all().delete()
    Score.objects.bulk_create(
        [
            Score(
                assignment=assignment,
                criterion=c,
                score=int(scores[c.pk][0]),
                comment=scores[c.pk][1].strip(),
            )
            for c in criteria
        ]
    )
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["submitted_at"])
    record(
        actor=actor,
        action="candidates.scores_submitted",
        target=app,
        changes={"criteria_scored": len(criteria)},
    )
    return assignment


@dataclass
class CriterionSummary:
    criterion: ReviewCriterion
    scores: list[Score]
    mean: float | None
    spread: int
    disagreement: bool


DISAGREEMENT_SPREAD = 2


def score_summary(
    app: Application,
) -> tuple[list[ReviewAssignment], list[CriterionSummary], float | None]:
    """Scores side by side: per criterion the reviewers' scores, their mean and spread.

    Reviewers disagree on a criterion when their scores are 2 or more apart. The total is
    the weighted mean over criteria, on the 1–5 scale.
    """
    assignments = list(
        app.assignments.select_related("reviewer").prefetch_related("scores__criterion")
    )
    by_criterion: dict[int, list[Score]] = {}
    for assignment in assignments:
        for score in assignment.scores.all():
            by_criterion.setdefault(score.criterion_id, []).append(score)
    rows = []
    weighted = weights = 0.0
    criteria = app.review_round.criteria.all() if app.review_round else []
    for criterion in criteria:
        given = by_criterion.get(criterion.pk, [])
        values = [s.score for s in given]
        mean = sum(values) / len(values) if values else None
        spread = max(values) - min(values) if values else 0
        rows.append(CriterionSummary(criterion, given, mean, spread, spread >= DISAGREEMENT_SPREAD))
        if mean is not None:
            weighted += mean * criterion.weight
            weights += criterion.weight
    return assignments, rows, (weighted / weights if weights else None)


class Decision:
    PASS = "pass"
    FAIL = "fail"
    INTERVIEW = "interview"


@transaction.atomic
def decide(app: Application, *, actor, decision: str, reason: str) -> Application:
    """The office's decision after screening or interview: pass, fail, or interview."""
    policy.require(actor, A.DECIDE_APPLICATION, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if not reason.strip():
        raise CandidateError(_("Give the reason for the decision; the candidate is told it."))
    if app.state == S.SCREENING and not app.assignments.filter(submitted_at__isnull=False).exists():
        raise CandidateError(_("No reviewer has scored this application yet; wait for the scores."))
    targets = {
        Decision.PASS: S.TRAINING,
        Decision.FAIL: S.REJECTED,
        Decision.INTERVIEW: S.INTERVIEW,
    }
    if decision not in targets:
        raise CandidateError(_("Choose pass, fail or interview."))
    target = targets[decision]
    if not CERTIFICATION.allowed(app.state, target):
        raise CandidateError(
            _("An application in the state “%(state)s” cannot take this decision.")
            % {"state": app.get_state_display()}
        )
    app.decision_reason = reason.strip()
    _move(app, target, actor=actor, reason=reason.strip(), extra=["decision_reason"])
    return app


@transaction.atomic
def schedule_interview(
    app: Application, *, actor, scheduled_at: dt.datetime, place: str, interviewers: str = ""
) -> Interview:
    policy.require(actor, A.DECIDE_APPLICATION, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if app.state != S.INTERVIEW:
        raise CandidateError(_("Interviews are scheduled for applications in the interview stage."))
    if scheduled_at <= timezone.now():
        raise CandidateError(_("The interview must be in the future."))
    if not place.strip():
        raise CandidateError(_("Say where the interview is, or give the online meeting."))
    interview = Interview.objects.create(
        application=app, scheduled_at=scheduled_at, place=place.strip(), interviewers=interviewers
    )
    record(
        actor=actor,
        action="candidates.interview_scheduled",
        target=app,
        changes={"at": scheduled_at.isoformat()},
    )
    local = timezone.localtime(scheduled_at)
    _notify(
        app,
        _("[CIO Dispatch] Your interview"),
        _("Your interview is on %(when)s at %(place)s.")
        % {"when": f"{local:%Y-%m-%d %H:%M}", "place": place.strip()},
    )
    return interview


# ---------------------------------------------------------------------------------------
# Certification
# ---------------------------------------------------------------------------------------


def public_sector_training_completed(user) -> bool:
    from ciodispatch.training.services import has_completed_track

    return has_completed_track(user, "public_sector")


def _validity_end(start: dt.date) -> dt.date:
    years = settings.CERTIFICATION_VALID_YEARS
    try:
        return start.replace(year=start.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@transaction.atomic
def certify(app: Application, *, actor, reason: str = "") -> Application:
    policy.require(actor, A.CERTIFY, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if app.state != S.TRAINING:
        raise CandidateError(
            _("Only candidates who passed screening and are in training can be certified.")
        )
    if not public_sector_training_completed(app.user):
        raise CandidateError(
            _("Certification needs the public-sector training track completed; it is not yet.")
        )
    today = timezone.localdate()
    app.certified_at = timezone.now()
    app.certified_until = _validity_end(today)
    _move(app, S.CERTIFIED, actor=actor, reason=reason, extra=["certified_at", "certified_until"])
    return app


@transaction.atomic
def renew_certification(app: Application, *, actor, reason: str) -> Application:
    """A new validity period from today, for a certified or expired CIO."""
    policy.require(actor, A.CHANGE_CERTIFICATION, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if not reason.strip():
        raise CandidateError(_("Give the reason for the renewal."))
    if app.state not in (S.CERTIFIED, S.EXPIRED):
        raise CandidateError(_("Only certified or expired certifications can be renewed."))
    before = app.certified_until
    app.certified_until = _validity_end(timezone.localdate())
    if app.state == S.EXPIRED:
        _move(app, S.CERTIFIED, actor=actor, reason=reason, extra=["certified_until"])
    else:
        app.save(update_fields=["certified_until", "updated_at"])
        record(
            actor=actor,
            action="candidates.application.renewed",
            target=app,
            changes={"certified_until": [str(before), str(app.certified_until)]},
            reason=reason,
        )
    return app


@transaction.atomic
def change_certification(app: Application, *, actor, target: str, reason: str) -> Application:
    """Suspend, reinstate (suspended → certified) or revoke, with a reason."""
    policy.require(actor, A.CHANGE_CERTIFICATION, app)
    app = Application.objects.select_for_update().get(pk=app.pk)
    if target not in (S.SUSPENDED, S.REVOKED, S.CERTIFIED):
        raise CandidateError(_("Choose suspend, reinstate or revoke."))
    if not reason.strip():
        raise CandidateError(_("Give the reason; the CIO is told it."))
    # Certified is reached here only by reinstating a suspension; first certification
    # goes through certify(), which checks the training.
    reinstating = target == S.CERTIFIED and app.state == S.SUSPENDED
    if not CERTIFICATION.allowed(app.state, target) or (target == S.CERTIFIED and not reinstating):
        raise CandidateError(
            _("A certification in the state “%(state)s” cannot become “%(target)s”.")
            % {"state": app.get_state_display(), "target": S(target).label}
        )
    _move(app, target, actor=actor, reason=reason.strip())
    return app


def expire_certifications(today: dt.date | None = None) -> int:
    """Certified CIOs past their validity become expired (a periodic job)."""
    today = today or timezone.localdate()
    count = 0
    due = Application.objects.filter(state=S.CERTIFIED, certified_until__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Re-read under a lock: a renewal or suspension made meanwhile wins.
            app = Application.objects.select_for_update().get(pk=pk)
            if (
                app.state != S.CERTIFIED
                or app.certified_until is None
                or app.certified_until >= today
            ):
                continue
            _move(app, S.EXPIRED, actor=None, reason=_("The validity period ended."))
        count += 1
    return count


# ---------------------------------------------------------------------------------------
# Personal data: deletion on request, and after the retention period
# ---------------------------------------------------------------------------------------

APPLICATION, USER = "candidates.Application", "accounts.User"
ERASABLE_STATES = (S.DRAFT, S.REJECTED, S.EXPIRED, S.REVOKED, S.WITHDRAWN)


@transaction.atomic
def request_deletion(app: Application, *, actor) -> DeletionRequest:
    policy.require(actor, A.REQUEST_DELETION, app)
    app = Application.objects.select_for_update().get(pk=app.pk)  # one request at a time
    if app.deletion_requests.filter(state=DeletionRequest.State.REQUESTED).exists():
        raise CandidateError(_("You have asked already; the programme office is handling it."))
    request = DeletionRequest.objects.create(application=app)
    record(actor=actor, action="candidates.deletionrequest.requested", target=request)
    return request


def _blank(instance, model: str, erasure: Erasure) -> None:
    for entry in personal_data.fields_of(model, erasure):
        field = instance._meta.get_field(entry.field)
        if field.has_default():
            value = field.get_default()
        else:
            value = None if field.null else ""
        setattr(instance, entry.field, value)


def _identifiers(app: Application, user: User) -> set[str]:
    """What names the person in free text: their name as written (with and without the space),
    its reading, their addresses and telephone, their user name and file names."""
    names = {
        f"{family}{space}{given}"
        for family, given in (
            (app.family_name, app.given_name),
            (app.family_name_kana, app.given_name_kana),
            (user.last_name, user.first_name),
        )
        if family and given
        for space in (" ", "　", "")
    }
    files = {app.cv.name, app.cv.name.rsplit("/", 1)[-1]} if app.cv and app.cv.name else set()
    return {*names, app.email, user.email, app.phone, *files} - {""}


def _erase(app: Application) -> None:
    """Remove the personal data of a file (core/personal_data.py lists every field and what
    happens to it); keep its state and dates, which the audit needs. Free text elsewhere that
    spells the person's name, reading, address or telephone gets ``erased-<id>`` instead; the
    other apps erase their rows about the person when told (``signals.candidate_erased``); the
    audit trail keeps its events, the texts naming the person replaced by ``erased-<id>``."""
    user = app.user
    terms = _identifiers(app, user)
    emails = {e.lower() for e in (app.email, user.email) if e}
    username = user.username
    if app.cv:
        uploads.delete_after_commit(app.cv.storage, app.cv.name)
    app.career.all().delete()
    app.skills.all().delete()
    app.vendor_affiliations.all().delete()
    Score.objects.filter(assignment__application=app).delete()
    app.interviews.all().delete()
    app.conflicts.update(reason="")
    pseudonym = f"erased-{user.pk}"
    mentions = personal_data.pseudonymise_mentions(terms, pseudonym)
    if mentions:
        record(
            actor=None,
            action="candidates.application.mentions_pseudonymised",
            target=app,
            changes=mentions,
        )
    erase_calendar_feed(user)
    candidate_erased.send(
        sender=Application,
        application=app,
        user=user,
        emails=sorted(emails),
        pseudonym=pseudonym,
    )
    for erasure in (Erasure.BLANK, Erasure.DELETE_FILE):
        _blank(app, APPLICATION, erasure)
    app.erased_at = timezone.now()
    app.save()
    _blank(user, USER, Erasure.BLANK)
    user.username = pseudonym
    user.is_active = False
    user.set_unusable_password()
    user.save()
    pseudonymise(user_id=user.pk, username=username, terms=terms, pseudonym=pseudonym)


@transaction.atomic
def complete_deletion(request: DeletionRequest, *, actor, note: str = "") -> DeletionRequest:
    """The office erases a candidate's personal data. A certified or active file is withdrawn
    from the pool first (revoked), since the programme cannot dispatch someone it cannot name."""
    policy.require(actor, A.COMPLETE_DELETION, request.application)
    request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != DeletionRequest.State.REQUESTED:
        raise CandidateError(_("This request has been completed already."))
    app = Application.objects.select_for_update().get(pk=request.application_id)
    if app.state not in ERASABLE_STATES:
        if CERTIFICATION.allowed(app.state, S.REVOKED):
            reason, target = _("Withdrawn at the CIO's request."), S.REVOKED
        else:
            reason, target = _("Withdrawn at the candidate's request."), S.WITHDRAWN
        _move(app, target, actor=actor, reason=reason, notify=False)
    _erase(app)
    request.completed_at = timezone.now()
    request.note = note
    DELETION.apply(
        request,
        DeletionRequest.State.COMPLETED,
        actor=actor,
        reason=note,
        update_fields=["completed_at", "note"],
    )
    return request


def purge_past_retention(today: dt.date | None = None) -> int:
    """Erase closed files untouched for longer than CANDIDATE_RETENTION_DAYS (a periodic job)."""
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    )
    cutoff = now - dt.timedelta(days=settings.CANDIDATE_RETENTION_DAYS)
    count = 0
    stale = Application.objects.filter(
        state__in=ERASABLE_STATES, erased_at__isnull=True, updated_at__lt=cutoff
    )
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Read again under a lock: a second run at once (another server's cron) waits
            # here and then finds the file erased, so it is erased and audited once.
            app = stale.select_for_update().filter(pk=pk).first()
            if app is None:
                continue
            _erase(app)
            record(
                actor=None,
                action="candidates.application.purged",
                target=app,
                reason=_("Retention period of %s days passed.") % settings.CANDIDATE_RETENTION_DAYS,
            )
        count += 1
    return count
