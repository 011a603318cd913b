"""Permission-matrix rows (action, object key, who may); see test_permission_matrix.py.

candidate1 has submitted an application that reviewer is assigned to; candidate2 has a draft.
"""

from ciodispatch.candidates import services
from ciodispatch.policy import Action as A
from tests.candidates.helpers import submitted_application
from tests.matrix import OFFICE

ROWS: list = [
    (A.REGISTER_AS_CANDIDATE, None, {"anonymous"}),
    (A.EDIT_APPLICATION, "app_draft", {"candidate2"}),
    (A.EDIT_APPLICATION, "app_submitted", set()),
    (A.VIEW_APPLICATION, "app_submitted", OFFICE | {"candidate1", "reviewer"}),
    (A.VIEW_APPLICATION, "app_draft", OFFICE | {"candidate2"}),
    (A.DOWNLOAD_CV, "app_submitted", OFFICE | {"candidate1", "reviewer"}),
    (A.DOWNLOAD_CV, "app_draft", OFFICE | {"candidate2"}),
    (A.LIST_APPLICATIONS, None, OFFICE),
    (A.CONFIGURE_REVIEW, "review_round", OFFICE),
    (A.ASSIGN_REVIEWERS, "app_submitted", OFFICE),
    (A.DECLARE_CONFLICT, "app_submitted", OFFICE | {"reviewer"}),
    (A.DECLARE_CONFLICT, "app_draft", OFFICE),
    (A.LIST_REVIEW_ASSIGNMENTS, None, {"reviewer"}),
    (A.REVIEW_APPLICATION, "app_submitted", {"reviewer"}),
    (A.REVIEW_APPLICATION, "app_draft", set()),
    (A.VIEW_SCORES, "app_submitted", OFFICE),
    (A.DECIDE_APPLICATION, "app_submitted", OFFICE),
    (A.CERTIFY, "app_submitted", OFFICE),
    (A.CHANGE_CERTIFICATION, "app_submitted", OFFICE),
    (A.VIEW_POOL, None, OFFICE),
    (A.EXPORT_OWN_DATA, "app_submitted", {"candidate1"}),
    (A.EXPORT_OWN_DATA, "app_draft", {"candidate2"}),
    (A.REQUEST_DELETION, "app_submitted", {"candidate1"}),
    (A.COMPLETE_DELETION, "app_submitted", OFFICE),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    submitted = submitted_application(personas.candidate1)
    services.assign_reviewer(submitted, personas.reviewer, actor=personas.office)
    draft = services.start_application(personas.candidate2, actor=personas.candidate2)
    return {
        "app_submitted": submitted,
        "app_draft": draft,
        "review_round": submitted.review_round,
    }
