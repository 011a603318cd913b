"""The notice of appointment (辞令・派遣通知) as PDF, in Japanese whatever the page language."""

from django.utils import timezone, translation

from ciodispatch.core import pdf
from ciodispatch.core.dates import format_date
from ciodispatch.dispatches.models import Dispatch
from ciodispatch.requests.models import AppointmentForm

ISSUER = "認定CIO派遣制度 事務局"
FORM_NAMES_JA = {
    AppointmentForm.SPECIAL_PART_TIME: "特別職非常勤職員",
    AppointmentForm.FIXED_TERM: "任期付職員",
    AppointmentForm.OUTSOURCING: "業務委託",
    AppointmentForm.SECONDMENT: "出向",
    AppointmentForm.SIDE_JOB: "副業（週1〜3日）",
}


def notice_pdf(dispatch: Dispatch) -> bytes:
    """The notice for a confirmed appointment: who goes where, in what form, for how long,
    with which authority. Issued once the CIO confirms; re-issued if the appointment changes."""
    if dispatch.notice_issued_at is None or not dispatch.notice_number:
        raise ValueError("The notice is issued once the CIO confirms the appointment.")
    assert dispatch.start_date is not None and dispatch.end_date is not None
    s = pdf.styles()
    with translation.override("ja"):
        issued = format_date(timezone.localdate(dispatch.notice_issued_at))
        start, end = format_date(dispatch.start_date), format_date(dispatch.end_date)
    months = dispatch.term_months()
    extended = dispatch.extensions.filter(state="approved").exists()
    rows = [
        ("通知番号", dispatch.notice_number),
        ("派遣される認定CIO", dispatch.cio_name),
        ("派遣先", dispatch.host_name),
        ("任用形態", FORM_NAMES_JA.get(dispatch.appointment_form, dispatch.appointment_form)),
        ("派遣期間", f"{start} から {end} まで（{months}か月）"),
        ("勤務日数", f"週{dispatch.days_per_week}日"),
        ("報酬", f"月額 {dispatch.pay_yen_per_month:,}円"),
    ]
    if dispatch.request.is_joint:
        members = "、".join(m.name for m in dispatch.request.members())
        rows.insert(3, ("共同要請の構成団体", members))
    flowables = [
        pdf.paragraph(dispatch.notice_number, s["small"]),
        pdf.Spacer(1, 8 * pdf.mm),
        pdf.paragraph("辞令・派遣通知", s["title"]),
        pdf.paragraph(f"{dispatch.cio_name} 殿", s["heading"]),
        pdf.Spacer(1, 4 * pdf.mm),
        pdf.paragraph(
            f"認定CIO派遣制度に基づき、あなたを{dispatch.host_name}に派遣します。"
            "派遣の条件は次のとおりです。",
            s["body"],
        ),
        pdf.Spacer(1, 6 * pdf.mm),
        pdf.key_value_table(rows),
        # The authority can be long: a paragraph of its own, which may run onto a next page.
        pdf.paragraph("付与される権限", s["heading"]),
        pdf.paragraph(dispatch.authority_statement, s["body"]),
        pdf.Spacer(1, 6 * pdf.mm),
        pdf.paragraph(
            "派遣先の長は、要請において確約したとおり、上記の権限と実施体制（連絡担当・"
            "カウンターパート）を派遣期間中確保するものとします。",
            s["body"],
        ),
        pdf.Spacer(1, 16 * pdf.mm),
        pdf.paragraph(issued + ("（期間延長により再発行）" if extended else ""), s["body"]),
        pdf.paragraph(ISSUER, s["heading"]),
        pdf.Spacer(1, 10 * pdf.mm),
        pdf.paragraph("この通知の真正性は、通知番号により事務局に照会できます。", s["small"]),
    ]
    return pdf.build(flowables, title=f"辞令・派遣通知 {dispatch.notice_number}", author=ISSUER)
