"""Every access decision goes through here; the default is deny.

Pages and API endpoints ask ``can(user, action, obj)`` (or ``require``, or ``guard`` on a
view); services ask again before they write. This module holds the action catalogue and a
small engine, and imports no app. The rules live beside their apps in ``<app>/rules.py``,
named functions registered with ``@rule(Action.X)`` and discovered at start-up as the admin
discovers ``admin.py``. An action without a rule is refused. tests/test_permission_matrix.py
pins the table down and tests/matrix/test_list_scoping.py holds each list form to its rule.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.module_loading import autodiscover_modules

Rule = Callable[[Any, Any], bool]


class Action(StrEnum):
    # Local-government registry (public reference data).
    VIEW_LOCAL_GOVERNMENTS = "localgov.view"
    IMPORT_LOCAL_GOVERNMENTS = "localgov.import"
    VIEW_REGISTRY_IMPORTS = "localgov.view_imports"
    # Groups of local governments (広域連携).
    LIST_GROUPS = "localgov.group.list"
    VIEW_GROUP = "localgov.group.view"
    CREATE_GROUP = "localgov.group.create"
    ADD_GROUP_MEMBER = "localgov.group.add_member"
    # Organisations and accounts.
    VIEW_OWN_ACCOUNT = "accounts.self.view"
    VIEW_ORGANISATION = "accounts.organisation.view"
    CHANGE_ORGANISATION = "accounts.organisation.change"
    # Audit log.
    VIEW_AUDIT_LOG = "audit.view"
    # requests: dispatch requests, commitment, eligibility
    CONFIGURE_REQUEST_ROUND = "requests.round.configure"
    LIST_OWN_REQUESTS = "requests.list_own"
    START_REQUEST = "requests.start"
    VIEW_REQUEST = "requests.view"
    EDIT_REQUEST = "requests.edit"
    SIGN_COMMITMENT = "requests.sign_commitment"
    CONFIRM_MEMBERSHIP = "requests.confirm_membership"
    REVIEW_REQUESTS = "requests.review"
    DECIDE_REQUEST = "requests.decide"
    # training: courses, sessions, enrolment, completion, certificates
    VIEW_TRAINING_CATALOGUE = "training.catalogue.view"
    VIEW_TRAINING_SESSION = "training.session.view"
    ENROL_IN_SESSION = "training.enrol"
    ENROL_OTHERS = "training.enrol_others"
    CANCEL_ENROLMENT = "training.enrolment.cancel"
    DOWNLOAD_TRAINING_CERTIFICATE = "training.certificate.download"
    VIEW_OWN_TRAINING = "training.own.view"
    MANAGE_OWN_TRAINING_CALENDAR = "training.calendar.manage"
    MANAGE_COURSES = "training.course.manage"
    SCHEDULE_TRAINING_SESSION = "training.session.schedule"
    VIEW_TRAINING_ROSTER = "training.session.roster"
    RECORD_ATTENDANCE = "training.enrolment.attendance"
    RECORD_COMPLETION = "training.enrolment.completion"
    # candidates: application, review, certification, pool, personal data
    REGISTER_AS_CANDIDATE = "candidates.register"
    EDIT_APPLICATION = "candidates.application.edit"
    VIEW_APPLICATION = "candidates.application.view"
    DOWNLOAD_CV = "candidates.application.download_cv"
    LIST_APPLICATIONS = "candidates.application.list"
    CONFIGURE_REVIEW = "candidates.review.configure"
    ASSIGN_REVIEWERS = "candidates.review.assign"
    DECLARE_CONFLICT = "candidates.review.declare_conflict"
    LIST_REVIEW_ASSIGNMENTS = "candidates.review.list_assignments"
    REVIEW_APPLICATION = "candidates.review.score"
    VIEW_SCORES = "candidates.review.view_scores"
    DECIDE_APPLICATION = "candidates.application.decide"
    CERTIFY = "candidates.certification.certify"
    CHANGE_CERTIFICATION = "candidates.certification.change"
    VIEW_POOL = "candidates.pool.view"
    EXPORT_OWN_DATA = "candidates.personal_data.export"
    REQUEST_DELETION = "candidates.personal_data.request_deletion"
    COMPLETE_DELETION = "candidates.personal_data.complete_deletion"
    # readiness: the host government's readiness self-assessment
    VIEW_OWN_READINESS = "readiness.own.view"
    VIEW_READINESS = "readiness.view"
    LIST_READINESS = "readiness.list"
    START_ASSESSMENT = "readiness.assessment.start"
    EDIT_ASSESSMENT = "readiness.assessment.edit"
    SUBMIT_ASSESSMENT = "readiness.assessment.submit"
    VIEW_ASSESSMENT = "readiness.assessment.view"
    PUBLISH_QUESTIONNAIRE = "readiness.questionnaire.publish"
    # knowhow: cases, manuals, awards, recommendations
    BROWSE_KNOWHOW = "knowhow.browse"
    VIEW_CASE = "knowhow.case.view"
    LIST_OWN_CASES = "knowhow.case.list_own"
    DRAFT_CASE = "knowhow.case.draft"
    EDIT_CASE = "knowhow.case.edit"
    SUBMIT_CASE = "knowhow.case.submit"
    REVIEW_CASES = "knowhow.case.review"
    MANAGE_MANUALS = "knowhow.manual.manage"
    RECORD_AWARD = "knowhow.award.record"
    VIEW_RECOMMENDATIONS = "knowhow.recommendations.view"
    # matchround: the yearly matching round: rankings, runs, results
    CONFIGURE_MATCH_ROUND = "matchround.configure"
    VIEW_MATCH_ROUNDS = "matchround.office.view"
    RUN_MATCH = "matchround.run"
    PUBLISH_MATCH = "matchround.publish"
    EXPORT_MATCH_RESULT = "matchround.export"
    RANK_POSTS = "matchround.rank_posts"
    VIEW_POST = "matchround.post.view"
    RANK_CANDIDATES = "matchround.rank_candidates"
    VIEW_APPLICANT = "matchround.applicant.view"
    VIEW_OWN_MATCH_RESULT = "matchround.result.own"
    VIEW_PUBLIC_MATCH_SUMMARY = "matchround.summary.public"
    # dispatches: acceptance, appointment, the term, evaluations
    LIST_OWN_DISPATCHES = "dispatches.list_own"
    VIEW_DISPATCH = "dispatches.view"
    ANSWER_AS_CIO = "dispatches.answer_as_cio"
    ANSWER_AS_HOST = "dispatches.answer_as_host"
    SET_APPOINTMENT = "dispatches.appointment.set"
    CONFIRM_APPOINTMENT = "dispatches.appointment.confirm"
    DOWNLOAD_NOTICE = "dispatches.notice.download"
    START_DISPATCH = "dispatches.start"
    END_DISPATCH = "dispatches.end"
    REQUEST_EXTENSION = "dispatches.extension.request"
    DECIDE_EXTENSION = "dispatches.extension.decide"
    MANAGE_DISPATCHES = "dispatches.manage"
    EVALUATE_AS_HOST = "dispatches.evaluate.host"
    EVALUATE_AS_CIO = "dispatches.evaluate.cio"
    ASSESS_DISPATCH = "dispatches.evaluate.office"
    DRAFT_CASE_FROM_DISPATCH = "dispatches.case_draft"
    # progress: action plans, monthly reports, small wins, KPI measurements
    VIEW_PROGRESS = "progress.view"
    LIST_OWN_PROGRESS = "progress.list_own"
    VIEW_PROGRESS_OVERVIEW = "progress.office.view"
    WRITE_ACTION_PLAN = "progress.plan.write"
    WRITE_REPORT = "progress.report.write"
    COMMENT_PROGRESS = "progress.comment"
    POST_SMALL_WIN = "progress.win.post"
    PUBLISH_SMALL_WIN = "progress.win.publish"
    RECORD_KPI = "progress.kpi.record"
    VIEW_PUBLIC_PROGRESS = "progress.public.view"
    VIEW_SMALL_WIN = "progress.win.view"
    # incentives: rules, claims, the programme budget
    VIEW_DISPATCH_CLAIMS = "incentives.dispatch.view"
    FILE_CLAIM = "incentives.claim.file"
    VIEW_CLAIM = "incentives.claim.view"
    EDIT_CLAIM = "incentives.claim.edit"
    LIST_CLAIMS = "incentives.claims.list"
    DECIDE_CLAIM = "incentives.claim.decide"
    VIEW_INCENTIVE_RULES = "incentives.rules.view"
    EDIT_INCENTIVE_RULES = "incentives.rules.edit"
    VIEW_BUDGET = "incentives.budget.view"
    SET_BUDGET = "incentives.budget.set"
    # outreach: direct support from advanced regions, events
    VIEW_SUPPORT = "outreach.support.view"
    OFFER_SUPPORT = "outreach.offer.create"
    VIEW_SUPPORT_OFFER = "outreach.offer.view"
    EDIT_SUPPORT_OFFER = "outreach.offer.edit"
    REVIEW_SUPPORT_OFFER = "outreach.offer.review"
    WITHDRAW_SUPPORT_OFFER = "outreach.offer.withdraw"
    REQUEST_SUPPORT = "outreach.request.create"
    VIEW_SUPPORT_REQUEST = "outreach.request.view"
    WITHDRAW_SUPPORT_REQUEST = "outreach.request.withdraw"
    DECIDE_SUPPORT_REQUEST = "outreach.request.decide"
    RECORD_SUPPORT_VISIT = "outreach.request.record_visit"
    LIST_SUPPORT_REQUESTS = "outreach.request.list_all"
    VIEW_EVENTS = "outreach.events.view"
    VIEW_EVENT = "outreach.event.view"
    REGISTER_FOR_EVENT = "outreach.event.register"
    CANCEL_REGISTRATION = "outreach.registration.cancel"
    CANCEL_REGISTRATION_BY_LINK = "outreach.registration.cancel_by_link"
    CONFIRM_REGISTRATION_BY_LINK = "outreach.registration.confirm_by_link"
    MANAGE_EVENTS = "outreach.event.manage"
    VIEW_EVENT_ROSTER = "outreach.event.roster"
    # portal: public landing page, statistics, open data
    VIEW_PORTAL = "portal.view"
    VIEW_STATISTICS = "portal.statistics.view"


RULES: dict[Action, Rule] = {}


def rule(*actions: Action) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule of ``actions``; a second rule for one
    action is refused at start-up."""

    def register(function: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise ImproperlyConfigured(
                    f"{action!r} already has a rule ({RULES[action].__module__}."
                    f"{RULES[action].__qualname__}); {function.__module__}."
                    f"{function.__qualname__} cannot be a second one"
                )
            RULES[action] = function
        return function

    return register


def autodiscover() -> None:
    """Import every installed app's ``rules`` module (called once, from an AppConfig.ready)."""
    autodiscover_modules("rules")


def can(user, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    found = RULES.get(action)
    if found is None or user is None:
        return False
    if user.is_authenticated and not user.is_active:
        return False
    return bool(found(user, obj))


def require(user, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} refused")


def guard(action: Action, *, load: Callable[..., Any] | None = None):
    """Decorate a view: check ``action`` before it runs.

    ``load(request, **kwargs)`` fetches the object the action is about (404 if missing); the
    view then receives it as ``obj`` in place of the URL arguments. An anonymous visitor who
    is refused is sent to the login page; a signed-in user who is refused gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # Anonymous visitors are refused before any lookup: no answer reveals what exists.
            if not request.user.is_authenticated and not can(AnonymousUser(), action):
                return redirect_to_login(request.get_full_path())
            obj = load(request, **kwargs) if load is not None else None
            if not can(request.user, action, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            if load is not None:
                return view(request, obj)
            return view(request, *args, **kwargs)

        setattr(wrapped, "policy_action", action)  # noqa: B010 - read by tests/test_url_policy.py
        return wrapped

    return decorator
