"""The notices a dispatch request sends (notices/kinds.py): the office's decision to the host,
and the commitment waiting for the head. Nothing else mails these, so they go by mail
unless the user turns it off."""

from django.utils.translation import gettext_lazy as _

from ciodispatch.notices.kinds import declare

declare(
    "requests.awaiting_signature",
    label=_("A request awaits your commitment"),
    sentence=_("The request “%(title)s” of %(host)s waits for your commitment as head."),
    mail_default=True,
)
declare(
    "requests.returned",
    label=_("Request returned"),
    sentence=_("Your request “%(title)s” was returned with comments: %(reason)s"),
    mail_default=True,
)
declare(
    "requests.approved",
    label=_("Request approved"),
    sentence=_("Your request “%(title)s” was approved."),
    mail_default=True,
)
declare(
    "requests.rejected",
    label=_("Request rejected"),
    sentence=_("Your request “%(title)s” was rejected: %(reason)s"),
    mail_default=True,
)
