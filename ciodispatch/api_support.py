"""The public JSON API: one NinjaAPI, routers from the apps, the policy on every endpoint."""

from functools import wraps

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ciodispatch import policy


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
