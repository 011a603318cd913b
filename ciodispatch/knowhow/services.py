"""Writes to the know-how base: cases and their versions, attachments, manuals, awards.

Every write checks the policy, changes state only through the transition tables and is
audited. Only published documents are in the search index.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciodispatch import policy
from ciodispatch.audit.services import record
from ciodispatch.candidates.choices import Domain
from ciodispatch.core import personal_data
from ciodispatch.core.errors import Refusal
from ciodispatch.core.programme import Challenge
from ciodispatch.core.text import text_problem
from ciodispatch.core.uploads import check_pdf, check_upload, remove_document, store_document
from ciodispatch.knowhow import search
from ciodispatch.knowhow.models import (
    CASE_STATES,
    MANUAL_STATES,
    ROLE_KEYS,
    Award,
    AwardSelection,
    Case,
    CaseAttachment,
    CaseVersion,
    Manual,
    ManualVersion,
    SearchEntry,
)
from ciodispatch.localgov.models import LocalGovernment

A = policy.Action
S = Case.State
CASE_KIND = "case"
MANUAL_KIND = "manual"

# Fields of a case a draft may set (create_case_draft / update_case).
CASE_FIELDS = (
    "title",
    "summary",
    "body",
    "theme",
    "year_from",
    "year_to",
    "challenges",
    "challenges_other",
    "success_points",
    "spread_points",
    "roles",
    "outcomes",
    "sources",
    "origin",
)


class KnowhowError(Refusal, ValueError):
    """A change was refused; the message says what to do. Nothing was written."""


# --- validation ----------------------------------------------------------------------------


def _lines(values: Iterable[Any] | None) -> list[str]:
    return [str(v).strip() for v in (values or []) if str(v).strip()]


NOTE_MAX = 200  # SavedVersion.note (of cases and manuals)
PRIZE_MAX = 60  # AwardSelection.prize


def _check_text(value: str) -> str:
    """A NUL character cannot be stored (PostgreSQL refuses it), nor another control
    character: refuse them clearly."""
    if "\x00" in value:
        raise KnowhowError(_("The text contains a character that cannot be saved (NUL)."))
    problem = text_problem(value, multiline=True)  # the other control characters: core/text.py
    if problem:
        raise KnowhowError(problem)
    return value


def _check_note(note: str) -> str:
    _check_text(note)
    if len(note.strip()) > NOTE_MAX:
        raise KnowhowError(_("Say what changed in at most %(max)s characters.") % {"max": NOTE_MAX})
    return note.strip()


def _url_ok(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise KnowhowError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    clean = dict(fields)
    if "title" in clean:
        clean["title"] = str(clean["title"]).strip()
        if not clean["title"]:
            raise KnowhowError(_("Give the case a title."))
        if len(clean["title"]) > 120:
            raise KnowhowError(_("The title is at most 120 characters."))
    if "challenges" in clean:
        clean["challenges"] = sorted(set(clean["challenges"] or []))
        wrong = [c for c in clean["challenges"] if c not in Challenge.values]
        if wrong:
            raise KnowhowError(_("Unknown challenge: %s") % ", ".join(wrong))
    for key in ("challenges_other", "success_points", "spread_points"):
        if key in clean:
            clean[key] = _lines(clean[key])
    if "theme" in clean:
        clean["theme"] = clean["theme"] or ""
        if clean["theme"] and clean["theme"] not in Domain.values:
            raise KnowhowError(_("Choose a theme from the list."))
    for key in ("year_from", "year_to"):
        if clean.get(key) is not None and not 1990 <= int(clean[key]) <= 2100:
            raise KnowhowError(_("A fiscal year is between 1990 and 2100."))
    if "roles" in clean:
        roles = clean["roles"] or {}
        clean["roles"] = {k: str(roles.get(k, "")).strip() for k in ROLE_KEYS if roles.get(k)}
    if "outcomes" in clean:
        outcomes = []
        for item in clean["outcomes"] or []:
            label = str(item.get("label", "")).strip()
            value = str(item.get("value", "")).strip()
            source = str(item.get("source", "")).strip()
            url = str(item.get("url", "")).strip()
            if not label:
                raise KnowhowError(_("Each outcome needs a description."))
            if value and not source:
                # The study's rule: a figure only where a public source gives it.
                raise KnowhowError(
                    _("The figure of “%(label)s” needs its source.") % {"label": label}
                )
            if url and not _url_ok(url):
                raise KnowhowError(_("Links start with https:// or http://."))
            outcomes.append({"label": label, "value": value, "source": source, "url": url})
        clean["outcomes"] = outcomes
    if "sources" in clean:
        sources = []
        for item in clean["sources"] or []:
            title = str(item.get("title", "")).strip()
            url = str(item.get("url", "")).strip()
            if not title:
                raise KnowhowError(_("Each source needs a title."))
            if url and not _url_ok(url):
                raise KnowhowError(_("Links start with https:// or http://."))
            sources.append({"title": title, "url": url})
        clean["sources"] = sources
    return clean


def _check_period(case: Case) -> None:
    if case.year_from and case.year_to and case.year_to < case.year_from:
        raise KnowhowError(_("The period ends before it starts."))


def missing_for_review(case: Case) -> list[str]:
    """What a case still needs before the office can review it (empty: ready)."""
    missing = []
    if not case.summary.strip():
        missing.append(_("a summary"))
    if not case.local_governments.exists():
        missing.append(_("the local governments"))
    if not case.challenges and not case.challenges_other:
        missing.append(_("at least one challenge"))
    if not case.success_points:
        missing.append(_("at least one success point (事業成功のポイント)"))
    if not case.spread_points:
        missing.append(_("at least one point for spreading (横展開のポイント)"))
    if not case.year_from:
        missing.append(_("the period"))
    return missing


# --- cases ----------------------------------------------------------------------------------


def _author_government(actor) -> LocalGovernment | None:
    return None if policy.can(actor, A.REVIEW_CASES) else actor.local_government


@transaction.atomic
def create_case_draft(
    *,
    title: str,
    local_governments: Sequence[LocalGovernment],
    actor,
    **fields: Any,
) -> Case:
    """A new draft case. Hosts draft for their own government; the office for any.

    ``dispatches.services.draft_case`` calls this to turn a finished dispatch into a draft.
    """
    author = _author_government(actor)
    policy.require(actor, A.DRAFT_CASE, author)
    local_governments = list(local_governments)
    if not local_governments:
        raise KnowhowError(_("Name at least one local government."))
    if author is not None and author.code not in {lg.code for lg in local_governments}:
        raise KnowhowError(_("A host drafts cases of its own local government."))
    clean = _clean_fields({"title": title, **fields})
    case = Case(author_government=author, created_by=actor, **clean)
    _check_period(case)
    case.save()
    case.local_governments.set(local_governments)
    record(
        actor=actor,
        action="knowhow.case.drafted",
        target=case,
        changes={"title": case.title, "local_governments": [lg.code for lg in local_governments]},
    )
    return case


def _snapshot(case: Case) -> dict[str, Any]:
    data = {key: getattr(case, key) for key in CASE_FIELDS}
    data["local_governments"] = sorted(lg.code for lg in case.local_governments.all())
    data["published_at"] = case.published_at.isoformat() if case.published_at else None
    return data


def _keep_version(case: Case, *, actor, note: str) -> None:
    CaseVersion.objects.get_or_create(
        case=case,
        number=case.version,
        defaults={"snapshot": _snapshot(case), "saved_by": actor, "note": note[:200]},
    )


def _index_case(case: Case) -> None:
    # The challenge names are indexed in Japanese whatever the language of the request that
    # published the case, so the index does not depend on who clicked.
    with translation.override("ja"):
        labels = " ".join(case.challenge_labels)
    parts = [
        case.summary,
        " ".join(
            dict.fromkeys(
                part for lg in case.local_governments.all() for part in (lg.prefecture, lg.name)
            )
        ),
        labels,
        *case.challenges_other,
        *case.success_points,
        *case.spread_points,
        *case.roles.values(),
        *(f"{o['label']} {o['value']}" for o in case.outcomes),
        case.body,
    ]
    search.index_document(CASE_KIND, case.pk, case.title, "\n".join(p for p in parts if p))


@transaction.atomic
def update_case(
    case: Case,
    *,
    actor,
    local_governments: Sequence[LocalGovernment] | None = None,
    note: str = "",
    **fields: Any,
) -> Case:
    """Change a case. A draft: its authors or the office. A published case: the office only;
    the version as it was is kept and the new one gets the next number."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.EDIT_CASE, case)
    note = _check_note(note)
    clean = _clean_fields(fields)
    was_published = case.is_published
    if was_published:
        _keep_version(case, actor=actor, note="")
    for key, value in clean.items():
        setattr(case, key, value)
    _check_period(case)
    if was_published:
        case.version += 1
    case.save()
    if local_governments is not None:
        local_governments = list(local_governments)
        if not local_governments:
            raise KnowhowError(_("Name at least one local government."))
        if case.author_government_id and case.author_government_id not in {
            lg.code for lg in local_governments
        }:
            raise KnowhowError(_("A host drafts cases of its own local government."))
        case.local_governments.set(local_governments)
    if was_published:
        CaseVersion.objects.create(
            case=case, number=case.version, snapshot=_snapshot(case), saved_by=actor, note=note
        )
        _index_case(case)
    record(
        actor=actor,
        action="knowhow.case.changed",
        target=case,
        changes={"fields": sorted(clean), "version": case.version},
        reason=note,
    )
    return case


