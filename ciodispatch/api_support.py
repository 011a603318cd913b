"""The public JSON API: one NinjaAPI, routers from the apps, the policy on every endpoint."""

import re
from functools import wraps
from typing import Annotated

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator

from ciodispatch import policy
from ciodispatch.core.text import SINGLE_LINE_PATTERN, check_text


class Problem(Schema):
    """The body of every refusal: one sentence saying what to fix."""

    detail: str


# A prefecture code, 01–47, or empty (every prefecture): the schema and the check share it.
_PREFECTURE_CODES = "0[1-9]|[1-3][0-9]|4[0-7]"
_PREFECTURE_OR_EMPTY = re.compile(f"({_PREFECTURE_CODES})?")


def _prefecture_code(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not _PREFECTURE_OR_EMPTY.fullmatch(value):
        raise ValueError("use a 2-digit prefecture code from 01 to 47, e.g. 41 for 佐賀県")
    return value


# A query filter by prefecture: empty means every prefecture.
PrefectureFilter = Annotated[
    str | None,
    AfterValidator(_prefecture_code),
    Field(
        description="prefecture code, 01–47 (41 is 佐賀県); empty for every prefecture",
        json_schema_extra={"pattern": f"^(|{_PREFECTURE_CODES})$"},
    ),
]


def _single_line(value: str | None) -> str | None:
    return None if value is None else check_text(value)


def search_words(max_length: int, description: str):
    """A query parameter of free text: at most ``max_length`` characters, no control
    characters (core/text.py; a NUL would fail on PostgreSQL), both stated in the schema."""
    return Annotated[
        str | None,
        AfterValidator(_single_line),
        Field(
            max_length=max_length,
            description=f"{description}; at most {max_length} characters",
            json_schema_extra={"pattern": SINGLE_LINE_PATTERN},
        ),
    ]


# The largest id and count a query may name: the databases' 32-bit integer columns.
MAX_INTEGER = 2**31 - 1

# A page past the last is not an error: it has no items, and ``pages`` says how many there are.
PAGE_DESCRIPTION = "page number, from 1; a page past the last has no items"


class ListPage(Schema):
    """Where a page of a list endpoint stands in the list; the endpoints' pages extend it."""

    count: int
    page: int
    pages: int
    page_size: int


def page_of(items, page: int, page_size: int) -> tuple[dict, list]:
    """The ``ListPage`` fields of ``page`` and its items; no items past the last page."""
    paginator = Paginator(items, page_size)
    where = {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "page_size": page_size,
    }
    if page > paginator.num_pages:
        return where, []
    return where, list(paginator.page(page).object_list)


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
