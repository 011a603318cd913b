"""Direct support: offers, requests, the office's matching within capacity, the visit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from ciodispatch.audit.models import AuditEvent
from ciodispatch.outreach import services
from ciodispatch.outreach.models import SupportOffer, SupportRequest
from ciodispatch.outreach.services import OutreachError
from tests.conftest import lg, verified_client
from tests.outreach.helpers import PURPOSE, offer_fields, published_offer, support_request

OS = SupportOffer.State
RS = SupportRequest.State
REPORT = "視察を受け入れ、救急搬送の受入れ照会の運用と課題を共有した。次年度に再訪予定。"


def test_a_government_offers_support_only_for_itself(personas):
    with pytest.raises(PermissionDenied):
        services.create_offer(lg("412091"), actor=personas.host1, **offer_fields())
    with pytest.raises(PermissionDenied):  # the office does not offer on a government's behalf
        services.create_offer(lg("410004"), actor=personas.office, **offer_fields())
    offer = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    assert offer.state == OS.DRAFT and offer.provider_id == "410004"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kinds": []}, "at least one kind"),
        ({"kinds": ["karaoke"]}, "only from the options"),
        ({"capacity": 0}, "from 1 to 50"),
        ({"description": "短い"}, "at least 20 characters"),
        ({"contact_email": "not-an-address"}, "valid contact e-mail"),
        ({"fiscal_year": 2001}, "this fiscal year or the next"),
    ],
)
def test_an_incomplete_offer_is_refused_with_a_reason(personas, overrides, message):
    with pytest.raises(OutreachError, match=message):
        services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields(**overrides))
    assert not SupportOffer.objects.exists()


def test_the_office_opens_or_returns_an_offer_and_the_provider_corrects_it(personas):
    offer = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    services.submit_offer(offer, actor=personas.pref1)
    with pytest.raises(PermissionDenied):
        services.publish_offer(offer, actor=personas.pref1)
    with pytest.raises(OutreachError, match="Say what to change"):
        services.return_offer(offer, actor=personas.office, comment=" ")
    services.return_offer(offer, actor=personas.office, comment="連絡先を課の代表にしてください")
    services.update_offer(offer, actor=personas.pref1, **offer_fields(capacity=3))
    services.submit_offer(offer, actor=personas.pref1)
    with pytest.raises(PermissionDenied):  # submitted: no longer editable
        services.update_offer(offer, actor=personas.pref1, **offer_fields())
    services.publish_offer(offer, actor=personas.office)
    offer.refresh_from_db()
    assert offer.state == OS.PUBLISHED and offer.capacity == 3
    with pytest.raises(OutreachError, match="Only an offer submitted"):
        services.publish_offer(offer, actor=personas.office)
    actions = list(
        AuditEvent.objects.filter(object_type="outreach.supportoffer").values_list(
            "action", flat=True
        )
    )
    assert (
        "outreach.supportoffer.returned" in actions and "outreach.supportoffer.published" in actions
    )


def test_requests_that_cannot_fit_the_offer_are_refused(personas):
    offer = published_offer(personas.pref1, personas.office, kinds=["site_visit"])
    with pytest.raises(PermissionDenied):  # 多久市 asks for 嬉野市? No: only for itself
        services.request_support(
            lg("412091"), actor=personas.host1, offer=offer, kind="site_visit", purpose=PURPOSE
        )
    with pytest.raises(OutreachError, match="does not offer this kind"):
        support_request(personas.host1, offer, kind="lecture")
    with pytest.raises(OutreachError, match="cannot request its own offer"):
        support_request(personas.pref1, offer)
    with pytest.raises(OutreachError, match="at least 20 characters"):
        services.request_support(
            lg("412040"), actor=personas.host1, offer=offer, kind="site_visit", purpose="短い"
        )
    support_request(personas.host1, offer)
    with pytest.raises(OutreachError, match="already have an open request"):
        support_request(personas.host1_head, offer)
    draft = services.create_offer(lg("410004"), actor=personas.pref1, **offer_fields())
    with pytest.raises(OutreachError, match="not open to requests"):
        support_request(personas.host2, draft)


def test_the_office_approves_within_the_capacity_and_a_cancellation_frees_a_place(personas):
    offer = published_offer(personas.pref1, personas.office, capacity=1)
    first = support_request(personas.host1, offer)
    second = support_request(personas.host2, offer)
    with pytest.raises(PermissionDenied):  # hosts do not approve
        services.approve_support_request(first, actor=personas.pref1)
    services.approve_support_request(first, actor=personas.office)
    with pytest.raises(OutreachError, match="no capacity left"):
        services.approve_support_request(second, actor=personas.office)
    second.refresh_from_db()
    assert second.state == RS.SUBMITTED and offer.remaining() == 0
    with pytest.raises(OutreachError, match="reason"):
        services.cancel_support(first, actor=personas.office, reason="")
    services.cancel_support(first, actor=personas.office, reason="先方の都合により中止")
    services.approve_support_request(second, actor=personas.office)
    second.refresh_from_db()
    assert second.state == RS.APPROVED and offer.remaining() == 0


def test_the_office_matches_a_request_that_names_no_offer(personas):
    offer = published_offer(personas.pref1, personas.office)
    open_request = support_request(personas.host2, None)
    assert open_request.offer is None
    with pytest.raises(OutreachError, match="Choose the offer"):
        services.approve_support_request(open_request, actor=personas.office)
    services.approve_support_request(open_request, actor=personas.office, offer=offer)
    open_request.refresh_from_db()
    assert open_request.offer == offer and open_request.state == RS.APPROVED
    event = AuditEvent.objects.get(action="outreach.supportrequest.approved")
    assert event.changes["matched_by_office"] is True and event.actor == personas.office


def test_a_decline_says_why_and_only_the_requester_withdraws(personas):
    offer = published_offer(personas.pref1, personas.office)
    declined = support_request(personas.host1, offer)
    with pytest.raises(OutreachError, match="Give the reason"):
        services.decline_support_request(declined, actor=personas.office, comment="")
    services.decline_support_request(declined, actor=personas.office, comment="構想段階のため")
    other = support_request(personas.host2, offer)
    with pytest.raises(PermissionDenied):
        services.withdraw_support_request(other, actor=personas.host1)
    services.withdraw_support_request(other, actor=personas.host2)
    other.refresh_from_db()
    assert other.state == RS.WITHDRAWN


def test_the_provider_records_the_visit_with_a_report(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    offer = published_offer(personas.pref1, personas.office, capacity=1)
    support = support_request(personas.host1, offer)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_support_request(support, actor=personas.office)
    assert sorted(m.to for m in mailoutbox) == [["dx@example.jp"], ["host1@example.jp"]]
    report = "多久市の職員6名が消防局を視察し、タブレット入力の実演と受入れ回答の流れを確認した。"
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):  # the requester does not record the provider's visit
        services.record_visit(
            support, actor=personas.host1, held_on=yesterday, participants=6, report=report
        )
    with pytest.raises(OutreachError, match="after it has taken place"):
        services.record_visit(
            support,
            actor=personas.pref1,
            held_on=timezone.localdate() + dt.timedelta(days=3),
            participants=6,
            report=report,
        )
    with pytest.raises(OutreachError, match="short report"):
        services.record_visit(
            support, actor=personas.pref1, held_on=yesterday, participants=6, report="良かった"
        )
    services.record_visit(
        support, actor=personas.pref1, held_on=yesterday, participants=6, report=report
    )
    support.refresh_from_db()
    assert support.state == RS.COMPLETED and support.report == report
    assert offer.taken() == 1  # a support given still counts against the capacity
    with pytest.raises(OutreachError, match="approved support"):  # it took place: no cancelling
        services.cancel_support(support, actor=personas.office, reason="取消")


def test_a_withdrawn_offer_takes_no_new_request(personas):
    offer = published_offer(personas.pref1, personas.office)
    with pytest.raises(PermissionDenied):
        services.withdraw_offer(offer, actor=personas.host1)
    services.withdraw_offer(offer, actor=personas.pref1, reason="体制変更")
    with pytest.raises(OutreachError, match="not open to requests"):
        support_request(personas.host1, offer)


def _stale(support):
    """The request as a page loaded it, before someone else's change."""
    return SupportRequest.objects.get(pk=support.pk)


