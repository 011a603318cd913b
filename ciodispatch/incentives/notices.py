"""The notices of incentive claims (notices/kinds.py). The service mails the host itself."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from ciodispatch.core.dates import format_fiscal_year
from ciodispatch.notices.kinds import declare


def _shown(params: Mapping[str, Any]) -> dict[str, Any]:
    shown = dict(params)
    if isinstance(params.get("year"), int):
        shown["year"] = format_fiscal_year(params["year"])
    if isinstance(params.get("amount"), int):
        shown["amount"] = f"{params['amount']:,}"
    return shown


# Every claim notice: the service mails the host itself; the year and amount are shown as
# officials read them.
CLAIM_NOTICE: dict[str, Any] = {"own_mail": True, "prepare": _shown}

declare(
    "incentives.claim_approved",
    label=_("Claim approved"),
    sentence=_("The claim of %(host)s for %(year)s (%(programme)s) was approved: %(amount)s yen."),
    **CLAIM_NOTICE,
)
declare(
    "incentives.claim_returned",
    label=_("Claim returned for correction"),
    sentence=_(
        "The claim of %(host)s for %(year)s (%(programme)s) was returned for correction: %(reason)s"
    ),
    **CLAIM_NOTICE,
)
declare(
    "incentives.claim_rejected",
    label=_("Claim rejected"),
    sentence=_("The claim of %(host)s for %(year)s (%(programme)s) was rejected: %(reason)s"),
    **CLAIM_NOTICE,
)
