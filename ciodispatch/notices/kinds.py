"""The kinds of notice: what each event says to the person it concerns, in their language.

Notices knows no app. Each app declares the notices it sends in its ``notices.py``
(discovered at start-up, as ``nav.py`` is) with ``declare``: a key, a label (the kind's name
on the preferences page and in the mail's subject), a sentence with ``%(name)s`` placeholders,
and whether it goes by mail unless the user says otherwise. A notice stores its kind and its
parameters, never the sentence, so each reader reads it in their own language.

``own_mail``: the app's service mails this event itself (before notices existed, to the same
people); such a notice is never mailed again, so no one gets it twice, and the preferences
page says the mail is sent anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Prepare = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class NoticeKind:
    key: str  # "requests.returned": the app's label, a dot, the event
    label: Promise  # "Request returned"
    sentence: Promise  # "Your request %(title)s was returned: %(reason)s"
    mail_default: bool = False
    own_mail: bool = False
    # Turns the stored parameters into what the sentence shows, in the active language
    # (a date in 和暦, a code's label); run each time a notice is read.
    prepare: Prepare | None = None
    position: int = 0  # the order on the preferences page

    def render(self, params: Mapping[str, Any]) -> str:
        shown = dict(self.prepare(params) if self.prepare else params)
        # A parameter missing from an old notice shows as nothing, never as an error.
        return str(self.sentence) % defaultdict(str, shown)

    @property
    def mailed(self) -> bool:
        """Whether notify may mail it (a kind the app mails itself never is)."""
        return not self.own_mail


KINDS: dict[str, NoticeKind] = {}

# A notice of a kind no longer declared still reads as words.
UNKNOWN = NoticeKind(key="", label=_("Notice"), sentence=_("Something changed that concerns you."))


def declare(
    key: str,
    *,
    label: Promise,
    sentence: Promise,
    mail_default: bool = False,
    own_mail: bool = False,
    prepare: Prepare | None = None,
) -> NoticeKind:
    """Declare a kind of notice; a second kind with the same key is refused at start-up."""
    if key in KINDS:
        raise ValueError(f"A second notice kind {key!r}")
    found = NoticeKind(
        key=key,
        label=label,
        sentence=sentence,
        mail_default=mail_default,
        own_mail=own_mail,
        prepare=prepare,
        position=len(KINDS),
    )
    KINDS[key] = found
    return found


def kind_of(key: str) -> NoticeKind:
    return KINDS.get(key, UNKNOWN)


# Who the programme office is and how to reach it, for the foot of every mail. The accounts
# app, which holds the office's organisation, registers it (accounts/notices.py); notices sits
# below accounts and does not import it.
_contact: list[Callable[[], str]] = []


def office_contact(function: Callable[[], str]) -> Callable[[], str]:
    """Register the function that writes the programme office's contact (a few lines)."""
    _contact[:] = [function]
    return function


def contact_lines() -> str:
    return _contact[0]() if _contact else ""
