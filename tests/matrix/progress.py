"""Permission-matrix rows of progress (see test_permission_matrix.py).

pg_taku: 多久市 (host1, host1_head) hosts candidate2, running. pg_win_published: a small win the
host published (anyone reads it); pg_win_hidden: one not published (only those who see the
dispatch). pg_joint: a joint request of 佐賀県's group (lead 佐賀県: pref1; members 多久市
and 嬉野市 read it, only the lead acts for the host side).
"""

import pytest

from ciodispatch.accounts.models import User
from ciodispatch.dispatches import services as dispatches
from ciodispatch.policy import Action as A
from ciodispatch.progress import services
from ciodispatch.requests import services as requests
from tests.dispatches.helpers import dispatch_at, today
from tests.matchround.helpers import second_reviewer
from tests.matrix import OFFICE, PEOPLE
from tests.requests.helpers import fill, open_round

TAKU = {"host1", "host1_head"}
CIO = {"candidate2"}
ROWS: list = [
    # 佐賀県's coordinator follows the progress of the prefecture's municipalities (read only).
    (A.VIEW_PROGRESS, "pg_taku", OFFICE | TAKU | CIO | {"pref1"}),
    (A.VIEW_PROGRESS, "pg_joint", OFFICE | TAKU | {"host2", "pref1"} | CIO),
    (
        A.LIST_OWN_PROGRESS,
        None,
        OFFICE
        | {"candidate1", "candidate2", "host1", "host1_head", "host2", "host_fukuoka"}
        | {"pref1", "pref_fukuoka"},
    ),
    (A.VIEW_PROGRESS_OVERVIEW, None, OFFICE),
    (A.WRITE_ACTION_PLAN, "pg_taku", CIO),
    (A.WRITE_REPORT, "pg_taku", CIO),
    (A.COMMENT_PROGRESS, "pg_taku", OFFICE | TAKU),
    (A.COMMENT_PROGRESS, "pg_joint", OFFICE | {"pref1"}),
    (A.POST_SMALL_WIN, "pg_taku", TAKU | CIO),
    (A.POST_SMALL_WIN, "pg_joint", {"pref1"} | CIO),
    (A.PUBLISH_SMALL_WIN, "pg_taku", TAKU),
    (A.PUBLISH_SMALL_WIN, "pg_joint", {"pref1"}),
    (A.RECORD_KPI, "pg_taku", TAKU | CIO),
    (A.VIEW_PUBLIC_PROGRESS, None, set(PEOPLE)),
    (A.VIEW_SMALL_WIN, "pg_win_published", set(PEOPLE)),
    (A.VIEW_SMALL_WIN, "pg_win_hidden", OFFICE | TAKU | CIO | {"pref1"}),
]


def build_objects(personas, saga_group=None) -> dict:
    monkeypatch = pytest.MonkeyPatch()
    try:
        taku = dispatch_at(
            personas,
            monkeypatch,
            "active",
            fiscal_year=today().year + 6,
            reviewer=User.objects.filter(username="reviewer-matching").first()
            or second_reviewer(personas),
        )
    finally:
        monkeypatch.undo()
    published = services.post_win(
        taku, actor=personas.host1, title="公開", body="公開された小さな成功"
    )
    published = services.publish_win(published, actor=personas.host1)
    hidden = services.post_win(taku, actor=personas.candidate2, title="未公開", body="まだ非公開")
    objects = {"pg_taku": taku, "pg_win_published": published, "pg_win_hidden": hidden}
    if saga_group is not None:
        request_round = open_round(fiscal_year=today().year + 7)
        joint = requests.start_request(request_round, actor=personas.pref1, group=saga_group)
        joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
        objects["pg_joint"] = dispatches.propose(
            request=joint, application=taku.application, actor=None
        )
    return objects
