"""Every access decision of the system, in one place. The default is deny.

Pages and API endpoints ask ``can(user, action, obj)`` (or ``require``) before they read or
write; services ask again before they write. An action without a rule is refused, so a new
feature is invisible until a rule here lets someone in. tests/test_permission_matrix.py
pins the whole table down: role × organisation × object × action.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


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
    # --- requests (dispatch requests, commitment, eligibility) ---
    CONFIGURE_REQUEST_ROUND = "requests.round.configure"
    LIST_OWN_REQUESTS = "requests.list_own"
    START_REQUEST = "requests.start"
    VIEW_REQUEST = "requests.view"
    EDIT_REQUEST = "requests.edit"
    SIGN_COMMITMENT = "requests.sign_commitment"
    CONFIRM_MEMBERSHIP = "requests.confirm_membership"
    REVIEW_REQUESTS = "requests.review"
    DECIDE_REQUEST = "requests.decide"
    # --- end requests ---
    # --- training (courses, sessions, enrolment, completion, certificates) ---
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
    # --- end training ---
    # --- candidates (application, review, certification, pool, personal data) ---
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
    # --- end candidates ---
    # --- readiness (the host government's readiness self-assessment) ---
    VIEW_OWN_READINESS = "readiness.own.view"
    VIEW_READINESS = "readiness.view"
    LIST_READINESS = "readiness.list"
    START_ASSESSMENT = "readiness.assessment.start"
    EDIT_ASSESSMENT = "readiness.assessment.edit"
    SUBMIT_ASSESSMENT = "readiness.assessment.submit"
    VIEW_ASSESSMENT = "readiness.assessment.view"
    PUBLISH_QUESTIONNAIRE = "readiness.questionnaire.publish"
    # --- end readiness ---
    # --- knowhow (cases, manuals, awards, recommendations) ---
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
    # --- end knowhow ---
    # --- matchround (the yearly matching round: rankings, runs, results) ---
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
    # --- end matchround ---
    # --- dispatches (acceptance, appointment, the term, evaluations) ---
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
    # --- end dispatches ---
    # --- progress (action plans, monthly reports, small wins, KPI measurements) ---
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
    # --- end progress ---
    # --- incentives (rules, claims, the programme budget) ---
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
    # --- end incentives ---
    # --- outreach (direct support from advanced regions, events) ---
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
    MANAGE_EVENTS = "outreach.event.manage"
    VIEW_EVENT_ROSTER = "outreach.event.roster"
    # --- end outreach ---
    # --- portal (public landing page, statistics, open data) ---
    VIEW_PORTAL = "portal.view"
    VIEW_STATISTICS = "portal.statistics.view"
    # --- end portal ---


def _role(user) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


def _is_office(user) -> bool:
    from ciodispatch.accounts.models import OFFICE_ROLES

    return _role(user) in OFFICE_ROLES


def _is_office_admin(user) -> bool:
    from ciodispatch.accounts.models import Role

    return _role(user) == Role.OFFICE_ADMIN


def _host_local_government(user):
    """The local government a host head or liaison works for, else None."""
    from ciodispatch.accounts.models import HOST_ROLES

    return user.local_government if _role(user) in HOST_ROLES else None


def _coordinated_prefecture(user) -> str | None:
    """The prefecture code a prefecture coordinator works for, else None."""
    from ciodispatch.accounts.models import Role

    if _role(user) == Role.PREFECTURE_COORDINATOR and user.local_government is not None:
        return user.local_government.prefecture_code
    return None


def _anyone(user, obj) -> bool:
    return True


def _signed_in(user, obj) -> bool:
    return bool(user.is_authenticated and _role(user))


def _office(user, obj) -> bool:
    return _is_office(user)


def _list_groups(user, obj) -> bool:
    return (
        _is_office(user)
        or _coordinated_prefecture(user) is not None
        or _host_local_government(user) is not None
    )


def _view_group(user, group) -> bool:
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    if prefecture is not None:
        return prefecture in group.prefecture_codes()
    own = _host_local_government(user)
    if own is not None:
        return group.lead_id == own.code or any(m.code == own.code for m in group.members.all())
    return False


def _create_group(user, lead) -> bool:
    """Office: any lead. Coordinator: their own prefecture as lead."""
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    if prefecture is None:
        return False
    return lead is None or (lead.is_prefecture and lead.prefecture_code == prefecture)


def _add_group_member(user, member) -> bool:
    if _is_office(user):
        return True
    prefecture = _coordinated_prefecture(user)
    return prefecture is not None and member is not None and member.prefecture_code == prefecture


def _view_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if _is_office(user):
        return True
    if user.organisation_id is not None and user.organisation_id == organisation.pk:
        return True
    # A coordinator sees the organisations of the municipalities in their prefecture.
    prefecture = _coordinated_prefecture(user)
    lg = organisation.local_government
    return prefecture is not None and lg is not None and lg.prefecture_code == prefecture


def _change_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    if _is_office_admin(user):
        return True
    # Hosts and coordinators keep their own organisation's contact details.
    works_for_it = _host_local_government(user) is not None or _coordinated_prefecture(user)
    return bool(works_for_it) and user.organisation_id == organisation.pk


# --- requests rule functions ---
def _files_requests(user, obj) -> bool:
    return _host_local_government(user) is not None or _coordinated_prefecture(user) is not None


def _start_request(user, target) -> bool:
    """A host for itself (obj: a LocalGovernment); a coordinator for a group it leads."""
    from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup

    own = _host_local_government(user)
    if isinstance(target, LocalGovernment):
        return own is not None and own.code == target.code
    if isinstance(target, LocalGovernmentGroup):
        prefecture = _coordinated_prefecture(user)
        return (
            prefecture is not None
            and target.lead.is_prefecture
            and (target.lead.prefecture_code == prefecture)
        )
    return target is None and _files_requests(user, None)


def _view_request(user, request) -> bool:
    if request is None:
        return False
    if _is_office(user):
        return True
    own = _host_local_government(user)
    if own is not None:
        return any(m.code == own.code for m in request.members())
    prefecture = _coordinated_prefecture(user)
    return prefecture is not None and prefecture in request.prefecture_codes()


def _edit_request(user, request) -> bool:
    if request is None or not request.is_editable:
        return False
    if request.is_joint:
        prefecture = _coordinated_prefecture(user)
        return prefecture is not None and request.group.lead.prefecture_code == prefecture
    own = _host_local_government(user)
    return own is not None and own.code == request.host_id


def _sign_commitment(user, request) -> bool:
    from ciodispatch.accounts.models import Role

    if request is None or request.is_joint or _role(user) != Role.HOST_HEAD:
        return False
    own = user.local_government
    return own is not None and own.code == request.host_id


def _confirm_membership(user, request) -> bool:
    """A member's head, or the lead prefecture's coordinator recording a paper confirmation."""
    from ciodispatch.accounts.models import Role

    if request is None or not request.is_joint:
        return False
    if _role(user) == Role.HOST_HEAD and user.local_government is not None:
        return any(m.code == user.local_government.code for m in request.members())
    prefecture = _coordinated_prefecture(user)
    return prefecture is not None and request.group.lead.prefecture_code == prefecture


# --- end requests rule functions ---


# --- candidates rule functions ---
def _anonymous(user, obj) -> bool:
    return not user.is_authenticated


def _reviewer(user, obj) -> bool:
    from ciodispatch.accounts.models import Role

    return _role(user) == Role.REVIEWER


def _own_application(user, application) -> bool:
    from ciodispatch.accounts.models import Role

    if _role(user) != Role.CANDIDATE:
        return False
    return application is None or application.user_id == user.pk


def _own_draft_application(user, application) -> bool:
    return _own_application(user, application) and (application is None or application.is_editable)


def _assigned_reviewer(user, application) -> bool:
    """A reviewer reads and scores only what the office assigned them, and never a file
    they declared a conflict with."""
    if not _reviewer(user, application) or application is None:
        return False
    return (
        application.assignments.filter(reviewer=user).exists()
        and not application.conflicts.filter(reviewer=user).exists()
    )


def _view_application(user, application) -> bool:
    if application is None:
        return False
    return (
        _is_office(user)
        or _own_application(user, application)
        or _assigned_reviewer(user, application)
    )


def _declare_conflict(user, application) -> bool:
    return _is_office(user) or _assigned_reviewer(user, application)


# --- end candidates rule functions ---


# --- readiness rule functions ---
def _hosts(user, local_government_code) -> bool:
    """Is ``user`` a head or liaison of the local government with this code?"""
    own = _host_local_government(user)
    return (
        own is not None
        and local_government_code is not None
        and (own.code == local_government_code)
    )


def _view_readiness(user, local_government) -> bool:
    """The government itself, its prefecture's coordinators (read only), the office."""
    if local_government is None:
        return False
    if _is_office(user) or _hosts(user, local_government.code):
        return True
    prefecture = _coordinated_prefecture(user)
    return prefecture is not None and local_government.prefecture_code == prefecture


