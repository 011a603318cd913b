"""Cases and manuals built through the real services, for the tests."""

from ciodispatch.knowhow import services
from tests.conftest import lg

COMPLETE = {
    "summary": "全救急車にタブレット端末を配備し、受入可否を共有した。",
    "theme": "emergency_medical",
    "year_from": 2011,
    "year_to": 2013,
    "challenges": ["no_budget", "organisational_walls"],
    "success_points": ["予算獲得：補助金や既存予算を再点検"],
    "spread_points": ["認知：受賞や事例紹介などでの情報拡散"],
    "roles": {"head": "ITを積極活用するというビジョン"},
}


def draft(actor, *, title="救急搬送 IT変革", codes=("410004",), **fields):
    return services.create_case_draft(
        title=title,
        local_governments=[lg(c) for c in codes],
        actor=actor,
        **{**COMPLETE, **fields},
    )


def published(office, *, title="救急搬送 IT変革", codes=("410004",), author=None, **fields):
    case = draft(author or office, title=title, codes=codes, **fields)
    services.submit_case(case, actor=author or office)
    return services.publish_case(case, actor=office)
