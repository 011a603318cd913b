"""A small matching round built through the real services, for the tests.

Posts: 多久市 (systems from 富士通), 嬉野市 (NEC), 新宮町 in 福岡県 (no vendors). candidate2 is
certified and once worked for 富士通株式会社, so 多久市 is hidden from them.
"""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from ciodispatch.accounts import services as accounts
from ciodispatch.accounts.models import Role
from ciodispatch.candidates import services as candidates
from ciodispatch.candidates.services import Decision
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound
from ciodispatch.requests import services as requests
from tests.candidates.helpers import new_candidate, submitted_application
from tests.conftest import lg
from tests.requests.helpers import complete_readiness_training, fill, open_round


def head_of(code: str, username: str):
    local_government = lg(code)
    return accounts.create_user(
        username=username,
        role=Role.HOST_HEAD,
        organisation=accounts.get_or_create_local_government_organisation(
            local_government, actor=None
        ),
        password=None,
        actor=None,
        last_name=local_government.name,
        first_name="首長",
    )


def approved_request(request_round, code, liaison, head, office, vendors):
    complete_readiness_training(liaison, head)
    request = requests.start_request(request_round, actor=liaison, host=lg(code))
    request = fill(request, liaison, liaison=liaison, counterpart=head, vendors=vendors)
    requests.submit_request(request, actor=liaison)
    request.refresh_from_db()
    requests.sign_commitment(request, actor=head, text=requests.commitment_text(request))
    request.refresh_from_db()
    return requests.decide_request(request, actor=office, decision="approve", comment="")


def second_reviewer(personas):
    """A reviewer other than the persona, so the persona's assignments stay as they were."""
    return accounts.create_user(
        username="reviewer-matching",
        role=Role.REVIEWER,
        organisation=personas.reviewer.organisation,
        password=None,
        actor=None,
        last_name="審査",
        first_name="委員",
    )


def certify(personas, user, monkeypatch, reviewer=None, **kwargs):
    monkeypatch.setattr(candidates, "public_sector_training_completed", lambda u: True)
    app = submitted_application(user, **kwargs)
    reviewer = reviewer or personas.reviewer
    assignment = candidates.assign_reviewer(app, reviewer, actor=personas.office)
    scores = {c.pk: (4, "良い") for c in app.review_round.criteria.all()}
    candidates.submit_scores(assignment, actor=reviewer, scores=scores)
    candidates.decide(app, actor=personas.office, decision=Decision.PASS, reason="合格")
    return candidates.certify(app, actor=personas.office)


def build_round(personas, monkeypatch, *, extra_candidates=0, reviewer=None, **round_settings):
    """Three approved requests, a round open for candidates, candidate2 (and extras) certified."""
    office = personas.office
    # A fiscal year of its own, so other fixtures' requests of this year do not collide.
    request_round = open_round(fiscal_year=today().year + 1)
    taku = approved_request(
        request_round, "412040", personas.host1, personas.host1_head, office, ("富士通",)
    )
    ureshino = approved_request(
        request_round, "412091", personas.host2, head_of("412091", "ureshino-head"), office,
        ("NEC",),
    )  # fmt: skip
    shingu = approved_request(
        request_round, "403458", personas.host_fukuoka, head_of("403458", "shingu-head"),
        office, (),
    )  # fmt: skip
    close = request_round.requests_close
    settings = {
        "candidates_rank_from": close,
        "candidates_rank_until": close + dt.timedelta(days=10),
        "hosts_rank_until": close + dt.timedelta(days=20),
        "publish_on": close + dt.timedelta(days=30),
        "seed": 7,
    } | round_settings
    match_round = services.configure_round(request_round, actor=office, **settings)
    services.open_candidate_ranking(match_round, actor=office)
    app2 = certify(
        personas, personas.candidate2, monkeypatch, reviewer,
        vendors=("富士通株式会社",), email="c2@x.jp",
    )  # fmt: skip
    extras = [
        certify(personas, new_candidate(f"extra{i}"), monkeypatch, email=f"extra{i}@x.jp")
        for i in range(extra_candidates)
    ]
    posts = {p.request.host_id: p for p in match_round.posts.select_related("request")}
    return SimpleNamespace(
        round=match_round,
        request_round=request_round,
        taku=posts["412040"],
        ureshino=posts["412091"],
        shingu=posts["403458"],
        requests=(taku, ureshino, shingu),
        app2=app2,
        extras=extras,
    )


def to_hosts_phase(setup, personas):
    services.advance(setup.round, MatchRound.Phase.HOSTS_RANK, actor=personas.office)


def run_now(setup, personas, reason=""):
    """Close the rankings (if open), run and solve at once (as the worker would)."""
    match_round = MatchRound.objects.get(pk=setup.round.pk)
    if match_round.phase == MatchRound.Phase.HOSTS_RANK:
        services.advance(match_round, MatchRound.Phase.RUN, actor=personas.office)
    run = services.start_run(match_round, actor=personas.office, reason=reason)
    return services.execute_run(run.pk)


def today():
    return timezone.localdate()
