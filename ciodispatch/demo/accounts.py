"""The demo's accounts: created by no one (``actor=None``), as a command creates them."""

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Organisation, User


def demo_mail(login: str) -> str:
    return f"{login}@demo.ciodispatch.example.jp"


def demo_account(
    login: str,
    role: str,
    organisation: Organisation | None,
    *,
    last_name: str,
    first_name: str,
    password: str | None = None,
    email: str = "",
) -> User:
    """A new demo account (no password unless given: it signs in by the demo's login page)."""
    return accounts.create_user(
        username=login,
        role=role,
        organisation=organisation,
        password=password,
        actor=None,
        email=email,
        last_name=last_name,
        first_name=first_name,
    )
