"""Documents made from training records: the certificate (PDF) and the calendar feed (ICS)."""

import datetime as dt

from django.utils import timezone, translation
from icalendar import Calendar, Event

from ciodispatch.core import pdf
from ciodispatch.core.dates import format_date
from ciodispatch.training.models import Enrolment

ISSUER = "認定CIO派遣制度 事務局"
TRACK_NAMES_JA = {
    "public_sector": "公共での仕事の進め方（認定CIO向け研修）",
    "readiness": "外部人材活用研修（受入れ自治体向け研修）",
}


def certificate_pdf(enrolment: Enrolment) -> bytes:
    """修了証書 for a completed enrolment, in Japanese whatever the page language."""
    if enrolment.state != Enrolment.State.COMPLETED or not enrolment.certificate_number:
        raise ValueError("Only a completed enrolment has a certificate.")
    course = enrolment.session.course
    assert enrolment.completed_at is not None
    completed_on = timezone.localdate(enrolment.completed_at)
    s = pdf.styles()
    with translation.override("ja"):
        completed_label = format_date(completed_on)
        session_label = format_date(timezone.localdate(enrolment.session.starts_at))
    name = enrolment.user.display_name
    rows = [
        ("氏名", name),
        ("研修名", course.title),
        ("研修区分", TRACK_NAMES_JA[course.track]),
        ("受講日", session_label),
        ("修了日", completed_label),
        ("証書番号", enrolment.certificate_number),
    ]
    if course.has_assessment and enrolment.score is not None:
        rows.insert(4, ("修了評価", f"{enrolment.score}点（合格基準 {course.pass_score}点）"))
    flowables = [
        pdf.Spacer(1, 15 * pdf.mm),
        pdf.paragraph("修了証書", s["title"]),
        pdf.paragraph(f"{name} 殿", s["heading"]),
        pdf.Spacer(1, 6 * pdf.mm),
        pdf.paragraph(
            f"あなたは認定CIO派遣制度の研修「{course.title}」を修了したことを証します。",
            s["body"],
        ),
        pdf.Spacer(1, 8 * pdf.mm),
        pdf.key_value_table(rows),
        pdf.Spacer(1, 20 * pdf.mm),
        pdf.paragraph(completed_label, s["body"]),
        pdf.paragraph(ISSUER, s["heading"]),
        pdf.Spacer(1, 10 * pdf.mm),
        pdf.paragraph("この証書の真正性は、証書番号により事務局に照会できます。", s["small"]),
    ]
    return pdf.build(flowables, title=f"修了証書 {enrolment.certificate_number}", author=ISSUER)


def calendar_ics(user, enrolments, *, url_for_session) -> bytes:
    """One person's training sessions as an iCalendar feed.

    Cancelled places stay in the feed marked CANCELLED, so calendar apps remove the event.
    ``url_for_session(session)`` gives the absolute address of a session's page.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//CIO Dispatch//Training//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "認定CIO派遣制度 研修")
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    stamp = timezone.now().astimezone(dt.UTC)
    for enrolment in enrolments:
        session = enrolment.session
        event = Event()
        event.add("uid", f"training-enrolment-{enrolment.pk}@ciodispatch")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        event.add("summary", session.course.title)
        location = session.place or ""
        if session.online:
            location = f"{location}（オンライン）" if location else "オンライン"
        if location:
            event.add("location", location)
        link = url_for_session(session)
        event.add("url", link)
        description = [TRACK_NAMES_JA[session.course.track], link]
        if session.online and session.url:
            description.insert(1, f"オンライン会議: {session.url}")
        event.add("description", "\n".join(description))
        event.add(
            "status", "CANCELLED" if enrolment.state == Enrolment.State.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return calendar.to_ical()
