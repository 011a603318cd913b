"""Who a user is: their role, and the government or prefecture they act for.

Every rule module asks these instead of reading ``user.role`` itself, so that what "office",
"host" or "coordinator" means is decided once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ciodispatch.accounts.models import HOST_ROLES, OFFICE_ROLES, Role

if TYPE_CHECKING:
    from ciodispatch.localgov.models import LocalGovernment


def role(user: Any) -> str | None:
    """The signed-in user's role, else None (anonymous visitors have none)."""
    return getattr(user, "role", None) if user.is_authenticated else None


def is_office(user: Any) -> bool:
    """An officer or an administrator of the programme office (reviewers are not)."""
    return role(user) in OFFICE_ROLES


def is_office_admin(user: Any) -> bool:
    return role(user) == Role.OFFICE_ADMIN


def is_candidate(user: Any) -> bool:
    return role(user) == Role.CANDIDATE


def is_reviewer(user: Any) -> bool:
    return role(user) == Role.REVIEWER


def is_host_head(user: Any) -> bool:
    return role(user) == Role.HOST_HEAD


def host_local_government(user: Any) -> LocalGovernment | None:
    """The local government a host head or liaison works for, else None."""
    return user.local_government if role(user) in HOST_ROLES else None


def coordinated_prefecture(user: Any) -> str | None:
    """The prefecture code a prefecture coordinator works for, else None."""
    if role(user) == Role.PREFECTURE_COORDINATOR and user.local_government is not None:
        return str(user.local_government.prefecture_code)
    return None


def acting_government(user: Any) -> LocalGovernment | None:
    """The government a host (head, liaison) or a prefecture coordinator acts for."""
    own = host_local_government(user)
    if own is not None:
        return own
    if coordinated_prefecture(user) is not None:
        return user.local_government
    return None


def hosts(user: Any, local_government_code: str | None) -> bool:
    """Is ``user`` a head or liaison of the local government with this code?"""
    own = host_local_government(user)
    return (
        own is not None and local_government_code is not None and own.code == local_government_code
    )


def acts_for(user: Any, local_government: LocalGovernment | None) -> bool:
    own = acting_government(user)
    return own is not None and local_government is not None and own.code == local_government.code


def oversees(user: Any, local_government: LocalGovernment | None) -> bool:
    """A prefecture coordinator reads what the governments of their prefecture do."""
    prefecture = coordinated_prefecture(user)
    return (
        prefecture is not None
        and local_government is not None
        and local_government.prefecture_code == prefecture
    )


# Rules that depend on the user alone, shared by the apps' rules.py: ``rule(A.X)(roles.office)``.
def office(user: Any, obj: Any = None) -> bool:
    return is_office(user)


def anyone(user: Any, obj: Any = None) -> bool:
    return True


def signed_in(user: Any, obj: Any = None) -> bool:
    return bool(user.is_authenticated and role(user))
