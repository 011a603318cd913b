"""Support offers and events built through the real services, for the tests."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ciodispatch.core.dates import fiscal_year
from ciodispatch.outreach import services


def offer_fields(**overrides) -> dict:
    return {
        "fiscal_year": fiscal_year(timezone.localdate()),
        "title": "救急搬送IT変革の視察受入れ",
        "description": "全救急車へのタブレット配備と受入れ情報の共有を現地で紹介します。",
        "kinds": ["site_visit", "lecture"],
        "challenges": ["organisational_walls"],
        "themes": "救急搬送",
        "capacity": 2,
        "contact_department": "政策部 DX推進グループ",
        "contact_email": "dx@example.jp",
    } | overrides


def published_offer(provider_user, office, **overrides):
    offer = services.create_offer(
        provider_user.local_government, actor=provider_user, **offer_fields(**overrides)
    )
    services.submit_offer(offer, actor=provider_user)
    services.publish_offer(offer, actor=office)
    return offer


PURPOSE = "救急搬送の受入れ照会に時間がかかっており、現場運用を学びたい。"


def support_request(user, offer=None, kind="site_visit"):
    return services.request_support(
        user.local_government, actor=user, offer=offer, kind=kind, purpose=PURPOSE
    )


def event(office, *, capacity=2, days_ahead=10, publish=True, **overrides):
    start = timezone.now() + dt.timedelta(days=days_ahead)
    values = {
        "title": "事例発表会：救急搬送IT変革",
        "kind": "case_talk",
        "description": "担当者が自らの言葉で語ります。",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "capacity": capacity,
        "place": "佐賀県庁",
    } | overrides
    created = services.create_event(actor=office, **values)
    if publish:
        services.publish_event(created, actor=office)
    return created


def public_registration(event_, name, email, *, join_waiting_list=True):
    """A member of the public registers and confirms by the mailed link's token."""
    pending = services.request_registration(event_, actor=AnonymousUser(), name=name, email=email)
    assert pending is not None, "the address was registered already"
    return services.confirm_registration(
        pending.token, actor=AnonymousUser(), join_waiting_list=join_waiting_list
    )
