"""Create forms are sent once: a double (or fivefold) click makes one row.

Every create form renders ``{% form_token %}`` (``core_forms`` tags): a hidden input with a
fresh random token. Its view carries ``@once_per_form_token`` below ``policy.guard``. The first
POST with a token records it (``core.FormSubmission``, unique per owner and token) in the same
transaction as the view; a POST with a token already recorded does not run the view again but
is sent where the first answer sent the user, with a message saying the form was saved once.

Duplicates that arrive at the same time are kept apart by the database's unique constraint:
the second INSERT waits for the first transaction (PostgreSQL waits on the uncommitted key;
SQLite on the write lock) and then fails, and the second is answered as a duplicate. If the
view does not redirect (the form is shown again with its errors) or redirects with an error
message (a refusal told by ``refusal_to_message``), the token is released, so the corrected
form can be sent; the page shown again carries a new token anyway.

A POST without a token is processed as before: API clients and scripts send none.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from ciodispatch.core.models import FormSubmission
from ciodispatch.core.ratelimit import client_address

FIELD = "form_token"
KEPT_FOR = dt.timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _owner(request) -> str:
    """Whose token it is: the user, else the visitor's session, else their browser (its CSRF
    cookie), else their address. A page a cache served to many visitors carries one token for
    all of them: each still sends it once."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key:
        return f"session:{key}"
    browser = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if browser:
        return f"browser:{_keyed(browser)}"
    return f"client:{_keyed(client_address(request))}"


def _keyed(value: str) -> str:
    """A keyed hash: the table holds no cookie or address, yet equal ones meet."""
    return hmac.new(str(settings.SECRET_KEY).encode(), value.encode(), hashlib.sha256).hexdigest()


def _hashed(token: str) -> str:
    # The client writes the token: hashed, any length fits the column.
    return hashlib.sha256(token.encode()).hexdigest()


def _redirect_location(response) -> str | None:
    if response.status_code in (301, 302, 303, 307, 308) and response.has_header("Location"):
        return response["Location"]
    return None


def _errors_queued(request) -> int:
    """How many error messages the request has queued (a refusal told by
    ``refusal_to_message``, or an invalid form told by hand): such a redirect saved nothing."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.ERROR)


def _already_sent(request, owner: str, token: str):
    sent = FormSubmission.objects.filter(owner=owner, token=token).first()
    messages.info(request, _("This form was already sent; it was saved once."))
    location = sent.location if sent is not None and sent.location else request.get_full_path()
    return HttpResponseRedirect(location)


def once_per_form_token(view: Callable) -> Callable:
    """Decorate the view of a create form: a second POST of the same form token is answered
    with the first one's redirect. Put it below ``policy.guard``, so the policy decides first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        raw = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not raw:
            return view(request, *args, **kwargs)
        owner, token = _owner(request), _hashed(raw)
        try:
            with transaction.atomic():
                sent = FormSubmission.objects.create(
                    owner=owner, token=token, path=request.path[:300]
                )
                errors_before = _errors_queued(request)
                response = view(request, *args, **kwargs)
                location = _redirect_location(response)
                if location is None or _errors_queued(request) > errors_before:
                    # Shown again with its errors, or refused: the corrected form may be sent.
                    sent.delete()
                else:
                    sent.location = location[:500]
                    sent.save(update_fields=["location"])
                return response
        except IntegrityError:
            # Only the token's row is unique here: another sending of this form got it first.
            if not FormSubmission.objects.filter(owner=owner, token=token).exists():
                raise
            return _already_sent(request, owner, token)

    wrapped.form_token_required = True  # type: ignore[attr-defined] # read by the tests
    return wrapped


def purge_sent(now: dt.datetime | None = None) -> int:
    """Delete the tokens sent more than a day ago (``ciodispatch purge_form_tokens``, daily):
    nobody double-clicks a day apart."""
    deleted, _by_model = FormSubmission.objects.filter(
        sent_at__lt=(now or timezone.now()) - KEPT_FOR
    ).delete()
    return deleted
