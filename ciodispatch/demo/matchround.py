"""Demo matching rounds, built through the services.

- Last fiscal year's round, published: 60 approved requests of 多久市 and real small
  municipalities across Japan (a cap for 関東 below its posts, so the cap binds), the
  certified candidates ranking them with skewed popularity, every host ranking its
  applicants, one run, published. Its dates are in the past, so it is recorded under the
  demo's simulated clock.
- This fiscal year's round (the requests demo's round), in the candidates' ranking phase:
  its approved requests are the posts and most certified candidates free by its start have
  ranked already. Loaded after the dispatches demo (those whose dispatch has ended are free).

多久市 (host1) takes part last year: its post is ranked first by one candidate, whom it ranks
first (its CIO, who declines in February), and by candidate2 alone, whom it does not list, so
candidate2 is free when the office fills 多久市's place.
"""

import datetime as dt
import random

from django.utils import timezone

from ciodispatch.accounts.models import User
from ciodispatch.candidates.models import Application
from ciodispatch.demo import requests as requests_demo
from ciodispatch.demo.clock import simulated_clock
from ciodispatch.localgov.models import LocalGovernment
from ciodispatch.matchround import services
from ciodispatch.matchround.models import MatchRound, Post
from ciodispatch.requests import services as requests
from ciodispatch.requests.models import DispatchRequest, RequestRound

PAST_HOSTS = 60
TAKU = "412040"  # 多久市, host1's city
KANTO_CAP = 4


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _certified() -> list[Application]:
    today = timezone.localdate()
    return list(
        Application.objects.filter(state=Application.State.CERTIFIED, certified_until__gte=today)
        .select_related("user")
        .order_by("pk")
    )


def _rank_by_candidates(
    match_round: MatchRound,
    applications,
    rng: random.Random,
    share: float,
    always=(),
    taku_first="",
):
    """Most candidates rank 3–10 posts; a few posts are much more popular than others.

    Those in ``always`` take part whatever the draw and rank only the post of 多久市 (which
    does not list them: they stay free, and fill its place when its matched CIO declines).
    The login ``taku_first`` takes part and ranks 多久市 first (and 多久市 ranks them first:
    so 多久市 is matched, whatever the draw).
    """
    ranked = 0
    for application in applications:
        username = application.user.username
        if rng.random() > share and username not in always and username != taku_first:
            continue
        if services.unavailable_reason(match_round, application):
            continue  # still on last year's dispatch
        allowed, _hidden = services.visible_posts(match_round, application)
        if application.user.username in always:
            allowed = [post for post in allowed if post.request.host_id == TAKU]
        if not allowed:
            continue
        weights = [1 + 6 * (post.pk % 5 == 0) + 2 * (post.pk % 3 == 0) for post in allowed]
        choices: list[Post] = []
        for _i in range(min(len(allowed), rng.randint(3, 10))):
            pick = rng.choices(allowed, weights=weights)[0]
            if pick not in choices:
                choices.append(pick)
        if username == taku_first:
            taku = [post for post in allowed if post.request.host_id == TAKU]
            choices = taku + [post for post in choices if post not in taku]
        services.save_candidate_ranking(
            match_round, [p.pk for p in choices], actor=application.user
        )
        ranked += 1
    return ranked


def _rank_by_hosts(
    match_round: MatchRound, rng: random.Random, interviews: bool, leave_out=(), first=""
) -> None:
    """Every host ranks its applicants; 多久市 leaves out those in ``leave_out`` and puts
    ``first`` first (logins)."""
    for post in match_round.posts.select_related("request__host", "request__group__lead"):
        applicants = services.applicants_of(post)
        if post.request.host_id == TAKU:
            applicants = [a for a in applicants if a.user.username not in leave_out]
        if not applicants:
            continue
        liaison = post.request.liaison
        order = applicants[:]
        rng.shuffle(order)
        # Hosts leave out about one applicant in eight (not acceptable to them).
        keep = [a.pk for a in order if rng.random() > 0.12] or [order[0].pk]
        if post.request.host_id == TAKU:
            top = [a.pk for a in order if a.user.username == first]
            keep = top + [pk for pk in keep if pk not in top]
        if interviews:
            for application in order[:2]:
                services.record_interview(
                    post,
                    application,
                    actor=liaison,
                    held_on=timezone.localdate() - dt.timedelta(days=3),
                    interviewers="総務課長、情報政策係長",
                    notes="自治体での実務経験と、職員を巻き込む進め方について伺った。",
                )
        services.save_host_ranking(post, keep, actor=liaison)


def past_round_opens(year: int) -> dt.date:
    """When the requests of a past fiscal year's round opened (1 September the year before)."""
    return dt.date(year - 1, 9, 1)


def past_request_round(
    year: int, *, title: str, population_limit: int | None, min_readiness_score: int | None
) -> RequestRound:
    """The request round of a past fiscal year on the demo's calendar: open from
    ``past_round_opens`` to 30 November, dispatches from 1 April."""
    return requests.configure_round(
        year,
        actor=None,
        title=title,
        requests_open=past_round_opens(year),
        requests_close=dt.date(year - 1, 11, 30),
        dispatch_start=dt.date(year, 4, 1),
        population_limit=population_limit,
        min_readiness_score=min_readiness_score,
    )


