from dataclasses import dataclass

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.localgov.services import BUNDLED_REGISTRY, create_group, import_local_governments

PASSWORD = "correct-horse-battery-2026"


def load_registry() -> None:
    if not LocalGovernment.objects.exists():
        import_local_governments(BUNDLED_REGISTRY, actor=None)


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Service messages are checked in English; pages still default to Japanese per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def one_recipient_per_message():
    """Every message the system sends goes to one person: exactly one address in To, none in
    Cc or Bcc, so no one learns another's address (docs/security.md)."""
    yield
    from django.core import mail

    for message in getattr(mail, "outbox", []):
        assert len(message.to) == 1 and not message.cc and not message.bcc, (
            f"a message to several people: {message.subject!r} to {message.to} "
            f"cc {message.cc} bcc {message.bcc}; send through core.mail.mail_after_commit"
        )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 1,788 local governments once; each test's transaction rolls back over them."""
    with django_db_blocker.unblock():
        load_registry()


@pytest.fixture
def registry(db):
    # Transactional tests (the browser journeys) empty the tables after each test.
    load_registry()


def lg(code: str) -> LocalGovernment:
    return LocalGovernment.objects.get(code=code)


@dataclass
class Personas:
    office: User
    office_admin: User
    reviewer: User
    candidate1: User
    candidate2: User
    host1: User
    host1_head: User
    host2: User
    pref1: User
    pref_fukuoka: User
    host_fukuoka: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


def make_personas() -> Personas:
    """The named people of the tests, built through the real services."""
    office_org = accounts.get_or_create_programme_office(actor=None)

    def host_org(code):
        return accounts.get_or_create_local_government_organisation(lg(code), actor=None)

    def user(username, role, organisation):
        return accounts.create_user(
            username=username,
            role=role,
            organisation=organisation,
            password=PASSWORD,
            actor=None,
            email=f"{username}@example.jp",
        )

    return Personas(
        office=user("office", Role.OFFICE_OFFICER, office_org),
        office_admin=user("office-admin", Role.OFFICE_ADMIN, office_org),
        reviewer=user("reviewer", Role.REVIEWER, office_org),
        candidate1=user("candidate1", Role.CANDIDATE, None),
        candidate2=user("candidate2", Role.CANDIDATE, None),
        host1=user("host1", Role.HOST_LIAISON, host_org("412040")),
        host1_head=user("host1-head", Role.HOST_HEAD, host_org("412040")),
        host2=user("host2", Role.HOST_LIAISON, host_org("412091")),
        pref1=user("pref1", Role.PREFECTURE_COORDINATOR, host_org("410004")),
        pref_fukuoka=user("pref-fukuoka", Role.PREFECTURE_COORDINATOR, host_org("400009")),
        host_fukuoka=user("host-fukuoka", Role.HOST_LIAISON, host_org("403458")),
    )


@pytest.fixture
def personas(registry) -> Personas:
    return make_personas()


@pytest.fixture
def saga_group(personas):
    return create_group(
        name="佐賀県 西部DX共同推進",
        lead=lg("410004"),
        members=[lg("412040"), lg("412091")],
        actor=personas.pref1,
    )


def enrol_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def verified_client(client, user: User):
    """A test client signed in as ``user``, with the second factor passed where required."""
    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_totp(user)
        device.last_t = -1  # a second sign-in in the same 30 s may reuse the code, in tests only
        device.save(update_fields=["last_t"])
        response = client.post("/accounts/two-factor/", {"token": current_token(device)})
        assert response.status_code == 302, response.content
    return client


def run_task_queue():
    """Run the database task queue to completion, as ``db_worker`` does.

    The worker closes "old" connections between tasks; inside a test's transaction that
    would close the test's own connection (on PostgreSQL), so that step is skipped here.
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