def _view_assessment(user, assessment) -> bool:
    """A draft is seen only by its own government; a submitted one as its readiness."""
    if assessment is None:
        return False
    if _hosts(user, assessment.local_government_id):
        return True
    return assessment.is_submitted and _view_readiness(user, assessment.local_government)


def _edit_assessment(user, assessment) -> bool:
    return (
        assessment is not None
        and assessment.is_draft
        and _hosts(user, assessment.local_government_id)
    )


# --- end readiness rule functions ---


# --- knowhow rule functions ---
def _case_author_government(user):
    """The local government a host or prefecture coordinator drafts cases for, else None."""
    from ciodispatch.accounts.models import HOST_ROLES, Role

    if _role(user) in HOST_ROLES or _role(user) == Role.PREFECTURE_COORDINATOR:
        return user.local_government
    return None


def _drafts_cases(user, obj) -> bool:
    return _is_office(user) or _case_author_government(user) is not None


def _draft_case(user, local_government) -> bool:
    """The office for anyone; a host or coordinator for its own government only."""
    if _is_office(user):
        return True
    own = _case_author_government(user)
    return own is not None and local_government is not None and own.code == local_government.code


def _is_case_author(user, case) -> bool:
    own = _case_author_government(user)
    return own is not None and case.author_government_id == own.code


