"""Permission-matrix rows for direct support, events and the public portal.

佐賀県 (pref1) has a published offer and a draft; 新宮町 (host_fukuoka) a draft. 多久市
(host1) asked 佐賀県 (submitted); 嬉野市 (host2) was approved; 新宮町 asked the office to
match (no offer yet). Events: one published and upcoming, one draft, one past; host1 and a
member of the public registered for the published one.
"""

from ciodispatch.outreach import services
from ciodispatch.policy import Action as A
from tests.matrix import OFFICE, PEOPLE
from tests.outreach.helpers import (
    event,
    offer_fields,
    public_registration,
    published_offer,
    support_request,
)

HOSTS = {"host1", "host1_head", "host2", "host_fukuoka"}
COORDINATORS = {"pref1", "pref_fukuoka"}
OFFICIALS = OFFICE | HOSTS | COORDINATORS
EVERYONE = set(PEOPLE)

ROWS: list = [
    (A.VIEW_SUPPORT, None, OFFICIALS),
    (A.OFFER_SUPPORT, None, HOSTS | COORDINATORS),
    (A.OFFER_SUPPORT, "ot_lg_saga", {"pref1"}),
    (A.OFFER_SUPPORT, "ot_lg_taku", {"host1", "host1_head"}),
    (A.VIEW_SUPPORT_OFFER, "ot_offer_published", OFFICIALS),
    (A.VIEW_SUPPORT_OFFER, "ot_offer_draft", OFFICE | {"pref1"}),
    (A.VIEW_SUPPORT_OFFER, "ot_offer_shingu", OFFICE | {"host_fukuoka", "pref_fukuoka"}),
    (A.EDIT_SUPPORT_OFFER, "ot_offer_draft", {"pref1"}),
    (A.EDIT_SUPPORT_OFFER, "ot_offer_published", set()),
    (A.REVIEW_SUPPORT_OFFER, "ot_offer_draft", OFFICE),
    (A.WITHDRAW_SUPPORT_OFFER, "ot_offer_published", OFFICE | {"pref1"}),
    (A.WITHDRAW_SUPPORT_OFFER, "ot_offer_shingu", OFFICE | {"host_fukuoka"}),
    (A.REQUEST_SUPPORT, None, HOSTS | COORDINATORS),
    (A.REQUEST_SUPPORT, "ot_lg_taku", {"host1", "host1_head"}),
    (A.REQUEST_SUPPORT, "ot_lg_saga", {"pref1"}),
    (A.VIEW_SUPPORT_REQUEST, "ot_req_taku", OFFICE | {"host1", "host1_head", "pref1"}),
    (A.VIEW_SUPPORT_REQUEST, "ot_req_approved", OFFICE | {"host2", "pref1"}),
    (A.VIEW_SUPPORT_REQUEST, "ot_req_open", OFFICE | {"host_fukuoka", "pref_fukuoka"}),
    (A.WITHDRAW_SUPPORT_REQUEST, "ot_req_taku", {"host1", "host1_head"}),
    (A.WITHDRAW_SUPPORT_REQUEST, "ot_req_approved", set()),
    (A.DECIDE_SUPPORT_REQUEST, "ot_req_taku", OFFICE),
    (A.RECORD_SUPPORT_VISIT, "ot_req_approved", OFFICE | {"pref1"}),
    (A.RECORD_SUPPORT_VISIT, "ot_req_taku", set()),
    (A.LIST_SUPPORT_REQUESTS, None, OFFICE),
    (A.VIEW_EVENTS, None, EVERYONE),
    (A.VIEW_EVENT, "ot_event", EVERYONE),
    (A.VIEW_EVENT, "ot_event_draft", OFFICE),
    (A.REGISTER_FOR_EVENT, "ot_event", EVERYONE),
    (A.REGISTER_FOR_EVENT, "ot_event_draft", set()),
    (A.REGISTER_FOR_EVENT, "ot_event_past", set()),
    (A.CANCEL_REGISTRATION, "ot_reg_host1", OFFICE | {"host1"}),
    (A.CANCEL_REGISTRATION, "ot_reg_public", OFFICE),
    (A.CANCEL_REGISTRATION_BY_LINK, None, EVERYONE),
    (A.CONFIRM_REGISTRATION_BY_LINK, None, EVERYONE),
    (A.MANAGE_EVENTS, None, OFFICE),
    (A.VIEW_EVENT_ROSTER, "ot_event", OFFICE),
    (A.VIEW_PORTAL, None, EVERYONE),
    (A.VIEW_STATISTICS, None, EVERYONE),
]


def build_objects(personas) -> dict:
    """The objects the rows name, built through the services."""
    from tests.conftest import lg

    office = personas.office
    published = published_offer(personas.pref1, office, capacity=3)
    draft = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    shingu = services.create_offer(lg("403458"), actor=personas.host_fukuoka, **offer_fields())
    req_taku = support_request(personas.host1, published)
    req_approved = support_request(personas.host2, published)
    services.approve_support_request(req_approved, actor=office)
    req_approved.refresh_from_db()
    req_open = support_request(personas.host_fukuoka, None)
    upcoming = event(office, capacity=10)
    reg_host1 = services.register(upcoming, actor=personas.host1)
    reg_public = public_registration(upcoming, "青木 美咲", "aoki@example.jp")
    return {
        "ot_lg_saga": lg("410004"),
        "ot_lg_taku": lg("412040"),
        "ot_offer_published": published,
        "ot_offer_draft": draft,
        "ot_offer_shingu": shingu,
        "ot_req_taku": req_taku,
        "ot_req_approved": req_approved,
        "ot_req_open": req_open,
        "ot_event": upcoming,
        "ot_event_draft": event(office, publish=False),
        "ot_event_past": event(office, days_ahead=-5),
        "ot_reg_host1": reg_host1,
        "ot_reg_public": reg_public,
    }
