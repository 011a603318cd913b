from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ciodispatch import policy
from ciodispatch.core.dates import fiscal_year


@dataclass(frozen=True)
class HomeLink:
    action: policy.Action
    url_name: str
    title: Promise
    description: Promise
    # Not shown to those who may do this instead (e.g. the office's list over "your own").
    unless: policy.Action | None = None


# What the home page offers, each shown only to those the policy lets in.
HOME_LINKS = (
    # --- knowhow ---
    HomeLink(
        policy.Action.BROWSE_KNOWHOW,
        "knowhow:case_list",
        _("Cases of IT reform"),
        _("Search the published cases, manuals and awards: what worked and how to spread it."),
    ),
    HomeLink(
        policy.Action.VIEW_RECOMMENDATIONS,
        "knowhow:recommendations",
        _("Cases for you"),
        _("Cases chosen for your challenges, your readiness gaps and your domains."),
    ),
    HomeLink(
        policy.Action.LIST_OWN_CASES,
        "knowhow:workspace",
        _("Case workspace"),
        _("Draft a case, send it for review; the office reviews, publishes and keeps versions."),
    ),
    # --- end knowhow ---
    # --- portal and outreach ---
    HomeLink(
        policy.Action.VIEW_PORTAL,
        "portal:landing",
        _("About the programme"),
        _("What the programme does, its figures, and how success spreads to others."),
    ),
    HomeLink(
        policy.Action.VIEW_STATISTICS,
        "portal:statistics",
        _("Programme statistics"),
        _(
            "Requests, matches and dispatches by year, prefecture (map), region and challenge; "
            "open data."
        ),
    ),
    HomeLink(
        policy.Action.VIEW_EVENTS,
        "outreach:events",
        _("Events"),
        _("Case talks and lectures: open to anyone, with registration."),
    ),
    HomeLink(
        policy.Action.VIEW_SUPPORT,
        "outreach:support",
        _("Direct support from advanced regions"),
        _("Offer or request site visits, lectures and document reviews between governments."),
    ),
    # --- end portal and outreach ---
    HomeLink(
        policy.Action.REGISTER_AS_CANDIDATE,
        "candidates:register",
        _("Apply to become a certified CIO"),
        _("Experts in digital transformation: apply to join the national pool."),
    ),
    HomeLink(
        policy.Action.EXPORT_OWN_DATA,
        "candidates:application",
        _("Your application"),
        _("Fill in your application section by section, submit it, follow its review."),
    ),
    HomeLink(
        policy.Action.VIEW_TRAINING_CATALOGUE,
        "training:catalogue",
        _("Training"),
        _(
            "Public-sector training for CIOs, readiness training for host staff: "
            "sessions, enrolment, certificates."
        ),
    ),
    HomeLink(
        policy.Action.VIEW_OWN_READINESS,
        "readiness:own",
        _("Readiness"),
        _("Self-assess your organisation's readiness to host a CIO: scores, gaps and what to do."),
    ),
    HomeLink(
        policy.Action.LIST_READINESS,
        "readiness:list",
        _("Readiness of local governments"),
        _("The latest readiness self-assessment of each local government, by prefecture."),
    ),
    HomeLink(
        policy.Action.LIST_OWN_REQUESTS,
        "requests:mine",
        _("Dispatch requests"),
        _("File a request for a certified CIO, alone or jointly; follow its eligibility."),
    ),
    HomeLink(
        policy.Action.REVIEW_REQUESTS,
        "requests:office",
        _("Dispatch requests of the round"),
        _("Every request with its eligibility; approve, return or reject; charts and exports."),
    ),
    HomeLink(
        policy.Action.LIST_REVIEW_ASSIGNMENTS,
        "candidates:reviews",
        _("Applications to review"),
        _("Score the applications assigned to you against the round's criteria."),
    ),
    HomeLink(
        policy.Action.LIST_APPLICATIONS,
        "candidates:applications",
        _("Applications"),
        _("Assign reviewers, compare scores, decide, interview and certify."),
    ),
    HomeLink(
        policy.Action.VIEW_POOL,
        "candidates:pool",
        _("The pool of certified CIOs"),
        _("Search certified CIOs by skill, domain, region and availability; export it."),
    ),
    HomeLink(
        policy.Action.VIEW_LOCAL_GOVERNMENTS,
        "localgov:list",
        _("Local governments"),
        _("All 1,788 local governments: population, fiscal strength, region."),
    ),
    HomeLink(
        policy.Action.LIST_GROUPS,
        "localgov:groups",
        _("Groups of local governments"),
        _("Groups working together (広域連携) for joint dispatch requests."),
    ),
    HomeLink(
        policy.Action.VIEW_MATCH_ROUNDS,
        "matchround:office_list",
        _("Matching rounds"),
        _("Set up each year's round, move it through its phases, run, review and publish."),
    ),
    HomeLink(
        policy.Action.RANK_POSTS,
        "matchround:candidate_rank",
        _("Rank posts in the matching round"),
        _("Read the approved requests and rank the posts you would accept; see your results."),
    ),
    HomeLink(
        policy.Action.LIST_OWN_REQUESTS,
        "matchround:host_posts",
        _("Matching: rank the candidates"),
        _("Read the files of the candidates who ranked your post, record interviews, rank them."),
    ),
    # --- dispatches ---
    HomeLink(
        policy.Action.MANAGE_DISPATCHES,
        "dispatches:office",
        _("Dispatches"),
        _("Every dispatch and its state; fill declined places, decide extensions, assess."),
    ),
    HomeLink(
        policy.Action.LIST_OWN_DISPATCHES,
        "dispatches:mine",
        _("Your dispatches"),
        _("Accept a proposed dispatch, the appointment and its notice, the term, evaluations."),
        unless=policy.Action.MANAGE_DISPATCHES,
    ),
    # --- end dispatches ---
    # --- progress ---
    HomeLink(
        policy.Action.VIEW_PROGRESS_OVERVIEW,
        "progress:office",
        _("Progress of the dispatches"),
        _("Overdue plans and reports, help asked for, outcomes across dispatches."),
    ),
    HomeLink(
        policy.Action.LIST_OWN_PROGRESS,
        "progress:mine",
        _("Plans, reports and small wins"),
        _("The action plan, the monthly reports, small wins and KPI values of your dispatches."),
        unless=policy.Action.VIEW_PROGRESS_OVERVIEW,
    ),
    HomeLink(
        policy.Action.VIEW_PUBLIC_PROGRESS,
        "progress:wins",
        _("Small wins"),
        _("Small successes the host governments publish, and the outcomes of the programme."),
    ),
    # --- end progress ---
    # --- incentives ---
    HomeLink(
        policy.Action.LIST_CLAIMS,
        "incentives:office_claims",
        _("Incentive claims"),
        _("Claims of the hosts with their calculation: approve, adjust, reject, record payment."),
    ),
    HomeLink(
        policy.Action.VIEW_BUDGET,
        "incentives:budget",
        _("Programme budget"),
        _("Committed, paid and remaining by fiscal year, with a forecast and a what-if; Excel."),
    ),
    HomeLink(
        policy.Action.VIEW_INCENTIVE_RULES,
        "incentives:rules",
        _("Incentive rules"),
        _("The rules of each fiscal year (rate, ceilings, exclusions) and their versions."),
    ),
    # --- end incentives ---
    HomeLink(
        policy.Action.VIEW_PUBLIC_MATCH_SUMMARY,
        "matchround:public_list",
        _("Matching results"),
        _("How many CIOs each round matched, by region and prefecture."),
    ),
    HomeLink(
        policy.Action.VIEW_REGISTRY_IMPORTS,
        "localgov:imports",
        _("Registry imports"),
        _("Load the registry file again and see the result of each import."),
    ),
    HomeLink(
        policy.Action.VIEW_AUDIT_LOG,
        "audit:log",
        _("Audit log"),
        _("Every change made in the system: who, when, what."),
    ),
    HomeLink(
        policy.Action.VIEW_OWN_ACCOUNT,
        "accounts:account",
        _("Your account"),
        _("Your role, your organisation, your password and two-factor authentication."),
    ),
)


def home(request):
    user = request.user
    links = [
        {"url": reverse(link.url_name), "title": link.title, "description": link.description}
        for link in HOME_LINKS
        if policy.can(user, link.action)
        and not (link.unless is not None and policy.can(user, link.unless))
    ]
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    if organisation is not None and policy.can(user, policy.Action.VIEW_ORGANISATION, organisation):
        links.insert(
            0,
            {
                "url": reverse("accounts:organisation", args=[organisation.pk]),
                "title": organisation.name,
                "description": _("Your organisation: contact details and the people registered."),
            },
        )
    links.append(
        {
            "url": "/api/docs",
            "title": _("Open data API"),
            "description": _("The registry as JSON, with its OpenAPI description."),
        }
    )
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {"links": links, "today": today, "fiscal_year": fiscal_year(today)},
    )


home.policy_action = "public"