def _view_case(user, case) -> bool:
    """Published: everyone. Unpublished: its authors' government and the office only."""
    if case is None:
        return False
    return case.is_published or _is_office(user) or _is_case_author(user, case)


def _edit_case(user, case) -> bool:
    """A draft: its authors and the office. A published case: the office (a new version)."""
    if case is None:
        return False
    if _is_office(user):
        return case.state in ("draft", "published")
    return case.state == "draft" and _is_case_author(user, case)


def _submit_case(user, case) -> bool:
    if case is None or case.state != "draft":
        return False
    return _is_office(user) or _is_case_author(user, case)


def _gets_recommendations(user, obj) -> bool:
    from ciodispatch.accounts.models import Role

    return _host_local_government(user) is not None or _role(user) == Role.CANDIDATE


# --- end knowhow rule functions ---


# --- matchround rule functions ---
def _certified_candidate(user) -> bool:
    from ciodispatch.matchround.services import participating_application

    return _role(user) == "candidate" and participating_application(user) is not None


def _speaks_for_post(user, post) -> bool:
    """A post is ranked by its host's staff, or for a joint request by the lead prefecture."""
    return post is not None and _speaks_for_request(user, post.request)


def _view_post(user, post) -> bool:
    if post is None:
        return False
    if _is_office(user) or _speaks_for_post(user, post):
        return True
    if not _certified_candidate(user):
        return False
    from ciodispatch.matchround.services import conflicting_vendors, participating_application

    application = participating_application(user)
    return application is not None and not conflicting_vendors(
        application, post.request, years=post.match_round.conflict_years
    )


def _view_applicant(user, pairing) -> bool:
    """The office, or a post's host about a candidate who ranked that post."""
    if pairing is None:
        return False
    if _is_office(user):
        return True
    from ciodispatch.matchround.services import applicants_of

    post, application = pairing
    return _speaks_for_post(user, post) and any(a.pk == application.pk for a in applicants_of(post))


