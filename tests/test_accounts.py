import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ciodispatch.accounts import services
from ciodispatch.accounts.models import Organisation, Role
from ciodispatch.accounts.passwords import DEMO_BACKUP_CODE, DEMO_PASSWORD
from ciodispatch.audit.models import AuditEvent
from tests.conftest import PASSWORD, current_token, enrol_totp, lg


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize(
    ("role", "org_key", "fragment"),
    [
        (Role.OFFICE_OFFICER, "taku", "programme office"),
        (Role.REVIEWER, None, "programme office"),
        (Role.HOST_LIAISON, "office", "local government"),
        (Role.HOST_HEAD, None, "local government"),
        (Role.PREFECTURE_COORDINATOR, "taku", "prefecture"),
        (Role.CANDIDATE, "taku", "do not belong"),
    ],
)
def test_a_role_must_fit_its_organisation(personas, role, org_key, fragment):
    organisations = {
        None: None,
        "taku": Organisation.objects.get(local_government__code="412040"),
        "office": Organisation.objects.get(kind=Organisation.Kind.PROGRAMME_OFFICE),
    }
    with pytest.raises(ValidationError, match=fragment):
        services.create_user(
            username="new",
            role=role,
            organisation=organisations[org_key],
            password=None,
            actor=personas.office_admin,
        )


def test_creating_a_user_is_audited(personas):
    event = AuditEvent.objects.get(action="accounts.user_created", object_id=str(personas.host1.pk))
    assert event.changes["role"] == "host_liaison"


def test_a_taken_user_name_is_refused(personas):
    with pytest.raises(ValidationError, match="taken"):
        services.create_user(
            username="host1", role=Role.CANDIDATE, organisation=None, password=None, actor=None
        )