@transaction.atomic
def submit_case(case: Case, *, actor) -> Case:
    """Send a complete draft to the office for review."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.SUBMIT_CASE, case)
    missing = missing_for_review(case)
    if missing:
        raise KnowhowError(_("Before review, add: %s.") % "、".join(missing))
    CASE_STATES.apply(case, S.IN_REVIEW, actor=actor, update_fields=["updated_at"])
    return case


@transaction.atomic
def publish_case(case: Case, *, actor) -> Case:
    """The office publishes a reviewed case: it becomes public, searchable, version kept."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.REVIEW_CASES, case)
    case.published_at = case.published_at or timezone.now()
    case.return_reason = ""
    if case.versions.filter(number=case.version).exists():
        # Published before, withdrawn and corrected: this publication is the next version.
        case.version += 1
    CASE_STATES.apply(
        case,
        S.PUBLISHED,
        actor=actor,
        update_fields=["published_at", "return_reason", "version", "updated_at"],
    )
    _keep_version(case, actor=actor, note=_("Published"))
    _index_case(case)
    return case


@transaction.atomic
def return_case(case: Case, *, actor, reason: str) -> Case:
    """The office sends a case in review back to its authors, saying what to change."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.REVIEW_CASES, case)
    _check_text(reason)
    if not reason.strip():
        raise KnowhowError(_("Say what the authors should change."))
    case.return_reason = reason.strip()
    CASE_STATES.apply(
        case,
        S.DRAFT,
        actor=actor,
        reason=case.return_reason,
        update_fields=["return_reason", "updated_at"],
    )
    return case


@transaction.atomic
def withdraw_case(case: Case, *, actor, reason: str) -> Case:
    """The office takes a published case off the public pages (its versions stay)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.REVIEW_CASES, case)
    _check_text(reason)
    if not reason.strip():
        raise KnowhowError(_("Give the reason for withdrawing the case."))
    CASE_STATES.apply(case, S.WITHDRAWN, actor=actor, reason=reason.strip())
    search.remove_document(CASE_KIND, case.pk)
    return case