def _own_match_result(user, match_round) -> bool:
    """A candidate who ranked in a published round, or a host (or joint member, or the lead
    coordinator) of one of its posts. Each then sees only their own result."""
    if match_round is None or match_round.phase != "published" or not user.is_authenticated:
        return False
    if _role(user) == "candidate":
        return match_round.candidate_rankings.filter(application__user=user).exists()
    own = _host_local_government(user)
    for post in match_round.posts.select_related("request__host", "request__group__lead"):
        if _speaks_for_post(user, post):
            return True
        if own is not None and any(m.code == own.code for m in post.request.members()):
            return True
    return False


# --- end matchround rule functions ---


# --- dispatches rule functions ---
def _speaks_for_request(user, request) -> bool:
    """A request is spoken for by its host's head and liaison, or for a joint request by the
    coordinators of the lead prefecture."""
    if request is None:
        return False
    if request.is_joint:
        prefecture = _coordinated_prefecture(user)
        return prefecture is not None and request.group.lead.prefecture_code == prefecture
    own = _host_local_government(user)
    return own is not None and own.code == request.host_id


def _dispatch_host(user, dispatch) -> bool:
    """The host side of a dispatch: who speaks for its request."""
    return dispatch is not None and _speaks_for_request(user, dispatch.request)


def _dispatch_cio(user, dispatch) -> bool:
    """The CIO of a dispatch: the candidate whose application it is."""
    return (
        dispatch is not None
        and _role(user) == "candidate"
        and dispatch.application.user_id == user.pk
    )


def _dispatch_member(user, dispatch) -> bool:
    """Staff of a member of a joint request (they read its dispatch; the lead acts)."""
    if dispatch is None or not dispatch.request.is_joint:
        return False
    own = _host_local_government(user)
    return own is not None and any(m.code == own.code for m in dispatch.request.members())


def _view_dispatch(user, dispatch) -> bool:
    """The office, the CIO, the host side, the members of a joint request, and the
    coordinators of the prefecture, who follow their municipalities' progress (read only)."""
    if dispatch is None:
        return False
    prefecture = _coordinated_prefecture(user)
    return (
        _is_office(user)
        or _dispatch_cio(user, dispatch)
        or _dispatch_host(user, dispatch)
        or _dispatch_member(user, dispatch)
        or (prefecture is not None and prefecture in dispatch.request.prefecture_codes())
    )


def _lists_dispatches(user, obj) -> bool:
    return _is_office(user) or _role(user) in (
        "candidate",
        "host_head",
        "host_liaison",
        "prefecture_coordinator",
    )


# --- end dispatches rule functions ---


# --- progress rule functions ---
def _progress_commenter(user, dispatch) -> bool:
    """The host side and the office comment on plans and reports; the CIO reads."""
    return dispatch is not None and (_is_office(user) or _dispatch_host(user, dispatch))


def _progress_writer(user, dispatch) -> bool:
    """Small wins and KPI values come from the CIO or the host side."""
    return dispatch is not None and (
        _dispatch_cio(user, dispatch) or _dispatch_host(user, dispatch)
    )


def _view_small_win(user, win) -> bool:
    """A published win is public; until then only those who see the dispatch."""
    if win is None:
        return False
    return win.state == "published" or _view_dispatch(user, win.dispatch)


# --- end progress rule functions ---


# --- incentives rule functions ---
def _claims_of_dispatch(user, dispatch) -> bool:
    """A dispatch's claims: the office and its host side (a joint request's lead acts; its
    members and the CIO see none)."""
    return dispatch is not None and (_is_office(user) or _dispatch_host(user, dispatch))


def _view_claim(user, claim) -> bool:
    return claim is not None and _claims_of_dispatch(user, claim.dispatch)


def _edit_claim(user, claim) -> bool:
    """Only the host side, and only while the claim is a draft."""
    return claim is not None and claim.state == "draft" and _dispatch_host(user, claim.dispatch)


