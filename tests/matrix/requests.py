"""Permission-matrix rows for dispatch requests (action, object key, who may).

req_taku: 多久市's own request (a draft by host1). req_joint: 佐賀県's joint request for
嬉野市 and 有田町 (submitted by pref1). lg_taku and saga_group come from the base objects.
"""

from ciodispatch.policy import Action as A
from ciodispatch.requests import services
from tests.matrix import OFFICE
from tests.requests.helpers import fill, open_round

HOSTS = {"host1", "host1_head", "host2", "host_fukuoka"}
COORDINATORS = {"pref1", "pref_fukuoka"}

ROWS: list = [
    (A.CONFIGURE_REQUEST_ROUND, None, OFFICE),
    (A.LIST_OWN_REQUESTS, None, HOSTS | COORDINATORS),
    (A.START_REQUEST, "lg_taku", {"host1", "host1_head"}),
    (A.START_REQUEST, "saga_group", {"pref1"}),
    (A.VIEW_REQUEST, "req_taku", OFFICE | {"host1", "host1_head", "pref1"}),
    (A.VIEW_REQUEST, "req_joint", OFFICE | {"host2", "pref1"}),
    (A.EDIT_REQUEST, "req_taku", {"host1", "host1_head"}),
    (A.EDIT_REQUEST, "req_joint", set()),
    (A.SIGN_COMMITMENT, "req_taku", {"host1_head"}),
    (A.SIGN_COMMITMENT, "req_joint", set()),
    (A.CONFIRM_MEMBERSHIP, "req_joint", {"pref1"}),
    (A.CONFIRM_MEMBERSHIP, "req_taku", set()),
    (A.REVIEW_REQUESTS, None, OFFICE),
    (A.DECIDE_REQUEST, "req_taku", OFFICE),
]


def build_objects(personas) -> dict:
    from tests.conftest import lg

    request_round = open_round()
    taku = services.start_request(request_round, actor=personas.host1, host=lg("412040"))
    from ciodispatch.localgov.services import create_group

    group = create_group(
        name="佐賀県 嬉野・有田",
        lead=lg("410004"),
        members=[lg("412091"), lg("414018")],
        actor=personas.pref1,
    )
    joint = services.start_request(request_round, actor=personas.pref1, group=group)
    joint = fill(joint, personas.pref1, liaison=personas.host2, counterpart=personas.pref1)
    services.submit_request(joint, actor=personas.pref1)
    joint.refresh_from_db()
    return {"req_taku": taku, "req_joint": joint}
