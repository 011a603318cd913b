"""Rate limits kept in the database, so every process and server shares them.

Django's cache is per process here (LocMem), so a counter in it would let a script spread its
attempts over the workers. ``consume`` counts attempts per key in a window that starts at the
key's first attempt, with one conditional UPDATE (or one INSERT) per attempt, which SQLite and
PostgreSQL both run atomically: two attempts at once cannot both take the last one allowed.

``limit_anonymous_posts`` guards the anonymous forms (event registration, candidate sign-up,
and the password-reset page to come): each POST by a visitor who is not signed in counts per
client address and, when the form has one, per e-mail address. Over the limit the visitor gets
a 429 page, in the site's layout, saying when to try again. ``core.mail.mail_once_after_commit``
uses the same counter for "one mail per address per kind per hour".

The client address is ``REMOTE_ADDR`` and nothing else: X-Forwarded-For is written by the
client and is not trusted. Behind a reverse proxy ``REMOTE_ADDR`` is the proxy's, so every
visitor shares one counter; set ``TRUSTED_PROXY_COUNT`` and
``core.middleware.ForwardedClientAddressMiddleware`` puts the visitor's address, as the
proxies appended it to X-Forwarded-For, into ``REMOTE_ADDR`` (docs/operations.md). An IPv6 address
counts by its /64, the block one subscriber usually holds.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from ciodispatch.core.models import RateLimitWindow


def _key(value: str) -> str:
    """A keyed hash of the address: the table holds no address, yet equal ones meet."""
    secret = str(settings.SECRET_KEY).encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def consume(scope: str, value: str, *, limit: int, window: dt.timedelta) -> dt.datetime | None:
    """Count one attempt by ``value`` under ``scope``. None if it is allowed; else the time
    from which the next one will be (the end of the window that its first attempt opened).
    A refused attempt is not counted, so the window never grows longer."""
    key = _key(value)
    rows = RateLimitWindow.objects.filter(scope=scope, key=key)
    for _attempt in range(2):
        now = timezone.now()
        if rows.filter(window_ends_at__gt=now, count__lt=limit).update(count=F("count") + 1):
            return None
        if rows.filter(window_ends_at__lte=now).update(window_ends_at=now + window, count=1):
            return None
        ends = rows.values_list("window_ends_at", flat=True).first()
        if ends is not None:
            return max(ends, now)
        try:
            with transaction.atomic():
                RateLimitWindow.objects.create(
                    scope=scope, key=key, window_ends_at=now + window, count=1
                )
            return None
        except IntegrityError:
            continue  # another attempt created the row meanwhile: count against it
    return timezone.now() + window


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the windows that have ended (``ciodispatch purge_rate_limits``, daily)."""
    deleted, _by_model = RateLimitWindow.objects.filter(
        window_ends_at__lte=now or timezone.now()
    ).delete()
    return deleted


def client_address(request) -> str:
    """``REMOTE_ADDR`` (see the module's docstring for proxies); IPv6 by its /64."""
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def check_anonymous_post(request, scope: str, *, email: str = "") -> dt.datetime | None:
    """Count one anonymous POST of the form ``scope`` by its client address and (if given)
    its e-mail address. None if allowed, else when the visitor may try again."""
    window = dt.timedelta(minutes=settings.ANONYMOUS_POST_WINDOW_MINUTES)
    refusals = [
        consume(
            f"{scope}:client",
            client_address(request),
            limit=settings.ANONYMOUS_POSTS_PER_CLIENT,
            window=window,
        )
    ]
    email = email.strip().lower()
    if email:
        refusals.append(
            consume(
                f"{scope}:email", email, limit=settings.ANONYMOUS_POSTS_PER_EMAIL, window=window
            )
        )
    return max((when for when in refusals if when is not None), default=None)


def too_many_attempts(request, retry_at: dt.datetime):
    """The 429 page: what happened and when to try again, in words."""
    seconds = max(int((retry_at - timezone.now()).total_seconds()), 1)
    response = render(
        request,
        "core/429.html",
        {"retry_at": timezone.localtime(retry_at), "minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def limit_anonymous_posts(scope: str, *, email_field: str | None = None) -> Callable:
    """Decorate a view whose form anyone may send: over the limits, a visitor who is not
    signed in gets the 429 page instead of the view. Put it below ``policy.guard``, so the
    policy decides first."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and not request.user.is_authenticated:
                email = request.POST.get(email_field, "") if email_field else ""
                retry_at = check_anonymous_post(request, scope, email=email)
                if retry_at is not None:
                    return too_many_attempts(request, retry_at)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