# --- end incentives rule functions ---


# --- outreach rule functions ---
def _acting_government(user):
    """The government a host (head, liaison) or a prefecture coordinator acts for."""
    own = _host_local_government(user)
    if own is not None:
        return own
    if _coordinated_prefecture(user) is not None:
        return user.local_government
    return None


def _acts_for(user, local_government) -> bool:
    own = _acting_government(user)
    return own is not None and local_government is not None and own.code == local_government.code


def _oversees(user, local_government) -> bool:
    """A prefecture coordinator reads what the governments of their prefecture do."""
    prefecture = _coordinated_prefecture(user)
    return (
        prefecture is not None
        and local_government is not None
        and local_government.prefecture_code == prefecture
    )


def _official(user, obj) -> bool:
    return _is_office(user) or _acting_government(user) is not None


def _for_own_government(user, local_government) -> bool:
    if local_government is None:
        return _acting_government(user) is not None
    return _acts_for(user, local_government)


def _view_support_offer(user, offer) -> bool:
    if offer is None:
        return False
    if _is_office(user) or _acts_for(user, offer.provider) or _oversees(user, offer.provider):
        return True
    return offer.state == "published" and _acting_government(user) is not None


def _edit_support_offer(user, offer) -> bool:
    return offer is not None and offer.is_editable and _acts_for(user, offer.provider)


def _withdraw_support_offer(user, offer) -> bool:
    if offer is None or offer.state == "withdrawn":
        return False
    return _is_office(user) or _acts_for(user, offer.provider)


def _view_support_request(user, support) -> bool:
    if support is None:
        return False
    if _is_office(user):
        return True
    provider = support.offer.provider if support.offer_id else None
    return (
        _acts_for(user, support.requester)
        or _oversees(user, support.requester)
        or (provider is not None and (_acts_for(user, provider) or _oversees(user, provider)))
    )


def _withdraw_support_request(user, support) -> bool:
    return (
        support is not None and support.state == "submitted" and _acts_for(user, support.requester)
    )


def _record_support_visit(user, support) -> bool:
    if support is None or support.state != "approved" or not support.offer_id:
        return False
    return _is_office(user) or _acts_for(user, support.offer.provider)


# Event pages are public: with no event named (obj None) the answer is yes, so that
# policy.guard lets anonymous visitors reach the page. A named event must be published, or
# cancelled (those registered still open its page and its .ics, which says it is cancelled);
# drafts stay with the office.
def _view_event(user, event) -> bool:
    return event is None or event.state in ("published", "cancelled") or _is_office(user)


def _register_for_event(user, event) -> bool:
    """Anyone, signed in or not, while a published event has not started."""
    from django.utils import timezone

    return event is None or (event.state == "published" and event.starts_at > timezone.now())


def _cancel_registration(user, registration) -> bool:
    if registration is None or registration.state == "cancelled":
        return False
    own = user.is_authenticated and registration.user_id == user.pk
    return _is_office(user) or bool(own)


# --- end outreach rule functions ---


