"""The people and records the pages are read as, found by query, and their sessions.

Sessions are written server-side into the session store the server reads (the database), so
no sign-in form, password or second factor is typed: an office account's session carries the
id of one of its confirmed devices under django_otp's session key, which is what
``OTPMiddleware`` checks on every request. An office account without any confirmed device gets
a TOTP device named ``bench-pages`` for the run, deleted afterwards with the sessions.
"""

import time
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

BENCH_DEVICE_NAME = "bench-pages"
# The database session engines: a session written here is read by the server's processes.
SHARED_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


class NoSample(Exception):
    """The database holds no record a page needs (say which, so the table can)."""


@dataclass
class Samples:
    """Who reads the pages and what about; ``missing`` says what could not be found."""

    office: object | None = None
    host: object | None = None
    host_request: object | None = None
    host_dispatch: object | None = None
    candidate: object | None = None
    rank_round: object | None = None
    match_round: object | None = None
    match_run: object | None = None
    audit_actor: str = ""
    missing: dict[str, str] = field(default_factory=dict)


def find_samples() -> Samples:
    from ciodispatch.accounts.models import Role, User
    from ciodispatch.audit.models import AuditEvent
    from ciodispatch.candidates.models import Application
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.matchround.models import MatchRound, MatchRun

    found = Samples()
    # The office: an active officer, one with a confirmed device first (no device is made).
    officers = User.objects.filter(role=Role.OFFICE_OFFICER, is_active=True)
    found.office = (
        officers.annotate(devices=_confirmed_devices()).order_by("-devices", "pk").first()
    )
    if found.office is None:
        found.missing["office"] = "no active office officer"

    # The host: a liaison of the host of an active dispatch (its request and its dispatch).
    liaisons = User.objects.filter(
        role=Role.HOST_LIAISON,
        is_active=True,
        organisation__local_government=OuterRef("request__host"),
    )
    active = (Dispatch.State.ACTIVE, Dispatch.State.EXTENDED)
    dispatch = (
        Dispatch.objects.filter(state__in=active)
        .filter(Exists(liaisons))
        .select_related("request")
        .order_by("pk")
        .first()
    )
    if dispatch is None:
        found.missing["host"] = "no active dispatch whose host has a liaison account"
    else:
        found.host_dispatch = dispatch
        found.host_request = dispatch.request
        found.host = (
            User.objects.filter(
                role=Role.HOST_LIAISON,
                is_active=True,
                organisation__local_government=dispatch.request.host,
            )
            .order_by("pk")
            .first()
        )

    # The candidate: in the round open to candidates' rankings (the one the ranking page
    # shows), certified today, with a saved ranking; the longest such ranking first.
    phases = [
        MatchRound.Phase.CANDIDATES_RANK,
        MatchRound.Phase.HOSTS_RANK,
        MatchRound.Phase.RUN,
        MatchRound.Phase.REVIEW,
    ]
    found.rank_round = MatchRound.objects.filter(phase__in=phases).first()
    certified = Application.objects.filter(
        state=Application.State.CERTIFIED,
        certified_until__gte=timezone.localdate(),
        user__is_active=True,
    )
    if found.rank_round is not None:
        from ciodispatch.matchround import services as matchround

        rankings = found.rank_round.candidate_rankings.filter(
            application__in=certified
        ).select_related("application__user")
        for ranking in sorted(rankings, key=lambda r: (-len(r.posts), r.pk))[:20]:
            if not matchround.unavailable_reason(found.rank_round, ranking.application):
                found.candidate = ranking.application.user
                break
    if found.candidate is None:
        application = certified.select_related("user").order_by("pk").first()
        found.candidate = application.user if application else None
        found.missing["ranking page"] = (
            "no round open to rankings with an available ranked candidate: the page shows "
            "its no-round message"
            if found.candidate
            else "no certified candidate"
        )

    # The office's round: the newest with posts, and its latest succeeded run for the review.
    found.match_round = (
        MatchRound.objects.annotate(n=Count("posts")).filter(n__gt=0).order_by("-pk").first()
    )
    runs = MatchRun.objects.filter(status=MatchRun.Status.SUCCEEDED)
    if found.match_round is not None:
        found.match_run = runs.filter(match_round=found.match_round).first() or runs.first()
    if found.match_round is None:
        found.missing["round"] = "no matching round with posts"
    if found.match_run is None:
        found.missing["round review"] = "no succeeded matching run"

    event = (
        AuditEvent.objects.filter(actor=found.office).first() if found.office else None
    ) or AuditEvent.objects.exclude(actor=None).first()
    found.audit_actor = event.actor_label if event else ""
    if not found.audit_actor:
        found.missing["audit log, one actor"] = "no audit event with an actor"
    return found


def _confirmed_devices():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    totp = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    static = StaticDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return Exists(totp) | Exists(static)


class Sessions:
    """Signed-in sessions written into the database, removed by ``close()``."""

    def __init__(self):
        if settings.SESSION_ENGINE not in SHARED_SESSION_ENGINES:
            raise RuntimeError(
                f"SESSION_ENGINE={settings.SESSION_ENGINE!r}: the benchmark writes sessions the "
                "server must read; it needs a database session engine."
            )
        self._store = import_module(settings.SESSION_ENGINE).SessionStore
        self._keys: list[str] = []
        self._devices: list = []

    def sign_in(self, user) -> str:
        """A session key under which ``user`` is signed in, second factor passed if needed."""
        from django_otp import DEVICE_ID_SESSION_KEY

        from ciodispatch.accounts.sessions import LAST_SEEN

        session = self._store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[LAST_SEEN] = int(time.time())
        if user.requires_second_factor:
            session[DEVICE_ID_SESSION_KEY] = self._device(user).persistent_id
        session.save()
        self._keys.append(session.session_key)
        return session.session_key

    def _device(self, user):
        from django_otp import devices_for_user
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = next(iter(devices_for_user(user, confirmed=True)), None)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=BENCH_DEVICE_NAME, confirmed=True)
            self._devices.append(device)
        return device

    def close(self) -> None:
        for key in self._keys:
            self._store(session_key=key).delete()
        for device in self._devices:
            device.delete()
        self._keys, self._devices = [], []
