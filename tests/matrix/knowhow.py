"""Permission-matrix rows of the know-how base (action, object key, who may).

Drafts and cases in review are seen only by their authors' government and the office;
published cases by everyone. 多久市 (host1, host1_head) drafted kh_taku_draft and
kh_taku_in_review; 佐賀県's coordinator (pref1) drafted kh_saga_draft; the office drafted
kh_office_draft about 嬉野市 (host2 does not see it) and published kh_published.
"""

from ciodispatch.knowhow import services
from ciodispatch.policy import Action as A
from tests.conftest import lg
from tests.knowhow.helpers import draft, published
from tests.matrix import OFFICE, PEOPLE

EVERYONE = set(PEOPLE)
HOSTS = {"host1", "host1_head", "host2", "host_fukuoka"}
TAKU = {"host1", "host1_head"}

ROWS: list = [
    (A.BROWSE_KNOWHOW, None, EVERYONE),
    (A.VIEW_CASE, "kh_published", EVERYONE),
    (A.VIEW_CASE, "kh_taku_draft", OFFICE | TAKU),
    (A.VIEW_CASE, "kh_taku_in_review", OFFICE | TAKU),
    (A.VIEW_CASE, "kh_saga_draft", OFFICE | {"pref1"}),
    (A.VIEW_CASE, "kh_office_draft", OFFICE),
    (A.VIEW_CASE, "kh_withdrawn", OFFICE),
    (A.LIST_OWN_CASES, None, OFFICE | HOSTS | {"pref1", "pref_fukuoka"}),
    (A.DRAFT_CASE, "kh_lg_taku", OFFICE | TAKU),
    (A.DRAFT_CASE, "kh_lg_saga", OFFICE | {"pref1"}),
    (A.DRAFT_CASE, "kh_lg_shingu", OFFICE | {"host_fukuoka"}),
    (A.EDIT_CASE, "kh_taku_draft", OFFICE | TAKU),
    (A.EDIT_CASE, "kh_taku_in_review", set()),
    (A.EDIT_CASE, "kh_published", OFFICE),
    (A.EDIT_CASE, "kh_withdrawn", set()),
    (A.SUBMIT_CASE, "kh_taku_draft", OFFICE | TAKU),
    (A.SUBMIT_CASE, "kh_taku_in_review", set()),
    (A.SUBMIT_CASE, "kh_office_draft", OFFICE),
    (A.REVIEW_CASES, None, OFFICE),
    (A.MANAGE_MANUALS, None, OFFICE),
    (A.RECORD_AWARD, None, OFFICE),
    (A.VIEW_RECOMMENDATIONS, None, HOSTS | {"candidate1", "candidate2"}),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    in_review = services.submit_case(
        draft(personas.host1, title="審査中の事例", codes=("412040",)), actor=personas.host1
    )
    withdrawn = services.withdraw_case(
        published(personas.office, title="取り下げた事例"), actor=personas.office, reason="誤り"
    )
    return {
        "kh_published": published(personas.office, title="公開事例"),
        "kh_taku_draft": draft(personas.host1, title="多久市の下書き", codes=("412040",)),
        "kh_taku_in_review": in_review,
        "kh_saga_draft": draft(personas.pref1, title="佐賀県の下書き", codes=("410004",)),
        "kh_office_draft": draft(personas.office, title="事務局の下書き", codes=("412091",)),
        "kh_withdrawn": withdrawn,
        "kh_lg_taku": lg("412040"),
        "kh_lg_saga": lg("410004"),
        "kh_lg_shingu": lg("403458"),
    }