def test_host_signs_in_without_a_second_factor(client, personas):
    response = _login(client, "host1", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_says_what_to_check(client, personas):
    response = _login(client, "host1", "wrong-password-123")
    assert response.status_code == 200
    assert "case-sensitive" in response.content.decode() or "大文字" in response.content.decode()


def test_demo_password_is_refused_outside_demo_mode(client, personas, settings):
    personas.host1.set_password(DEMO_PASSWORD)
    personas.host1.save()
    settings.DEMO_MODE = False
    response = _login(client, "host1", DEMO_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    settings.DEMO_MODE = True
    assert _login(client, "host1", DEMO_PASSWORD).status_code == 302


def test_demo_password_cannot_be_chosen(personas):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError, match="demo password"):
        validate_password(DEMO_PASSWORD, personas.host1)


def test_login_is_throttled_after_five_failures(client, personas):
    for _attempt in range(5):
        _login(client, "host2", "not-the-password-1")
    response = _login(client, "host2", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_office_must_enrol_totp_before_anything_else(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between tries in this test
    assert _login(client, "office", PASSWORD).status_code == 302
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/?next=%2Faudit%2F"
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=personas.office, confirmed=False)
    bad = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert bad.status_code == 200 and b"error-summary" in bad.content
    good = client.post("/accounts/two-factor/setup/", {"token": current_token(device)})
    assert good.status_code == 302
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.totp_enrolled").exists()


def test_office_with_a_device_is_asked_for_its_code(client, personas, settings):
    device = enrol_totp(personas.office)
    _login(client, "office", PASSWORD)
    response = client.get("/")
    assert response["Location"].startswith("/accounts/two-factor/?")
    wrong = client.post("/accounts/two-factor/", {"token": "123456"})
    assert wrong.status_code == 200
    assert any(word in wrong.content.decode() for word in ("second", "秒"))
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    assert client.get("/audit/").status_code == 302
    assert client.post("/accounts/two-factor/", {"token": current_token(device)}).status_code == 302
    assert client.get("/audit/").status_code == 200


def test_demo_backup_code_passes_and_keeps_working_in_demo_mode(client, personas, settings):
    settings.DEMO_MODE = True
    services.give_demo_backup_code(personas.reviewer, actor=None)
    for _round in range(2):
        client.logout()
        _login(client, "reviewer", PASSWORD)
        assert client.post("/accounts/two-factor/", {"token": DEMO_BACKUP_CODE}).status_code == 302
        assert client.get("/accounts/me/").status_code == 200


def test_demo_backup_code_cannot_be_given_outside_demo_mode(personas, settings):
    settings.DEMO_MODE = False
    with pytest.raises(PermissionError):
        services.give_demo_backup_code(personas.office, actor=None)


def test_a_backup_code_alone_does_not_spare_enrolment_outside_demo_mode(client, personas, settings):
    settings.DEMO_MODE = True
    services.give_demo_backup_code(personas.office, actor=None)
    settings.DEMO_MODE = False
    assert StaticDevice.objects.filter(user=personas.office).exists()
    _login(client, "office", PASSWORD)
    assert client.get("/")["Location"].startswith("/accounts/two-factor/setup/")


def test_host_updates_its_contact_details(client, personas):
    client.force_login(personas.host1)
    taku = personas.host1.organisation
    response = client.post(
        f"/accounts/organisations/{taku.pk}/edit/",
        {
            "contact_department": "総務課 情報政策係",
            "contact_email": "dx@city.taku.example.jp",
            "contact_phone": "0952-75-2111",
        },
    )
    assert response.status_code == 302
    taku.refresh_from_db()
    assert taku.contact_phone == "0952-75-2111"
    event = AuditEvent.objects.get(action="accounts.organisation_contact_changed")
    assert event.actor == personas.host1
    assert event.changes["contact_phone"] == ["", "0952-75-2111"]


def test_bad_contact_details_are_refused_and_nothing_is_saved(client, personas):
    client.force_login(personas.host1)
    taku = personas.host1.organisation
    response = client.post(
        f"/accounts/organisations/{taku.pk}/edit/",
        {"contact_department": "総務課", "contact_email": "not-an-address", "contact_phone": "tel"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_contact_email"' in body and 'href="#id_contact_phone"' in body
    taku.refresh_from_db()
    assert taku.contact_department == ""


def test_organisation_page_lists_its_people(client, personas):
    client.force_login(personas.host1_head)
    page = client.get(f"/accounts/organisations/{personas.host1.organisation.pk}/")
    assert page.status_code == 200
    assert "host1" in page.content.decode() or "連絡" in page.content.decode()


def test_organisation_needs_a_local_government_unless_it_is_the_office(registry):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind=Organisation.Kind.LOCAL_GOVERNMENT, name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            kind=Organisation.Kind.PROGRAMME_OFFICE, name="y", local_government=lg("412040")
        )


def test_create_account_command_makes_the_first_office_admin(registry):
    from django.core.management import call_command

    from ciodispatch.accounts.models import User

    call_command("create_account", "chief", "--role", "office_admin", "--no-password")
    chief = User.objects.get(username="chief")
    assert chief.organisation.is_programme_office and not chief.has_usable_password()
    call_command(
        "create_account",
        "taku-liaison",
        "--role",
        "host_liaison",
        "--local-government",
        "412040",
        "--no-password",
    )
    assert User.objects.get(username="taku-liaison").local_government.name == "多久市"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--role", "host_liaison", "--local-government", "412041"], "check digit"),
        (["--role", "host_liaison"], "local government"),
        (["--role", "candidate", "--local-government", "412040"], "do not belong"),
    ],
)
def test_create_account_command_refuses_bad_input(registry, args, fragment):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=fragment):
        call_command("create_account", "someone", *args, "--no-password")


def test_a_password_alone_cannot_add_an_authenticator(client, personas, settings):
    """With an authenticator enrolled, the set-up page sends to the code page instead."""
    device = enrol_totp(personas.office)
    _login(client, "office", PASSWORD)
    assert client.get("/accounts/two-factor/setup/")["Location"] == "/accounts/two-factor/"
    assert services.confirm_totp_device(personas.office, current_token(device)) is None
    assert TOTPDevice.objects.filter(user=personas.office).count() == 1


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x"])
def test_the_two_factor_page_does_not_redirect_off_site(client, personas, target):
    device = enrol_totp(personas.office)
    _login(client, "office", PASSWORD)
    response = client.post(f"/accounts/two-factor/?next={target}", {"token": current_token(device)})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_two_factor_page_returns_to_the_page_asked_for(client, personas):
    device = enrol_totp(personas.office)
    _login(client, "office", PASSWORD)
    asked = client.get("/audit/?action=x")["Location"]
    response = client.post(asked, {"token": current_token(device)})
    assert response["Location"] == "/audit/?action=x"


def test_a_password_change_is_audited(client, personas):
    client.force_login(personas.host1)
    response = client.post(
        "/accounts/me/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-2026",
            "new_password2": "a-brand-new-password-2026",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.password_changed")
    assert event.actor == personas.host1 and "password" not in str(event.changes)
    assert client.get("/accounts/me/").status_code == 200  # still signed in