@transaction.atomic
def reopen_case(case: Case, *, actor, reason: str) -> Case:
    """A withdrawn case goes back to draft so it can be corrected and reviewed again."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, A.REVIEW_CASES, case)
    _check_text(reason)
    CASE_STATES.apply(case, S.DRAFT, actor=actor, reason=reason.strip())
    return case


def _check_upload(upload: UploadedFile) -> tuple[str, str, File]:
    return check_upload(
        upload,
        error=KnowhowError,
        not_accepted=_(
            "Attach PDF, PNG, JPEG, Excel, Word or PowerPoint files (.%(ext)s is not accepted)."
        ),
    )


@transaction.atomic
def add_attachment(case: Case, *, actor, upload: UploadedFile, title: str) -> CaseAttachment:
    policy.require(actor, A.EDIT_CASE, case)
    extension, content_type, content = _check_upload(upload)
    return store_document(
        CaseAttachment,
        content,
        name=f"case-{case.pk}.{extension}",
        content_type=content_type,
        actor=actor,
        owner=case,
        action="knowhow.case.attachment_added",
        case=case,
        title=title.strip() or upload.name or "",
    )


@transaction.atomic
def remove_attachment(attachment: CaseAttachment, *, actor) -> None:
    policy.require(actor, A.EDIT_CASE, attachment.case)
    remove_document(
        attachment, actor=actor, owner=attachment.case, action="knowhow.case.attachment_removed"
    )


# --- manuals --------------------------------------------------------------------------------


def _index_manual(manual: Manual) -> None:
    search.index_document(MANUAL_KIND, manual.pk, manual.title, f"{manual.summary}\n{manual.body}")


@transaction.atomic
def create_manual(
    *,
    title: str,
    actor,
    body: str = "",
    summary: str = "",
    kind: str = Manual.Kind.MANUAL,
    theme: str = "",
    cases: Iterable[Case] = (),
    courses: Iterable[Any] = (),
    pdf: bytes | None = None,
) -> Manual:
    policy.require(actor, A.MANAGE_MANUALS)
    if not title.strip():
        raise KnowhowError(_("Give the manual a title."))
    if not body.strip() and pdf is None:
        raise KnowhowError(_("A manual has a text or a PDF."))
    if theme and theme not in Domain.values:
        raise KnowhowError(_("Choose a theme from the list."))
    manual = Manual.objects.create(
        title=title.strip(), body=body, summary=summary, kind=kind, theme=theme, created_by=actor
    )
    if pdf is not None:
        _save_pdf(manual, pdf)
    manual.cases.set(cases)
    manual.courses.set(courses)
    record(actor=actor, action="knowhow.manual.created", target=manual, changes={"title": title})
    return manual


def _save_pdf(manual: Manual, pdf: bytes) -> None:
    if not pdf.startswith(b"%PDF-"):
        raise KnowhowError(_("The file is not a PDF."))
    if len(pdf) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise KnowhowError(_("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB})
    check_pdf(io.BytesIO(pdf), error=KnowhowError)
    manual.pdf.save(f"manual-{manual.pk}-v{manual.version}.pdf", ContentFile(pdf), save=True)


@transaction.atomic
def update_manual(
    manual: Manual,
    *,
    actor,
    note: str,
    title: str | None = None,
    body: str | None = None,
    summary: str | None = None,
    pdf: bytes | None = None,
    kind: str | None = None,
    theme: str | None = None,
    cases: Iterable[Case] | None = None,
    courses: Iterable[Any] | None = None,
) -> Manual:
    """A new version of a manual; the previous one is kept (title, text, PDF)."""
    policy.require(actor, A.MANAGE_MANUALS)
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    note = _check_note(note)
    if not note:
        raise KnowhowError(_("Say what changed in this version."))
    ManualVersion.objects.get_or_create(
        manual=manual,
        number=manual.version,
        defaults={
            "title": manual.title,
            "body": manual.body,
            "pdf_name": (manual.pdf.name or "") if manual.pdf else "",
            "saved_by": actor,
        },
    )
    manual.version += 1
    if title is not None:
        manual.title = title.strip() or manual.title
    if body is not None:
        manual.body = body
    if summary is not None:
        manual.summary = summary
    if kind is not None:
        manual.kind = kind
    if theme is not None:
        if theme and theme not in Domain.values:
            raise KnowhowError(_("Choose a theme from the list."))
        manual.theme = theme
    manual.save()
    if cases is not None:
        manual.cases.set(cases)
    if courses is not None:
        manual.courses.set(courses)
    if pdf is not None:
        _save_pdf(manual, pdf)
    ManualVersion.objects.create(
        manual=manual,
        number=manual.version,
        title=manual.title,
        body=manual.body,
        pdf_name=(manual.pdf.name or "") if manual.pdf else "",
        saved_by=actor,
        note=note,
    )
    if manual.is_published:
        _index_manual(manual)
    record(
        actor=actor,
        action="knowhow.manual.changed",
        target=manual,
        changes={"version": manual.version},
        reason=note,
    )
    return manual


@transaction.atomic
def publish_manual(manual: Manual, *, actor) -> Manual:
    policy.require(actor, A.MANAGE_MANUALS)
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    manual.published_at = manual.published_at or timezone.now()
    MANUAL_STATES.apply(manual, Manual.State.PUBLISHED, actor=actor, update_fields=["published_at"])
    _index_manual(manual)
    return manual


@transaction.atomic
def withdraw_manual(manual: Manual, *, actor, reason: str) -> Manual:
    policy.require(actor, A.MANAGE_MANUALS)
    _check_text(reason)
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    MANUAL_STATES.apply(manual, Manual.State.WITHDRAWN, actor=actor, reason=reason)
    search.remove_document(MANUAL_KIND, manual.pk)
    return manual


# --- awards ---------------------------------------------------------------------------------


@transaction.atomic
def record_award(
    *,
    fiscal_year: int,
    name: str,
    decided_on: dt.date,
    selections: Sequence[tuple[Case, str, str]],
    actor,
) -> Award:
    """The office records the year's award: which published cases, which prize, why."""
    policy.require(actor, A.RECORD_AWARD)
    if Award.objects.filter(fiscal_year=fiscal_year).exists():
        raise KnowhowError(_("The award of this fiscal year is already recorded."))
    if not name.strip():
        raise KnowhowError(_("Name the award."))
    if not selections:
        raise KnowhowError(_("Select at least one case."))
    seen = set()
    for case, prize, citation in selections:
        if not case.is_published:
            raise KnowhowError(_("Only published cases can be awarded: %s") % case.title)
        if case.pk in seen:
            raise KnowhowError(_("A case is selected once: %s") % case.title)
        if not prize.strip() or not citation.strip():
            raise KnowhowError(_("Give each selected case its prize and citation."))
        if len(prize.strip()) > PRIZE_MAX:
            raise KnowhowError(
                _("A prize is at most %(max)s characters: %(prize)s")
                % {"max": PRIZE_MAX, "prize": prize.strip()}
            )
        _check_text(prize)
        _check_text(citation)
        seen.add(case.pk)
    award = Award.objects.create(
        fiscal_year=fiscal_year, name=name.strip(), decided_on=decided_on, recorded_by=actor
    )
    for case, prize, citation in selections:
        AwardSelection.objects.create(
            award=award, case=case, prize=prize.strip(), citation=citation.strip()
        )
    record(
        actor=actor,
        action="knowhow.award.recorded",
        target=award,
        changes={
            "fiscal_year": fiscal_year,
            "selections": [{"case": c.pk, "prize": p} for c, p, _c in selections],
        },
    )
    return award


@transaction.atomic
def rebuild_index() -> tuple[int, int]:
    """Index every published case and manual again, from scratch (management command)."""
    SearchEntry.objects.filter(kind__in=[CASE_KIND, MANUAL_KIND]).delete()
    cases = Case.objects.filter(state=S.PUBLISHED).prefetch_related("local_governments")
    for case in cases:
        _index_case(case)
    manuals = Manual.objects.filter(state=Manual.State.PUBLISHED)
    for manual in manuals:
        _index_manual(manual)
    record(
        actor=None,
        action="knowhow.search.rebuilt",
        target=None,
        changes={"cases": len(cases), "manuals": len(manuals)},
    )
    return len(cases), len(manuals)


def reindex_pseudonymised_cases(sender, *, pseudonym: str, **kwargs) -> None:
    """A published case that named an erased candidate now reads ``erased-<id>``: its search
    entry is rebuilt, so the index no longer holds the name (told by ``candidates.signals``)."""
    fields = [f.field for f in personal_data.fields_of("knowhow.Case")]
    for case in personal_data.containing(Case, fields, [pseudonym]).filter(
        state=Case.State.PUBLISHED
    ):
        _index_case(case)
