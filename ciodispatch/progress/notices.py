"""The notices of a term's progress (notices/kinds.py). The service mails the host itself."""

from django.utils.translation import gettext_lazy as _

from ciodispatch.notices.kinds import declare

declare(
    "progress.report_submitted",
    label=_("Monthly report submitted"),
    sentence=_("The CIO at %(host)s submitted the monthly report for %(month)s."),
    own_mail=True,
)
