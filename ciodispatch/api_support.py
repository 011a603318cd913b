"""The public JSON API: one NinjaAPI, routers from the apps, the policy on every endpoint."""

from functools import wraps
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator

from ciodispatch import policy


class Problem(Schema):
    """The body of every refusal: one sentence saying what to fix."""

    detail: str


def _prefecture_code(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 2 and 1 <= int(value) <= 47):
        raise ValueError("use a 2-digit prefecture code from 01 to 47, e.g. 41 for 佐賀県")
    return value


# A query filter by prefecture: empty means every prefecture.
PrefectureFilter = Annotated[
    str | None,
    AfterValidator(_prefecture_code),
    Field(description="prefecture code, 01–47 (41 is 佐賀県)"),
]


def guard_api(action: policy.Action):
    """Check ``action`` for the caller before the endpoint runs (401/403 when refused)."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if not policy.can(request.user, action):
                if not request.user.is_authenticated:
                    raise HttpError(401, _("Sign in to use this endpoint."))
                raise HttpError(403, _("You may not use this endpoint."))
            return func(request, *args, **kwargs)

        setattr(wrapped, "policy_action", action)  # noqa: B010 - read by tests/test_url_policy.py
        return wrapped

    return decorator


def build_api(*routers: Router) -> NinjaAPI:
    """The one API, with the apps' routers mounted in order (ciodispatch/urls.py passes them:
    the apps import this module, so it imports none of them)."""
    api = NinjaAPI(
        title="CIO Dispatch API",
        version="1",
        description=(
            "Open data of the Certified CIO Dispatch Programme. Local-government data: "
            "総務省 (政府標準利用規約, compatible with CC BY 4.0)."
        ),
        openapi_url="/openapi.json",
        docs_url="/docs",
        urls_namespace="api",
    )

    @api.exception_handler(NinjaValidationError)
    def validation_failed(request, exc):
        problems = []
        for error in exc.errors:
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "query")
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            problems.append(f"{where}: {message}")
        return api.create_response(request, {"detail": "; ".join(problems)}, status=400)

    for router in routers:
        api.add_router("/", router)
    return api
