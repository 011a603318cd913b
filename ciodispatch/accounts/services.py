"""Writes to accounts and organisations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ciodispatch import policy
from ciodispatch.accounts.models import Organisation, User, role_organisation_problem
from ciodispatch.accounts.passwords import DEMO_BACKUP_CODE
from ciodispatch.audit.services import diff, record

DEMO_DEVICE_NAME = "demo-backup"


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    organisation: Organisation | None,
    password: str | None,
    actor,
    email: str = "",
    last_name: str = "",
    first_name: str = "",
) -> User:
    """Create an account with a role in an organisation (actor None: a command or the demo)."""
    problem = role_organisation_problem(role, organisation)
    if problem:
        raise ValidationError(str(problem))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The user name “%s” is taken.") % username)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        email=email,
        last_name=last_name,
        first_name=first_name,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        changes={"role": role, "organisation": organisation.pk if organisation else None},
    )
    return user


@transaction.atomic
def get_or_create_local_government_organisation(local_government, *, actor) -> Organisation:
    organisation = Organisation.objects.filter(local_government=local_government).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.LOCAL_GOVERNMENT,
            name=str(local_government),
            local_government=local_government,
        )
        record(actor=actor, action="accounts.organisation_created", target=organisation)
    return organisation


@transaction.atomic
def get_or_create_programme_office(*, actor) -> Organisation:
    organisation = Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME_OFFICE).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.PROGRAMME_OFFICE,
            name="認定CIO派遣制度 事務局",
        )
        record(actor=actor, action="accounts.organisation_created", target=organisation)
    return organisation


CONTACT_FIELDS = ("contact_department", "contact_email", "contact_phone")


@transaction.atomic
def update_organisation_contact(organisation: Organisation, *, actor, **values) -> Organisation:
    """Change who to contact at an organisation (department, e-mail, telephone).

    ``actor`` None is the system (commands, the demo), which the policy does not restrict.
    """
    if actor is not None:
        policy.require(actor, policy.Action.CHANGE_ORGANISATION, organisation)
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"not contact fields: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(organisation, name) for name in CONTACT_FIELDS}
    for name, value in values.items():
        setattr(organisation, name, value.strip())
    organisation.full_clean()
    after = {name: getattr(organisation, name) for name in CONTACT_FIELDS}
    changes = diff(before, after)
    if changes:
        organisation.save(update_fields=list(changes))
        record(
            actor=actor,
            action="accounts.organisation_contact_changed",
            target=organisation,
            changes=changes,
        )
    return organisation


@transaction.atomic
def change_password(form, *, actor) -> User:
    """Save a validated PasswordChangeForm for ``actor`` (the value is never recorded)."""
    user = form.save()
    record(actor=actor, action="accounts.password_changed", target=user)
    return user


def verify_second_factor(user: User, token: str):
    """The device that accepts ``token`` for ``user`` (TOTP or backup code), or None.

    In demo mode the documented demo backup code is put back after use, so it keeps working.
    """
    token = "".join(token.split())
    device = match_token(user, token)
    if (
        device is not None
        and settings.DEMO_MODE
        and isinstance(device, StaticDevice)
        and device.name == DEMO_DEVICE_NAME
        and token == DEMO_BACKUP_CODE
    ):
        device.token_set.get_or_create(token=DEMO_BACKUP_CODE)
    return device


def second_factor_wait(user: User) -> int:
    """Seconds until the user's devices accept another try after wrong codes (0: now)."""
    from django.utils import timezone
    from django_otp import devices_for_user

    wait = 0
    for device in devices_for_user(user, confirmed=None):
        allowed, data = device.verify_is_allowed()
        locked_until = (data or {}).get("locked_until")
        if not allowed and locked_until is not None:
            wait = max(wait, int((locked_until - timezone.now()).total_seconds()) + 1)
    return wait


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device a user is enrolling (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device if ``token`` is right; returns it, or None when wrong."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None  # an authenticator exists; a new one is added only after proving that one
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token("".join(token.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="accounts.totp_enrolled", target=user)
    return device


@transaction.atomic
def give_demo_backup_code(user: User, *, actor) -> StaticDevice:
    """Demo only: a static backup code for an office account (README documents it)."""
    if not settings.DEMO_MODE:
        raise PermissionError("Demo backup codes exist only in demo mode.")
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticToken.objects.get_or_create(device=device, token=DEMO_BACKUP_CODE)
    record(actor=actor, action="accounts.demo_backup_code_given", target=user)
    return device


def must_enrol_totp(user: User) -> bool:
    """Outside demo mode every office account needs its own authenticator (TOTP) device.

    In demo mode the documented backup code is enough to pass.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    if settings.DEMO_MODE:
        return not StaticDevice.objects.filter(user=user, confirmed=True).exists()
    return True
