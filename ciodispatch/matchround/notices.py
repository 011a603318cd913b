"""The notices of the matching round (notices/kinds.py). The service mails the result itself."""

from django.utils.translation import gettext_lazy as _

from ciodispatch.notices.kinds import declare

declare(
    "matchround.published",
    label=_("Matching result published"),
    sentence=_(
        "The result of %(round)s is published: read your result and, for each choice you did "
        "not get, why."
    ),
    own_mail=True,
)