RULES: dict[Action, Callable[[Any, Any], bool]] = {
    Action.VIEW_LOCAL_GOVERNMENTS: _anyone,
    Action.IMPORT_LOCAL_GOVERNMENTS: _office,
    Action.VIEW_REGISTRY_IMPORTS: _office,
    Action.LIST_GROUPS: _list_groups,
    Action.VIEW_GROUP: _view_group,
    Action.CREATE_GROUP: _create_group,
    Action.ADD_GROUP_MEMBER: _add_group_member,
    Action.VIEW_OWN_ACCOUNT: _signed_in,
    Action.VIEW_ORGANISATION: _view_organisation,
    Action.CHANGE_ORGANISATION: _change_organisation,
    Action.VIEW_AUDIT_LOG: _office,
    # --- requests rules ---
    Action.CONFIGURE_REQUEST_ROUND: _office,
    Action.LIST_OWN_REQUESTS: _files_requests,
    Action.START_REQUEST: _start_request,
    Action.VIEW_REQUEST: _view_request,
    Action.EDIT_REQUEST: _edit_request,
    Action.SIGN_COMMITMENT: _sign_commitment,
    Action.CONFIRM_MEMBERSHIP: _confirm_membership,
    Action.REVIEW_REQUESTS: _office,
    Action.DECIDE_REQUEST: _office,
    # --- end requests rules ---
    # --- training rules ---
    # Candidates take the public-sector track; host heads, liaisons and prefecture
    # coordinators the readiness track (training.models.TRACK_ROLES). The office runs both.
    Action.VIEW_TRAINING_CATALOGUE: lambda user, obj: (
        _is_office(user)
        or _role(user) in ("candidate", "host_head", "host_liaison", "prefecture_coordinator")
    ),
    Action.VIEW_TRAINING_SESSION: lambda user, session: (
        session is not None and (_is_office(user) or RULES[Action.ENROL_IN_SESSION](user, session))
    ),
    Action.ENROL_IN_SESSION: lambda user, session: (
        session is not None
        and session.course.active
        and _role(user)
        in {
            "public_sector": ("candidate",),
            "readiness": ("host_head", "host_liaison", "prefecture_coordinator"),
        }.get(session.course.track, ())
    ),
    Action.ENROL_OTHERS: _office,
    # An enrolment and its certificate: the person enrolled and the office, no one else.
    Action.CANCEL_ENROLMENT: lambda user, enrolment: (
        enrolment is not None
        and (_is_office(user) or (user.is_authenticated and enrolment.user_id == user.pk))
    ),
    Action.DOWNLOAD_TRAINING_CERTIFICATE: lambda user, enrolment: (
        enrolment is not None
        and (_is_office(user) or (user.is_authenticated and enrolment.user_id == user.pk))
    ),
    Action.VIEW_OWN_TRAINING: _signed_in,
    Action.MANAGE_OWN_TRAINING_CALENDAR: _signed_in,
    Action.MANAGE_COURSES: _office,
    Action.SCHEDULE_TRAINING_SESSION: _office,
    Action.VIEW_TRAINING_ROSTER: _office,
    Action.RECORD_ATTENDANCE: _office,
    Action.RECORD_COMPLETION: _office,
    # --- end training rules ---
    # --- candidates rules ---
    Action.REGISTER_AS_CANDIDATE: _anonymous,
    Action.EDIT_APPLICATION: _own_draft_application,
    Action.VIEW_APPLICATION: _view_application,
    Action.DOWNLOAD_CV: _view_application,
    Action.LIST_APPLICATIONS: _office,
    Action.CONFIGURE_REVIEW: _office,
    Action.ASSIGN_REVIEWERS: _office,
    Action.DECLARE_CONFLICT: _declare_conflict,
    Action.LIST_REVIEW_ASSIGNMENTS: _reviewer,
    Action.REVIEW_APPLICATION: _assigned_reviewer,
    Action.VIEW_SCORES: _office,
    Action.DECIDE_APPLICATION: _office,
    Action.CERTIFY: _office,
    Action.CHANGE_CERTIFICATION: _office,
    Action.VIEW_POOL: _office,
    Action.EXPORT_OWN_DATA: _own_application,
    Action.REQUEST_DELETION: _own_application,
    Action.COMPLETE_DELETION: _office,
    # --- end candidates rules ---
    # --- readiness rules ---
    # A host government assesses itself; its prefecture's coordinators and the office read the
    # submitted results; no host ever sees another's.
    Action.VIEW_OWN_READINESS: lambda user, obj: _host_local_government(user) is not None,
    Action.VIEW_READINESS: _view_readiness,
    Action.LIST_READINESS: lambda user, obj: (
        _is_office(user) or _coordinated_prefecture(user) is not None
    ),
    Action.START_ASSESSMENT: lambda user, local_government: (
        local_government is not None and _hosts(user, local_government.code)
    ),
    Action.EDIT_ASSESSMENT: _edit_assessment,
    Action.SUBMIT_ASSESSMENT: _edit_assessment,
    Action.VIEW_ASSESSMENT: _view_assessment,
    Action.PUBLISH_QUESTIONNAIRE: _office,
    # --- end readiness rules ---
    # --- knowhow rules ---
    # The public reads published cases and manuals; drafts stay with their authors' government
    # and the office, which reviews, publishes, keeps manuals and records the awards.
    Action.BROWSE_KNOWHOW: _anyone,
    Action.VIEW_CASE: _view_case,
    Action.LIST_OWN_CASES: _drafts_cases,
    Action.DRAFT_CASE: _draft_case,
    Action.EDIT_CASE: _edit_case,
    Action.SUBMIT_CASE: _submit_case,
    Action.REVIEW_CASES: _office,
    Action.MANAGE_MANUALS: _office,
    Action.RECORD_AWARD: _office,
    Action.VIEW_RECOMMENDATIONS: _gets_recommendations,
    # --- end knowhow rules ---
    # --- matchround rules ---
    Action.CONFIGURE_MATCH_ROUND: _office,
    Action.VIEW_MATCH_ROUNDS: _office,
    Action.RUN_MATCH: _office,
    Action.PUBLISH_MATCH: _office,
    Action.EXPORT_MATCH_RESULT: _office,
    Action.RANK_POSTS: lambda user, match_round: _certified_candidate(user),
    Action.VIEW_POST: _view_post,
    Action.RANK_CANDIDATES: _speaks_for_post,
    Action.VIEW_APPLICANT: _view_applicant,
    Action.VIEW_OWN_MATCH_RESULT: _own_match_result,
    Action.VIEW_PUBLIC_MATCH_SUMMARY: lambda user, match_round: (
        match_round is None or match_round.phase == "published"
    ),
    # --- end matchround rules ---
    # --- dispatches rules ---
    # A dispatch is seen by its CIO, its host side (and a joint request's members) and the
    # office. Each side answers and evaluates for itself; the office decides extensions,
    # fills declined places and assesses.
    Action.LIST_OWN_DISPATCHES: _lists_dispatches,
    Action.VIEW_DISPATCH: _view_dispatch,
    Action.ANSWER_AS_CIO: _dispatch_cio,
    Action.ANSWER_AS_HOST: _dispatch_host,
    Action.SET_APPOINTMENT: _dispatch_host,
    Action.CONFIRM_APPOINTMENT: _dispatch_cio,
    # The notice (pay, authority) and the evaluations stay with the parties and the office;
    # the prefecture's coordinators follow the progress, not these.
    Action.DOWNLOAD_NOTICE: lambda user, dispatch: (
        dispatch is not None
        and (
            _is_office(user)
            or _dispatch_cio(user, dispatch)
            or _dispatch_host(user, dispatch)
            or _dispatch_member(user, dispatch)
        )
    ),
    Action.START_DISPATCH: lambda user, dispatch: (
        dispatch is not None and (_is_office(user) or _dispatch_host(user, dispatch))
    ),
    Action.END_DISPATCH: lambda user, dispatch: (
        dispatch is not None and (_is_office(user) or _dispatch_host(user, dispatch))
    ),
    Action.REQUEST_EXTENSION: _dispatch_host,
    Action.DECIDE_EXTENSION: _office,
    Action.MANAGE_DISPATCHES: _office,
    Action.EVALUATE_AS_HOST: _dispatch_host,
    Action.EVALUATE_AS_CIO: _dispatch_cio,
    Action.ASSESS_DISPATCH: _office,
    Action.DRAFT_CASE_FROM_DISPATCH: lambda user, dispatch: (
        dispatch is not None and (_is_office(user) or _dispatch_host(user, dispatch))
    ),
    # --- end dispatches rules ---
    # --- progress rules ---
    # Whoever sees a dispatch reads its progress. The CIO writes the plan and the reports; the
    # host side and the office comment; both the CIO and the host side post small wins and
    # record KPI values; only the host side publishes a win to the public portal.
    Action.VIEW_PROGRESS: _view_dispatch,
    Action.LIST_OWN_PROGRESS: _lists_dispatches,
    Action.VIEW_PROGRESS_OVERVIEW: _office,
    Action.WRITE_ACTION_PLAN: _dispatch_cio,
    Action.WRITE_REPORT: _dispatch_cio,
    Action.COMMENT_PROGRESS: _progress_commenter,
    Action.POST_SMALL_WIN: _progress_writer,
    Action.PUBLISH_SMALL_WIN: _dispatch_host,
    Action.RECORD_KPI: _progress_writer,
    Action.VIEW_PUBLIC_PROGRESS: _anyone,
    Action.VIEW_SMALL_WIN: _view_small_win,
    # --- end progress rules ---
    # --- incentives rules ---
    # The host side files and reads its own dispatch's claims; the office reads every claim,
    # decides them and reads the rules and the budget; office admins change rules and budgets.
    Action.VIEW_DISPATCH_CLAIMS: _claims_of_dispatch,
    Action.FILE_CLAIM: _dispatch_host,
    Action.VIEW_CLAIM: _view_claim,
    Action.EDIT_CLAIM: _edit_claim,
    Action.LIST_CLAIMS: _office,
    Action.DECIDE_CLAIM: _office,
    Action.VIEW_INCENTIVE_RULES: _office,
    Action.EDIT_INCENTIVE_RULES: lambda user, obj: _is_office_admin(user),
    Action.VIEW_BUDGET: _office,
    Action.SET_BUDGET: lambda user, obj: _is_office_admin(user),
    # --- end incentives rules ---
    # --- outreach rules ---
    # Hosts act for their own government, prefecture coordinators for their prefecture's
    # government and read what its municipalities do; the office sees and decides everything.
    Action.VIEW_SUPPORT: _official,
    Action.OFFER_SUPPORT: _for_own_government,
    Action.VIEW_SUPPORT_OFFER: _view_support_offer,
    Action.EDIT_SUPPORT_OFFER: _edit_support_offer,
    Action.REVIEW_SUPPORT_OFFER: _office,
    Action.WITHDRAW_SUPPORT_OFFER: _withdraw_support_offer,
    Action.REQUEST_SUPPORT: _for_own_government,
    Action.VIEW_SUPPORT_REQUEST: _view_support_request,
    Action.WITHDRAW_SUPPORT_REQUEST: _withdraw_support_request,
    Action.DECIDE_SUPPORT_REQUEST: _office,
    Action.RECORD_SUPPORT_VISIT: _record_support_visit,
    Action.LIST_SUPPORT_REQUESTS: _office,
    # Events are public: anyone reads published events and registers (with name and e-mail).
    Action.VIEW_EVENTS: _anyone,
    Action.VIEW_EVENT: _view_event,
    Action.REGISTER_FOR_EVENT: _register_for_event,
    Action.CANCEL_REGISTRATION: _cancel_registration,
    # The secret token in the link e-mailed to the person is the proof; the service checks it.
    Action.CANCEL_REGISTRATION_BY_LINK: _anyone,
    Action.MANAGE_EVENTS: _office,
    Action.VIEW_EVENT_ROSTER: _office,
    # --- end outreach rules ---
    # --- portal rules ---
    Action.VIEW_PORTAL: _anyone,
    Action.VIEW_STATISTICS: _anyone,
    # --- end portal rules ---
}


def can(user, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None or user is None:
        return False
    if user.is_authenticated and not user.is_active:
        return False
    return bool(rule(user, obj))


def require(user, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} refused")


def _anonymous_may(action: Action) -> bool:
    from django.contrib.auth.models import AnonymousUser

    return RULES.get(action) in (_anyone, _anonymous) or can(AnonymousUser(), action)


def guard(action: Action, *, load: Callable[..., Any] | None = None):
    """Decorate a view: check ``action`` before it runs.

    ``load(request, **kwargs)`` fetches the object the action is about (404 if missing); the
    view then receives it as ``obj`` in place of the URL arguments. An anonymous visitor who
    is refused is sent to the login page; a signed-in user who is refused gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # Anonymous visitors are turned away before anything is looked up, so the
            # answer (login page, or 404) does not reveal which objects exist.
            if not request.user.is_authenticated and not _anonymous_may(action):
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
