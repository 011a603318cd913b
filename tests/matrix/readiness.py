"""Permission-matrix rows (action, object key, who may); see test_permission_matrix.py.

多久市 (host1, host1_head) has a submitted assessment and a new draft; 嬉野市 (host2) a
submitted one. 佐賀県's coordinator is pref1; 新宮町 (host_fukuoka) is in 福岡県.
"""

from ciodispatch.policy import Action as A
from ciodispatch.readiness import services
from tests.conftest import lg
from tests.matrix import OFFICE
from tests.readiness.helpers import submitted_assessment

ROWS: list = [
    (A.VIEW_OWN_READINESS, None, {"host1", "host1_head", "host2", "host_fukuoka"}),
    (A.VIEW_READINESS, "rd_lg_taku", OFFICE | {"host1", "host1_head", "pref1"}),
    (A.VIEW_READINESS, "rd_lg_ureshino", OFFICE | {"host2", "pref1"}),
    (A.VIEW_READINESS, "rd_lg_shingu", OFFICE | {"host_fukuoka", "pref_fukuoka"}),
    (A.LIST_READINESS, None, OFFICE | {"pref1", "pref_fukuoka"}),
    (A.START_ASSESSMENT, "rd_lg_taku", {"host1", "host1_head"}),
    (A.START_ASSESSMENT, "rd_lg_ureshino", {"host2"}),
    (A.START_ASSESSMENT, "rd_lg_saga", set()),
    (A.EDIT_ASSESSMENT, "rd_taku_draft", {"host1", "host1_head"}),
    (A.EDIT_ASSESSMENT, "rd_taku_submitted", set()),
    (A.SUBMIT_ASSESSMENT, "rd_taku_draft", {"host1", "host1_head"}),
    (A.SUBMIT_ASSESSMENT, "rd_taku_submitted", set()),
    (A.VIEW_ASSESSMENT, "rd_taku_submitted", OFFICE | {"host1", "host1_head", "pref1"}),
    (A.VIEW_ASSESSMENT, "rd_taku_draft", {"host1", "host1_head"}),
    (A.VIEW_ASSESSMENT, "rd_ureshino_submitted", OFFICE | {"host2", "pref1"}),
    (A.PUBLISH_QUESTIONNAIRE, None, OFFICE),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    taku_submitted = submitted_assessment(personas.host1)
    taku_draft = services.start_assessment(lg("412040"), actor=personas.host1_head)
    return {
        "rd_lg_taku": lg("412040"),
        "rd_lg_ureshino": lg("412091"),
        "rd_lg_shingu": lg("403458"),
        "rd_lg_saga": lg("410004"),
        "rd_taku_submitted": taku_submitted,
        "rd_taku_draft": taku_draft,
        "rd_ureshino_submitted": submitted_assessment(personas.host2),
    }
