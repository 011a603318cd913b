"""What a work-queue link shows: the items a list page links to, fetched as the user."""

import re

from ciodispatch.core.work import KINDS, Task


def task(key: str, user, today) -> Task | None:
    """The kind's task for ``user`` (None when nothing waits or it is not theirs)."""
    return KINDS[key].task_for(user, today)


def listed(client, url: str, item_url: str, cast=int) -> list:
    """The ids of the items the page at ``url`` lists, each a row linking to ``item_url``
    (a pattern with ``(\\d+)`` for the id), read from the page's table bodies."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    rows = "".join(re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S))
    return [cast(pk) for pk in re.findall(rf'href="{item_url}"', rows)]
