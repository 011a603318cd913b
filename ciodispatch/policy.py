"""Every access decision of the system, in one place. The default is deny.

Pages and API endpoints ask ``can(user, action, obj)`` (or ``require``) before they read or
write; services ask again before they write. An action without a rule is refused, so a new
feature is invisible until a rule here lets someone in. tests/test_permission_matrix.py
pins the whole table down: role × organisation × object × action.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class Action(StrEnum):
    # Local-government registry (public reference data).
    VIEW_LOCAL_GOVERNMENTS = "localgov.view"
    IMPORT_LOCAL_GOVERNMENTS = "localgov.import"
    VIEW_REGISTRY_IMPORTS = "localgov.view_imports"
    # Groups of local governments (広域連携).
    LIST_GROUPS = "localgov.group.list"
    VIEW_GROUP = "localgov.group.view"
    CREATE_GROUP = "localgov.group.create"
    ADD_GROUP_MEMBER = "localgov.group.add_member"
    # Organisations and accounts.
    VIEW_OWN_ACCOUNT = "accounts.self.view"
    VIEW_ORGANISATION = "accounts.organisation.view"
    CHANGE_ORGANISATION = "accounts.organisation.change"
    # Audit log.
    VIEW_AUDIT_LOG = "audit.view"
    # --- training (courses, sessions, enrolment, completion, certificates) ---
    # --- end training ---
    # --- candidates (application, review, certification, pool, personal data) ---
    # --- end candidates ---


def _role(user) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


def _is_office(user) -> bool:
    from ciodispatch.accounts.models import OFFICE_ROLES

    return _role(user) in OFFICE_ROLES


def _is_office_admin(user) -> bool:
    from ciodispatch.accounts.models import Role

    return _role(user) == Role.OFFICE_ADMIN


def _host_local_government(user):
    """The local government a host head or liaison works for, else None."""
    from ciodispatch.accounts.models import HOST_ROLES

    return user.local_government if _role(user) in HOST_ROLES else None


def _coordinated_prefecture(user) -> str | None:
    """The prefecture code a prefecture coordinator works for, else None."""
    from ciodispatch.accounts.models import Role

    if _role(user) == Role.PREFECTURE_COORDINATOR and user.local_government is not None:
        return user.local_government.prefecture_code
    return None


def _anyone(user, obj) -> bool:
    return True


def _signed_in(user, obj) -> bool:
    return bool(user.is_authenticated and _role(user))


def _office(user, obj) -> bool:
    return _is_office(user)


def _import_registry(user, obj) -> bool:
    return _is_office(user)


def _list_groups(user, obj) -> bool:
    return (
        _is_office(user)
        or _coordinated_prefecture(user) is not None
        or _host_local_government(user) is not None
    )


def _view_group(user, group) -> bool:
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    if prefecture is not None:
        return prefecture in group.prefecture_codes()
    own = _host_local_government(user)
    if own is not None:
        return group.lead_id == own.code or group.members.filter(code=own.code).exists()
    return False


def _create_group(user, lead) -> bool:
    """Office: any lead. Coordinator: their own prefecture as lead."""
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    if prefecture is None:
        return False
    return lead is None or (lead.is_prefecture and lead.prefecture_code == prefecture)


def _add_group_member(user, member) -> bool:
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    return prefecture is not None and member is not None and member.prefecture_code == prefecture


def _view_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if _is_office(user):
        return True
    if user.organisation_id is not None and user.organisation_id == organisation.pk:
        return True
    # A coordinator sees the organisations of the municipalities in their prefecture.
    prefecture = _coordinated_prefecture(user)
    lg = organisation.local_government
    return prefecture is not None and lg is not None and lg.prefecture_code == prefecture


def _change_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if _is_office_admin(user):
        return True
    # Hosts and coordinators keep their own organisation's contact details.
    works_for_it = _host_local_government(user) is not None or _coordinated_prefecture(user)
    return bool(works_for_it) and user.organisation_id == organisation.pk


RULES: dict[Action, Callable[[Any, Any], bool]] = {
    Action.VIEW_LOCAL_GOVERNMENTS: _anyone,
    Action.IMPORT_LOCAL_GOVERNMENTS: _import_registry,
    Action.VIEW_REGISTRY_IMPORTS: _office,
    Action.LIST_GROUPS: _list_groups,
    Action.VIEW_GROUP: _view_group,
    Action.CREATE_GROUP: _create_group,
    Action.ADD_GROUP_MEMBER: _add_group_member,
    Action.VIEW_OWN_ACCOUNT: _signed_in,
    Action.VIEW_ORGANISATION: _view_organisation,
    Action.CHANGE_ORGANISATION: _change_organisation,
    Action.VIEW_AUDIT_LOG: _office,
    # --- training rules ---
    # --- end training rules ---
    # --- candidates rules ---
    # --- end candidates rules ---
}


def can(user, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None or user is None:
        return False
    if user.is_authenticated and not user.is_active:
        return False
    return bool(rule(user, obj))


def require(user, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} refused")


def guard(action: Action, *, load: Callable[..., Any] | None = None):
    """Decorate a view: check ``action`` before it runs.

    ``load(request, **kwargs)`` fetches the object the action is about (404 if missing); the
    view then receives it as ``obj`` in place of the URL arguments. An anonymous visitor who
    is refused is sent to the login page; a signed-in user who is refused gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = load(request, **kwargs) if load is not None else None
            if not can(request.user, action, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            if load is not None:
                return view(request, obj)
            return view(request, *args, **kwargs)

        setattr(wrapped, "policy_action", action)  # noqa: B010 - read by tests/test_url_policy.py
        return wrapped

    return decorator
