"""Everything held about a candidate, for them to download (JSON and PDF)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch.audit.models import AuditEvent
from ciodispatch.candidates.choices import Domain, SkillRole
from ciodispatch.candidates.models import Application
from ciodispatch.core import pdf
from ciodispatch.core.dates import format_date
from ciodispatch.localgov.regions import Region


def _iso(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def personal_data(app: Application) -> dict:
    """The candidate's own data. Reviewers' identities and scores are not included: they are
    the programme's assessment, and the rules keep reviewers anonymous to candidates."""
    fields = [
        "family_name", "given_name", "family_name_kana", "given_name_kana", "date_of_birth",
        "email", "phone", "prefecture_code", "has_public_sector_experience", "domains",
        "domains_other", "earliest_start", "term_months", "work_pattern", "days_per_week",
        "work_place", "regions", "no_vendor_affiliations", "motivation", "consent_version",
        "consent_at", "state", "submitted_at", "decision_reason", "certified_at",
        "certified_until",
    ]  # fmt: skip
    # The file's own history; events about reviewers (assignments, scores, conflicts) are the
    # programme's and would name them.
    history = AuditEvent.objects.filter(
        object_type="candidates.application",
        object_id=str(app.pk),
        action__startswith="candidates.application.",
    ).order_by("at", "id")
    return {
        "account": {
            "username": app.user.get_username(),
            "email": app.user.email,
            "date_joined": _iso(app.user.date_joined),
        },
        "application": {name: _iso(getattr(app, name)) for name in fields},
        "career": [
            {
                "organisation": e.organisation,
                "role": e.role,
                "start_year": e.start_year,
                "end_year": e.end_year,
                "public_sector": e.public_sector,
                "description": e.description,
            }
            for e in app.career.all()
        ],
        "skills": [
            {"role": s.role, "level": s.level, "evidence": s.evidence} for s in app.skills.all()
        ],
        "vendor_affiliations": [
            {
                "vendor": v.vendor,
                "kind": v.kind,
                "start_date": _iso(v.start_date),
                "end_date": _iso(v.end_date),
            }
            for v in app.vendor_affiliations.all()
        ],
        "documents": {"cv": bool(app.cv), "cv_uploaded_at": _iso(app.cv_uploaded_at)},
        "interviews": [
            {"at": _iso(i.scheduled_at), "place": i.place} for i in app.interviews.all()
        ],
        "history": [
            {"at": _iso(e.at), "action": e.action, "changes": e.changes, "reason": e.reason}
            for e in history
        ],
        "exported_at": _iso(timezone.now()),
    }


def personal_data_pdf(app: Application) -> bytes:
    data = personal_data(app)
    s = pdf.styles()
    a = data["application"]
    domain_names, region_names = dict(Domain.choices), dict(Region.choices)
    story = [
        pdf.paragraph(_("Personal data held about you"), s["title"]),
        pdf.paragraph(_("CIO Dispatch, as of %s") % format_date(timezone.localdate()), s["center"]),
        pdf.Spacer(1, 6 * pdf.mm),
        pdf.paragraph(_("Identity and contact"), s["heading"]),
        pdf.key_value_table(
            [
                (_("Name"), app.full_name),
                (_("Reading"), app.full_name_kana),
                (_("Date of birth"), format_date(app.date_of_birth) if app.date_of_birth else "—"),
                (_("E-mail"), app.email),
                (_("Telephone"), app.phone),
                (_("User name"), data["account"]["username"]),
            ]
        ),
        pdf.paragraph(_("Application"), s["heading"]),
        pdf.key_value_table(
            [
                (_("State"), app.get_state_display()),
                (_("Domains"), "、".join(str(domain_names.get(d, d)) for d in app.domains)),
                (_("Earliest start"), a["earliest_start"] or "—"),
                (_("Term (months)"), str(app.term_months or "—")),
                (
                    _("Regions acceptable"),
                    "、".join(str(region_names.get(r, r)) for r in app.regions),
                ),
                (_("Certified until"), a["certified_until"] or "—"),
                (_("Statement of motivation"), app.motivation or "—"),
            ]
        ),
        pdf.paragraph(_("Career history"), s["heading"]),
        pdf.key_value_table(
            [
                (f"{e['start_year']}–{e['end_year'] or ''}", f"{e['organisation']} / {e['role']}")
                for e in data["career"]
            ]
            or [("—", "—")]
        ),
        pdf.paragraph(_("Skills"), s["heading"]),
        pdf.key_value_table(
            [
                (str(SkillRole(x["role"]).label), f"{x['level']}: {x['evidence']}")
                for x in data["skills"]
            ]
            or [("—", "—")]
        ),
        pdf.paragraph(_("Vendor affiliations"), s["heading"]),
        pdf.key_value_table(
            [
                (v["vendor"], f"{v['start_date']}–{v['end_date'] or ''}")
                for v in data["vendor_affiliations"]
            ]
            or [("—", _("none stated") if app.no_vendor_affiliations else "—")]
        ),
        pdf.paragraph(_("History of your file"), s["heading"]),
        pdf.key_value_table(
            [(h["at"][:16].replace("T", " "), h["action"]) for h in data["history"]] or [("—", "—")]
        ),
    ]
    return pdf.build(story, title=_("Personal data held about you"))
