"""The signed-in user's own work queue as JSON: the home page's 「対応が必要なこと」
(core/work.py)."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema

from ciodispatch import policy
from ciodispatch.api_support import Problem, guard_api
from ciodispatch.core import work

router = Router(tags=["Your work"])


class TaskOut(Schema):
    kind: str = Field(description="the kind of work, e.g. requests.sign")
    title: str = Field(description="what the items are, in the language of the request")
    count: int = Field(description="how many items wait", ge=1)
    url: str = Field(description="the page, or the filtered list, showing exactly these items")
    due: dt.date | None = Field(description="the nearest deadline; null when none")
    urgency: Literal["overdue", "soon", "later"] = Field(
        description="overdue: past its deadline; soon: due within 7 days; later: otherwise"
    )


@router.get(
    "/me/tasks",
    response={200: list[TaskOut], 401: Problem},
    summary="Your work queue",
    description=(
        "What waits for the signed-in user (session sign-in), overdue first, then by due date: "
        "only the user's own work, scoped by the same rules as the pages. The language follows "
        "the site's language cookie."
    ),
)
@guard_api(policy.Action.VIEW_OWN_ACCOUNT)
def my_tasks(request):
    return [task.as_json() for task in work.tasks_for(request.user, timezone.localdate())]