def test_a_decided_request_cannot_be_decided_again_from_a_stale_page(personas):
    offer = published_offer(personas.host2, personas.office, capacity=2)
    support = support_request(personas.host1, offer)
    page = _stale(support)
    services.approve_support_request(_stale(support), actor=personas.office)
    with pytest.raises(OutreachError, match="no longer awaiting a decision"):
        services.decline_support_request(page, actor=personas.office, comment="no")
    with pytest.raises(OutreachError, match="no longer awaiting a decision"):
        services.approve_support_request(page, actor=personas.office)
    support.refresh_from_db()
    assert support.state == RS.APPROVED


def test_deciding_twice_over_http_says_why_instead_of_failing(personas, client):
    offer = published_offer(personas.host2, personas.office)
    support = support_request(personas.host1, offer)
    office = verified_client(client, personas.office)
    url = f"/support/requests/{support.pk}/decide/"
    approve = {"decision": "approve", "offer": offer.pk, "comment": ""}
    assert office.post(url, approve).status_code == 302
    again = office.post(url, approve, follow=True)
    assert again.status_code == 200
    decline = office.post(url, {"decision": "decline", "comment": "no"}, follow=True)
    assert decline.status_code == 200
    assert "この依頼はすでに" in decline.content.decode() or "no longer" in (
        decline.content.decode()
    )
    support.refresh_from_db()
    assert support.state == RS.APPROVED


