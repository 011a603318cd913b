"""The pages each role uses most (issue #18, item 4), each with the URLs it is read at.

A page's ``urls`` takes the samples and returns its URLs (read in turn, so a search page is
timed over several words), or raises ``NoSample`` when the database lacks what it needs.
Pages still to be built name their issue instead of a URL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from bench.pages.samples import NoSample, Samples

PUBLIC, OFFICE, HOST, CANDIDATE = "public", "office", "host", "candidate"

# Two-character words, as people type them into the case search (docs/search.md's set).
TWO_CHARACTER_WORDS = [
    "予算", "人材", "首長", "救急", "医療", "防災", "災害", "窓口", "観光", "農業",
    "介護", "学校", "調達", "戦略", "組織", "AI", "DX", "京都", "東京", "福岡",
]  # fmt: skip


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    urls: Callable[[Samples], list[str]] | None = None
    not_built: str = ""  # the issue that builds it


def _need(value, what: str):
    if value is None:
        raise NoSample(what)
    return value


def _with(name: str, params: dict | None = None, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(params)}" if params else url


def _pool_searches(_samples: Samples) -> list[str]:
    from ciodispatch.candidates.choices import Domain, SkillRole

    searches = [{"role": role.value, "min_level": 3} for role in SkillRole]
    searches += [{"domain": domain.value} for domain in Domain]
    searches += [{"q": "自治体"}, {"q": "DX"}]
    return [_with("candidates:pool", params) for params in searches]


def _case_searches(_samples: Samples) -> list[str]:
    return [_with("knowhow:case_list", {"q": word}) for word in TWO_CHARACTER_WORDS]


def _round(samples: Samples) -> list[str]:
    match_round = _need(samples.match_round, "a matching round with posts")
    return [_with("matchround:office_detail", pk=match_round.pk)]


def _review(samples: Samples) -> list[str]:
    run = _need(samples.match_run, "a succeeded matching run")
    return [_with("matchround:run_detail", pk=run.pk)]


def _audit_by_actor(samples: Samples) -> list[str]:
    if not samples.audit_actor:
        raise NoSample("an audit event with an actor")
    return [_with("audit:log", {"actor": samples.audit_actor})]


def _host_request(samples: Samples) -> list[str]:
    req = _need(samples.host_request, "an active dispatch whose host has a liaison")
    return [_with("requests:detail", pk=req.pk)]


def _host_dispatch(samples: Samples) -> list[str]:
    dispatch = _need(samples.host_dispatch, "an active dispatch whose host has a liaison")
    return [_with("dispatches:detail", pk=dispatch.pk)]


def _fixed(name: str, params: dict | None = None) -> Callable[[Samples], list[str]]:
    return lambda _samples: [_with(name, params)]


PAGES = [
    Page("landing", PUBLIC, _fixed("portal:landing")),
    Page("statistics", PUBLIC, _fixed("portal:statistics")),
    Page("case search, 2-character words", PUBLIC, _case_searches),
    Page("case list, no query", PUBLIC, _fixed("knowhow:case_list")),
    Page("public posts", PUBLIC, not_built="issue #16"),
    Page("office home", OFFICE, _fixed("core:home")),
    Page("work queue (/api/me/tasks)", OFFICE, lambda _samples: ["/api/me/tasks"]),
    Page("applications", OFFICE, _fixed("candidates:applications")),
    Page("pool search", OFFICE, _pool_searches),
    Page("requests list", OFFICE, _fixed("requests:office")),
    Page("round (posts and rankings)", OFFICE, _round),
    Page("round review (a run)", OFFICE, _review),
    Page("dispatches", OFFICE, _fixed("dispatches:office")),
    Page("progress, all dispatches", OFFICE, _fixed("progress:office")),
    Page("claims", OFFICE, _fixed("incentives:office_claims")),
    Page("budget", OFFICE, _fixed("incentives:budget")),
    Page("audit log", OFFICE, _fixed("audit:log")),
    Page("audit log, one actor", OFFICE, _audit_by_actor),
    Page("host home", HOST, _fixed("core:home")),
    Page("its request", HOST, _host_request),
    Page("its dispatch", HOST, _host_dispatch),
    Page("candidate home", CANDIDATE, _fixed("core:home")),
    Page("ranking page", CANDIDATE, _fixed("matchround:candidate_rank")),
]


def reader(samples: Samples, role: str):
    """The user a role's pages are read as (None: anonymous); NoSample if there is none."""
    if role == PUBLIC:
        return None
    user = {OFFICE: samples.office, HOST: samples.host, CANDIDATE: samples.candidate}[role]
    return _need(user, f"a {role} account")
