"""The demo: the registry, the demo accounts and (as features land) realistic content.

Built through the real services, never by writing rows directly. Refused outside demo mode.
"""

from django.conf import settings
from django.db import transaction

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role, User
from ciodispatch.accounts.passwords import DEMO_PASSWORD
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup
from ciodispatch.localgov.services import BUNDLED_REGISTRY, create_group, import_local_governments

# login, role, local government code (None: the programme office, or no organisation),
# family name, given name
DEMO_ACCOUNTS = (
    ("office", Role.OFFICE_OFFICER, None, "事務局", "担当"),
    ("reviewer", Role.REVIEWER, None, "審査", "委員"),
    ("candidate1", Role.CANDIDATE, None, "山田", "花子"),
    ("candidate2", Role.CANDIDATE, None, "佐藤", "健一"),
    ("host1", Role.HOST_LIAISON, "412040", "多久", "連絡担当"),
    ("host1-head", Role.HOST_HEAD, "412040", "多久", "市長"),
    ("host2", Role.HOST_LIAISON, "412091", "嬉野", "連絡担当"),
    ("pref1", Role.PREFECTURE_COORDINATOR, "410004", "佐賀県", "DX推進担当"),
)
OFFICE_LOGINS = ("office", "reviewer")
# Sample contact details (fictitious telephone numbers).
DEMO_CONTACTS = (
    ("office", "認定CIO派遣制度 事務局", "03-0000-0000"),
    ("host1", "総務課 情報政策係", "0952-00-0001"),
    ("host2", "総務課 DX推進係", "0954-00-0002"),
    ("pref1", "政策部 DX推進グループ", "0952-00-0003"),
)


class DemoRefused(RuntimeError):
    pass


@transaction.atomic
def load_demo() -> list[str]:
    """Build the demo. Returns what was done, one line per step."""
    if not settings.DEMO_MODE:
        raise DemoRefused("The demo can only be loaded with DEMO_MODE=true.")
    done = []
    result = import_local_governments(BUNDLED_REGISTRY, actor=None)
    done.append(
        f"registry: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    office = accounts.get_or_create_programme_office(actor=None)
    for login, role, code, last_name, first_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=login).exists():
            continue
        organisation = None
        if role in (Role.OFFICE_OFFICER, Role.REVIEWER):
            organisation = office
        elif code is not None:
            organisation = accounts.get_or_create_local_government_organisation(
                LocalGovernment.objects.get(code=code), actor=None
            )
        user = accounts.create_user(
            username=login,
            role=role,
            organisation=organisation,
            password=DEMO_PASSWORD,
            actor=None,
            email=f"{login}@demo.ciodispatch.example.jp",
            last_name=last_name,
            first_name=first_name,
        )
        if login in OFFICE_LOGINS:
            accounts.give_demo_backup_code(user, actor=None)
        done.append(f"account: {login} ({role})")
    for login, department, phone in DEMO_CONTACTS:
        user = User.objects.get(username=login)
        organisation = user.organisation
        assert organisation is not None, login
        accounts.update_organisation_contact(
            organisation,
            actor=user if organisation.local_government_id else None,
            contact_department=department,
            contact_email=f"dx@{login}.demo.ciodispatch.example.jp",
            contact_phone=phone,
        )
    if not LocalGovernmentGroup.objects.filter(name="佐賀県 西部DX共同推進").exists():
        pref1 = User.objects.get(username="pref1")
        create_group(
            name="佐賀県 西部DX共同推進",
            lead=LocalGovernment.objects.get(code="410004"),
            members=list(LocalGovernment.objects.filter(code__in=["412040", "412091", "414018"])),
            actor=pref1,
        )
        done.append("group: 佐賀県 西部DX共同推進")
    return done