def test_withdraw_cancel_and_visit_recheck_the_stored_state(personas):
    offer = published_offer(personas.host2, personas.office, capacity=2)
    support = support_request(personas.host1, offer)
    page = _stale(support)
    services.approve_support_request(_stale(support), actor=personas.office)
    with pytest.raises(OutreachError, match="can be withdrawn"):
        services.withdraw_support_request(page, actor=personas.host1)

    approved, visit_page = _stale(support), _stale(support)
    services.cancel_support(_stale(support), actor=personas.office, reason="日程が合わない")
    with pytest.raises(OutreachError, match="approved support can be cancelled"):
        services.cancel_support(approved, actor=personas.office, reason="二重送信")
    with pytest.raises(OutreachError, match="approved support"):
        services.record_visit(
            visit_page,
            actor=personas.host2,
            held_on=timezone.localdate() - dt.timedelta(days=1),
            participants=3,
            report=REPORT,
        )
    support.refresh_from_db()
    assert support.state == RS.CANCELLED


def test_a_withdrawn_request_page_cannot_withdraw_again_over_http(personas, client):
    offer = published_offer(personas.host2, personas.office)
    support = support_request(personas.host1, offer)
    host = verified_client(client, personas.host1)
    url = f"/support/requests/{support.pk}/withdraw/"
    assert host.post(url).status_code == 302
    assert host.post(url).status_code == 403  # the policy: only a submitted request


def test_publishing_or_returning_an_offer_in_the_wrong_state_says_why(personas, client):
    offer = services.create_offer(
        personas.host1.local_government, actor=personas.host1, **offer_fields()
    )
    office = verified_client(client, personas.office)
    client.raise_request_exception = True
    draft = office.post(f"/support/offers/{offer.pk}/publish/", follow=True)
    assert draft.status_code == 200
    services.submit_offer(offer, actor=personas.host1)
    assert office.post(f"/support/offers/{offer.pk}/publish/").status_code == 302
    again = office.post(f"/support/offers/{offer.pk}/publish/", follow=True)
    back = office.post(f"/support/offers/{offer.pk}/return/", {"comment": "x"}, follow=True)
    assert again.status_code == back.status_code == 200
    offer.refresh_from_db()
    assert offer.state == SupportOffer.State.PUBLISHED
    with translation.override("en"), pytest.raises(OutreachError, match="Only an offer submitted"):
        services.publish_offer(offer, actor=personas.office)


def test_a_stale_page_cannot_publish_a_withdrawn_offer(personas):
    offer = services.create_offer(
        personas.host1.local_government, actor=personas.host1, **offer_fields()
    )
    services.submit_offer(offer, actor=personas.host1)
    page, other_page = SupportOffer.objects.get(pk=offer.pk), SupportOffer.objects.get(pk=offer.pk)
    services.withdraw_offer(SupportOffer.objects.get(pk=offer.pk), actor=personas.host1)
    with pytest.raises(OutreachError, match="Only an offer submitted"):
        services.publish_offer(page, actor=personas.office)
    with pytest.raises(OutreachError, match="already withdrawn"):
        services.withdraw_offer(other_page, actor=personas.host1)
    offer.refresh_from_db()
    assert offer.state == SupportOffer.State.WITHDRAWN and offer.published_at is None


@pytest.mark.parametrize("value", ["²", "١", "9" * 30, "-1", "1e3", " 1"])
def test_an_odd_offer_in_the_address_is_ignored(personas, client, value):
    host = verified_client(client, personas.host1)
    client.raise_request_exception = True
    assert host.get("/support/requests/new/", {"offer": value}).status_code == 200
