"""How long a sign-in lasts and how hard it is to guess one: the idle timeout, the key rotated on
every gain of privilege, and the limit on failed sign-ins from one address across user names."""

import time
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import warning
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login

LAST_SEEN = "last_seen"
# The last-seen time is written at most this often (seconds), not on every request.
_TOUCH_EVERY = 60


def idle_timeout(user) -> int:
    """Seconds without a request after which ``user`` must sign in again."""
    if getattr(user, "requires_second_factor", False):
        return settings.OFFICE_IDLE_TIMEOUT_MINUTES * 60
    return settings.IDLE_TIMEOUT_MINUTES * 60


def second_factor_passed(request, device) -> None:
    """Mark the session verified and give it a new key: a key seen before the second factor
    (by a shoulder, a log or a fixation attack) is worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()


def failed_sign_ins_from(request) -> int:
    """Failed sign-ins from this client address in the lock window, over every user name."""
    address = get_client_ip_address(request)
    if not address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return found.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request) -> bool:
    return failed_sign_ins_from(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


class IdleTimeoutMiddleware:
    """Sign out a user who has sent no request for their idle timeout, and say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > idle_timeout(user):
                minutes = idle_timeout(user) // 60
                logout(request)
                warning(
                    request,
                    _(
                        "You were signed out after %(minutes)s minutes without activity, to "
                        "protect the data on this page. Sign in again to go on."
                    )
                    % {"minutes": minutes},
                )
                login = reverse(settings.LOGIN_URL)
                if request.method == "GET":
                    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
                return redirect(login)
            if last_seen is None or now - last_seen >= _TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
