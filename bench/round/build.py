"""A national-size matching round in the database, written in bulk.

~1,000 posts (approved requests of as many municipalities, 1-2 places each) and ~10,000
certified candidates; each candidate ranks 5-20 posts with skewed popularity (a few posts
are ranked by hundreds), each post ranks up to 20 of the candidates who ranked it (by a shared
score plus noise). Some candidates are out of the round in every way the snapshot checks: a
lapsed certification (2%), a dispatch of an earlier round lasting past this round's start
(4%; 2% more had one that ended before), and vendor affiliations (8% current, 4% old) with
the vendors the hosts declare. The round is left in its "run" phase, rankings closed.

Rows are written with ``bulk_create`` (the services would take hours at this size); the
round itself is configured through ``matchround.services.configure_round``.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

VENDORS = [
    "富士通",
    "NEC",
    "日立システムズ",
    "TKC",
    "RKKCS",
    "両備システムズ",
    "Gcom",
    "BSNアイネット",
]


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def build_round(
    *, posts: int = 1_000, candidates: int = 10_000, seed: int = 18, prefix: str = "bench"
) -> SimpleNamespace:
    """Write the round (see the module docstring); returns the round, the office user, a
    free candidate's user (for the ranking page) and the sizes written."""
    from django.db.models import Max
    from django.utils import timezone

    from ciodispatch.accounts import services as accounts
    from ciodispatch.accounts.models import Role, User
    from ciodispatch.candidates.models import Application, VendorAffiliation
    from ciodispatch.dispatches.models import Dispatch
    from ciodispatch.localgov.models import Kind, LocalGovernment
    from ciodispatch.localgov.regions import region_of
    from ciodispatch.localgov.services import BUNDLED_REGISTRY, import_local_governments
    from ciodispatch.matchround import services
    from ciodispatch.matchround.models import CandidateRanking, HostRanking, MatchRound, Post
    from ciodispatch.requests.models import DispatchRequest, RequestRound

    rng = random.Random(seed)
    today = timezone.localdate()
    if not LocalGovernment.objects.exists():
        import_local_governments(BUNDLED_REGISTRY, actor=None)
    office = User.objects.create(
        username=f"{prefix}-office",
        role=Role.OFFICE_OFFICER,
        organisation=accounts.get_or_create_programme_office(actor=None),
        email=f"{prefix}-office@example.jp",
    )
    year = (RequestRound.objects.aggregate(y=Max("fiscal_year"))["y"] or today.year) + 3
    start = _months_later(today, 4)
    earlier = RequestRound.objects.create(
        fiscal_year=year - 2,
        title=f"{year - 2}年度（ベンチマーク）",
        requests_open=today - dt.timedelta(days=800),
        requests_close=today - dt.timedelta(days=770),
        dispatch_start=start.replace(year=start.year - 2),
    )
    current = RequestRound.objects.create(
        fiscal_year=year,
        title=f"{year}年度（ベンチマーク）",
        requests_open=today - dt.timedelta(days=60),
        requests_close=today - dt.timedelta(days=30),
        dispatch_start=start,
    )
    towns = list(LocalGovernment.objects.exclude(kind=Kind.PREFECTURE).order_by("code"))
    hosts = rng.sample(towns, posts)

    def request(round_, government, term):
        return DispatchRequest(
            request_round=round_,
            host=government,
            filed_by=office,
            state=DispatchRequest.State.APPROVED,
            title=f"{government.name}の業務改革とDX推進",
            term_months=term,
            vendors=rng.sample(VENDORS, rng.randint(0, 3)),
        )

    requests = DispatchRequest.objects.bulk_create(
        [request(current, g, rng.choice([12, 24])) for g in hosts], batch_size=500
    )
    old_requests = DispatchRequest.objects.bulk_create(
        [request(earlier, g, 36) for g in rng.sample(towns, 100)], batch_size=500
    )
    match_round = services.configure_round(
        current,
        actor=office,
        candidates_rank_from=current.requests_close,
        candidates_rank_until=current.requests_close + dt.timedelta(days=10),
        hosts_rank_until=current.requests_close + dt.timedelta(days=20),
        publish_on=current.requests_close + dt.timedelta(days=40),
        region_caps={"kanto": posts // 8},
        national_cap=posts,
        seed=seed,
    )
    post_rows = Post.objects.bulk_create(
        [
            Post(
                match_round=match_round,
                request=r,
                capacity=rng.choice([1, 1, 1, 2]),
                prefecture_code=r.host.prefecture_code,
                region=str(region_of(r.host.prefecture_code).value),
            )
            for r in requests
        ],
        batch_size=500,
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-cio-{i:05d}",
                role=Role.CANDIDATE,
                password="!",  # unusable: these accounts never sign in
                email=f"{prefix}-cio-{i:05d}@example.jp",
            )
            for i in range(candidates)
        ],
        batch_size=1_000,
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                user=u,
                state=Application.State.CERTIFIED,
                family_name=rng.choice(["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺"]),
                given_name=rng.choice(["一郎", "花子", "健太", "美咲", "翔", "陽菜"]),
                family_name_kana="サトウ",
                given_name_kana="イチロウ",
                email=u.email,
                submitted_at=now,
                certified_at=now,
                certified_until=today - dt.timedelta(days=10)
                if rng.random() < 0.02
                else today + dt.timedelta(days=400),
            )
            for u in users
        ],
        batch_size=1_000,
    )
    affiliations, dispatches = [], []
    for application in applications:
        draw = rng.random()
        if draw < 0.12:
            ended = None if draw < 0.08 else today.replace(year=today.year - 6)
            affiliations.append(
                VendorAffiliation(
                    application=application,
                    vendor=f"{rng.choice(VENDORS)}株式会社",
                    kind="employee",
                    start_date=today.replace(year=today.year - 10),
                    end_date=ended,
                )
            )
        draw = rng.random()
        if draw < 0.06:
            old = rng.choice(old_requests)
            begun = old.request_round.dispatch_start
            # 4%: busy past this round's start (36 months); 2%: ended a year before it.
            months = 36 if draw < 0.04 else 12
            dispatches.append(
                Dispatch(
                    request=old,
                    application=application,
                    state=Dispatch.State.ACTIVE if months == 36 else Dispatch.State.COMPLETED,
                    start_date=begun,
                    end_date=_months_later(begun, months) - dt.timedelta(days=1),
                )
            )
    VendorAffiliation.objects.bulk_create(affiliations, batch_size=1_000)
    Dispatch.objects.bulk_create(dispatches, batch_size=1_000)
    # Skewed popularity: weight 1 / (k + 10) for the k-th most popular post.
    popular = rng.sample(range(len(post_rows)), len(post_rows))
    cumulative, total = [], 0.0
    for k in range(len(post_rows)):
        total += 1.0 / (k + 10)
        cumulative.append(total)
    score = {a.pk: rng.random() for a in applications}
    ranked_by: dict[int, list[int]] = {p.pk: [] for p in post_rows}
    rankings = []
    for application in applications:
        want = min(len(post_rows), rng.randint(5, services.MAX_CANDIDATE_CHOICES))
        chosen: dict[int, None] = {}
        while len(chosen) < want:
            for k in rng.choices(range(len(post_rows)), cum_weights=cumulative, k=want):
                chosen.setdefault(post_rows[popular[k]].pk, None)
        ids = list(chosen)[:want]
        for pk in ids:
            ranked_by[pk].append(application.pk)
        rankings.append(
            CandidateRanking(match_round=match_round, application=application, posts=ids)
        )
    CandidateRanking.objects.bulk_create(rankings, batch_size=1_000)
    host_rankings = []
    for post in post_rows:
        applicants = sorted(
            ranked_by[post.pk], key=lambda pk: score[pk] + rng.random() * 0.3, reverse=True
        )
        if applicants:
            host_rankings.append(
                HostRanking(post=post, applications=applicants[:20], updated_by=office)
            )
    HostRanking.objects.bulk_create(host_rankings, batch_size=500)
    MatchRound.objects.filter(pk=match_round.pk).update(phase=MatchRound.Phase.RUN)
    match_round.refresh_from_db()
    busy = {d.application_id for d in dispatches}
    free = next(a for a in applications if a.pk not in busy and a.certified_until > today)
    return SimpleNamespace(
        round=match_round,
        office=office,
        candidate=free.user,
        posts=len(post_rows),
        candidates=len(applications),
        candidate_entries=sum(len(r.posts) for r in rankings),
        host_entries=sum(len(h.applications) for h in host_rankings),
    )