def past_match_round(request_round: RequestRound, *, actor, **options) -> MatchRound:
    """The matching round of a past request round on the demo's calendar: candidates rank in
    December, hosts until 20 January, the result is published on 31 January."""
    year = request_round.fiscal_year
    return services.configure_round(
        request_round,
        actor=actor,
        candidates_rank_from=dt.date(year - 1, 12, 1),
        candidates_rank_until=dt.date(year - 1, 12, 25),
        hosts_rank_until=dt.date(year, 1, 20),
        publish_on=dt.date(year, 1, 31),
        **options,
    )


def _past_round(office: User, rng: random.Random) -> list[str]:
    today = timezone.localdate()
    current_fy = today.year if today.month >= 4 else today.year - 1
    year = current_fy  # dispatches of this fiscal year were matched in the previous one
    if RequestRound.objects.filter(fiscal_year=year).exists():
        return ["matching: last year's round already loaded"]
    with simulated_clock(past_round_opens(year)) as clock:
        request_round = past_request_round(
            year,
            title=f"{year}年度 認定CIO派遣 要請受付",
            population_limit=50_000,
            min_readiness_score=60,
        )
        clock.set(_at(dt.date(year - 1, 9, 10)))
        cohort = requests_demo.readiness_cohort()
        clock.set(_at(dt.date(year - 1, 10, 20)))
        # 多久市 (host1) took part last year too, so its staff can read a published result.
        hosts = [LocalGovernment.objects.get(code="412040")]
        hosts += requests_demo.other_hosts(PAST_HOSTS - 1, skip=60)
        for lg in hosts:
            requests_demo.approved_request(request_round, lg, office=office, rng=rng, cohort=cohort)
        kanto = sum(1 for lg in hosts if lg.prefecture_code in {f"{n:02d}" for n in range(8, 15)})
        clock.set(_at(dt.date(year - 1, 12, 1)))
        match_round = past_match_round(
            request_round,
            actor=office,
            region_caps={"kanto": min(KANTO_CAP, max(kanto - 1, 0))},
            national_cap=50,
            seed=20250131,
        )
        services.open_candidate_ranking(match_round, actor=office)
        clock.set(_at(dt.date(year - 1, 12, 10)))
        # One candidate (free of 多久市's vendors) ranks 多久市 first, and it them: its CIO,
        # who declines in February (see the dispatches demo).
        taku = match_round.posts.get(request__host_id=TAKU)
        certified = _certified()
        first = next(
            (
                a.user.username
                for a in certified
                if a.user.username != "candidate2"
                and taku.pk in services.visible_post_ids(match_round, a)[0]
            ),
            "",
        )
        ranked = _rank_by_candidates(
            match_round, certified, rng, share=0.85, always={"candidate2"}, taku_first=first
        )
        clock.set(_at(dt.date(year - 1, 12, 26)))
        services.advance(match_round, MatchRound.Phase.HOSTS_RANK, actor=office)
        clock.set(_at(dt.date(year, 1, 10)))
        _rank_by_hosts(match_round, rng, interviews=False, leave_out={"candidate2"}, first=first)
        clock.set(_at(dt.date(year, 1, 21)))
        services.advance(match_round, MatchRound.Phase.RUN, actor=office)
        run = services.start_run(match_round, actor=office)
        run = services.execute_run(run.pk)
        clock.set(_at(dt.date(year, 1, 31)))
        match_round.refresh_from_db()
        services.publish(match_round, run, actor=office)
    matched = sum(1 for h in run.output["assignment"].values() if h)
    return [
        f"matching: {request_round.title} published — {len(hosts)} posts, {ranked} candidates "
        f"ranked, {matched} matched (関東 cap {match_round.region_caps.get('kanto')})"
    ]


def _current_round(office: User, rng: random.Random) -> list[str]:
    today = timezone.localdate()
    request_round = (
        RequestRound.objects.filter(requests_close__lt=today).order_by("-fiscal_year").first()
    )
    if request_round is None or MatchRound.objects.filter(request_round=request_round).exists():
        return ["matching: no closed request round for a current matching round"]
    if not DispatchRequest.objects.filter(
        request_round=request_round, state=DispatchRequest.State.APPROVED
    ).exists():
        return ["matching: the current round has no approved request"]
    match_round = services.configure_round(
        request_round,
        actor=office,
        candidates_rank_from=max(request_round.requests_close, today - dt.timedelta(days=5)),
        candidates_rank_until=today + dt.timedelta(days=14),
        hosts_rank_until=today + dt.timedelta(days=35),
        publish_on=today + dt.timedelta(days=50),
        region_caps={"kyushu": 6},
    )
    services.open_candidate_ranking(match_round, actor=office)
    # candidate1 and candidate2 are left to rank themselves.
    others = [a for a in _certified() if a.user.username not in ("candidate1", "candidate2")]
    ranked = _rank_by_candidates(match_round, others, rng, share=0.6)
    return [
        f"matching: {request_round.title} open for candidates' ranking — "
        f"{match_round.posts.count()} posts, {ranked} candidates ranked"
    ]


def load_matching_demo(*, office: User) -> list[str]:
    """Last year's round (before the dispatches demo, which takes its proposals on)."""
    return _past_round(office, random.Random(55))


def load_current_matching_demo(*, office: User) -> list[str]:
    """This year's round, opened this week: after the dispatches demo, so that those whose
    dispatch ended, or who declined, are free to rank."""
    return _current_round(office, random.Random(56))
