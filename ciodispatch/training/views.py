from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.accounts.models import User
from ciodispatch.core.errors import refusal_to_form, refusal_to_message
from ciodispatch.core.once import once_per_form_token
from ciodispatch.training import services
from ciodispatch.training.documents import calendar_ics, certificate_pdf
from ciodispatch.training.forms import (
    CatalogueFilterForm,
    CourseForm,
    EnrolPersonForm,
    SessionForm,
)
from ciodispatch.training.models import (
    TRACK_ROLES,
    Course,
    Enrolment,
    TrainingSession,
    track_for_role,
)
from ciodispatch.training.rules import sessions_to_record, visible_sessions

A = policy.Action


def _load_session(request, pk):
    return get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)


def _load_enrolment(request, pk):
    return get_object_or_404(Enrolment.objects.select_related("session__course", "user"), pk=pk)


def _with_seats(sessions):
    """Sessions with ``taken`` and ``remaining`` seats counted in one query."""
    sessions = sessions.select_related("course").annotate(
        taken=Count("enrolments", filter=~Q(enrolments__state=Enrolment.State.CANCELLED))
    )
    for session in sessions:
        session.remaining = max(session.capacity - session.taken, 0)
        yield session


@policy.guard(A.VIEW_TRAINING_CATALOGUE)
def catalogue(request):
    user = request.user
    office = policy.can(user, A.SCHEDULE_TRAINING_SESSION)
    courses = Course.objects.filter(active=True)
    track = None if office else track_for_role(user.role)
    if track is not None:
        courses = courses.filter(track=track)
    form = CatalogueFilterForm(request.GET or None) if office else None
    records = form is not None and form.is_valid() and form.cleaned_data["awaiting"]
    if records:
        # Past sessions with records still to make, whether or not the course is still offered.
        sessions = sessions_to_record(user, timezone.now())
        courses = Course.objects.filter(pk__in=sessions.values("course_id"))
    else:
        sessions = visible_sessions(user).filter(course__in=courses, starts_at__gt=timezone.now())
    upcoming = list(_with_seats(sessions))
    own = {
        e.session_id: e
        for e in Enrolment.objects.filter(user=user, session__in=[s.pk for s in upcoming])
    }
    for session in upcoming:
        session.own_enrolment = own.get(session.pk)
    listed = []
    for course in courses:
        listed.append(
            {"course": course, "sessions": [s for s in upcoming if s.course_id == course.pk]}
        )
    return render(
        request,
        "training/catalogue.html",
        {"courses": listed, "office": office, "track": track, "form": form, "records": records},
    )


@policy.guard(A.VIEW_TRAINING_SESSION, load=_load_session)
def session_detail(request, session):
    user = request.user
    own = Enrolment.objects.filter(session=session, user=user).first()
    remaining = session.remaining_seats()
    upcoming = session.starts_at > timezone.now()
    office = policy.can(user, A.VIEW_TRAINING_ROSTER, session)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "own": own,
            "remaining": remaining,
            "upcoming": upcoming,
            "can_enrol": own is None
            and upcoming
            and remaining > 0
            and policy.can(user, A.ENROL_IN_SESSION, session),
            "can_cancel": own is not None
            and upcoming
            and own.state == Enrolment.State.ENROLLED
            and policy.can(user, A.CANCEL_ENROLMENT, own),
            "show_meeting_url": office or (own is not None and own.state != "cancelled"),
            "office": office,
        },
    )


@require_POST
@policy.guard(A.ENROL_IN_SESSION, load=_load_session)
def enrol(request, session):
    with refusal_to_message(request):
        services.enrol(session, request.user, actor=request.user)
        messages.success(
            request, _("You are enrolled. The session is now in your training and calendar.")
        )
    return redirect("training:session", pk=session.pk)


@require_POST
@policy.guard(A.CANCEL_ENROLMENT, load=_load_enrolment)
def cancel(request, enrolment):
    with refusal_to_message(request):
        services.cancel_enrolment(enrolment, actor=request.user)
        messages.success(request, _("The place is cancelled."))
    if enrolment.user_id == request.user.pk:
        return redirect("training:session", pk=enrolment.session_id)
    return redirect("training:roster", pk=enrolment.session_id)


@policy.guard(A.VIEW_OWN_TRAINING)
def my_training(request):
    user = request.user
    enrolments = Enrolment.objects.filter(user=user).select_related("session__course")
    now = timezone.now()
    token = services.calendar_token(user)
    calendar_url = (
        request.build_absolute_uri(reverse("training:calendar_feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "training/my_training.html",
        {
            "upcoming": [e for e in enrolments if e.session.starts_at > now],
            "past": [e for e in enrolments if e.session.starts_at <= now][::-1],
            "certificates": [e for e in enrolments if e.state == Enrolment.State.COMPLETED],
            "calendar_url": calendar_url,
            "can_browse": policy.can(user, A.VIEW_TRAINING_CATALOGUE),
        },
    )


@require_POST
@policy.guard(A.MANAGE_OWN_TRAINING_CALENDAR)
def calendar_reset(request):
    had_one = services.calendar_token(request.user) is not None
    services.reset_calendar_token(request.user, actor=request.user)
    if had_one:
        messages.success(
            request, _("Your calendar has a new address. The previous address no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready. Add it to your calendar app."))
    return redirect(reverse("training:mine") + "#calendar")


def calendar_feed(request, token):
    user = services.user_for_calendar_token(token)
    if user is None:
        raise Http404("No calendar has this address.")
    enrolments = Enrolment.objects.filter(user=user).select_related("session__course")
    body = calendar_ics(
        user,
        enrolments,
        url_for_session=lambda s: request.build_absolute_uri(
            reverse("training:session", args=[s.pk])
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# Calendar apps cannot sign in: the unguessable token in the address is the key.
calendar_feed.policy_action = "public: secret calendar token"  # type: ignore[attr-defined]


@policy.guard(A.DOWNLOAD_TRAINING_CERTIFICATE, load=_load_enrolment)
def certificate(request, enrolment):
    if enrolment.state != Enrolment.State.COMPLETED:
        raise Http404(_("There is no certificate: the course is not completed."))
    response = HttpResponse(certificate_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{enrolment.certificate_number}.pdf"'
    )
    return response


# --- the office -------------------------------------------------------------------------


@policy.guard(A.MANAGE_COURSES)
def course_create(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            course = services.create_course(actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("The course “%s” is created. Schedule its first session.") % course
            )
            return redirect(reverse("training:session_create") + f"?course={course.pk}")
    return render(request, "training/course_form.html", {"form": form})


@policy.guard(A.SCHEDULE_TRAINING_SESSION)
@once_per_form_token
def session_create(request):
    initial = {"course": request.GET.get("course")} if request.GET.get("course") else None
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_to_form(form, fields=SessionForm.SERVICE_FIELDS):
            session = services.schedule_session(
                data["course"],
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                capacity=data["capacity"],
                place=data["place"],
                online=data["online"],
                url=data["url"],
                actor=request.user,
            )
            messages.success(request, _("The session is scheduled. People can enrol now."))
            return redirect("training:roster", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


@policy.guard(A.VIEW_TRAINING_ROSTER, load=_load_session)
def roster(request, session):
    enrolments = list(session.enrolments.select_related("user").order_by("user__username"))
    enrolled_ids = [e.user_id for e in enrolments]
    eligible = User.objects.filter(
        is_active=True, role__in=TRACK_ROLES[session.course.track]
    ).exclude(pk__in=enrolled_ids)
    remaining = session.remaining_seats()
    return render(
        request,
        "training/roster.html",
        {
            "session": session,
            "course": session.course,
            "enrolments": enrolments,
            "remaining": remaining,
            "enrol_form": EnrolPersonForm(users=eligible)
            if remaining and eligible.exists()
            else None,
        },
    )


@require_POST
@policy.guard(A.ENROL_OTHERS)
def enrol_person(request, pk):
    session = get_object_or_404(TrainingSession, pk=pk)
    form = EnrolPersonForm(request.POST, users=User.objects.filter(is_active=True))
    if form.is_valid():
        person = form.cleaned_data["user"]
        with refusal_to_message(request):
            services.enrol(session, person, actor=request.user)
            messages.success(request, _("%s is enrolled.") % person.display_name)
    else:
        messages.error(request, _("Choose the person to enrol."))
    return redirect("training:roster", pk=session.pk)


@require_POST
@policy.guard(A.RECORD_ATTENDANCE, load=_load_enrolment)
def attendance(request, enrolment):
    attended = request.POST.get("attended")
    if attended not in ("yes", "no"):
        messages.error(request, _("Choose attended or absent."))
    else:
        with refusal_to_message(request):
            services.record_attendance(enrolment, attended == "yes", actor=request.user)
            messages.success(
                request,
                (_("%s attended.") if attended == "yes" else _("%s is recorded as absent."))
                % enrolment.user.display_name,
            )
    return redirect("training:roster", pk=enrolment.session_id)


@require_POST
@policy.guard(A.RECORD_COMPLETION, load=_load_enrolment)
def completion(request, enrolment):
    raw = request.POST.get("score", "").strip()
    score = None
    if raw:
        try:
            score = int(raw.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        except ValueError:
            messages.error(
                request,
                _("%s: the score must be a whole number from 0 to 100.")
                % enrolment.user.display_name,
            )
            return redirect("training:roster", pk=enrolment.session_id)
    # Kept by hand: the roster's message names the person the refusal is about.
    try:
        enrolment = services.record_completion(enrolment, score, actor=request.user)
    except services.TrainingError as exc:
        messages.error(request, f"{enrolment.user.display_name}: {exc}")
    else:
        if enrolment.state == Enrolment.State.COMPLETED:
            messages.success(
                request,
                _("%(name)s completed the course: certificate %(number)s.")
                % {"name": enrolment.user.display_name, "number": enrolment.certificate_number},
            )
        else:
            messages.success(
                request,
                _("%(name)s did not reach the pass score (%(score)s of %(pass)s).")
                % {
                    "name": enrolment.user.display_name,
                    "score": enrolment.score,
                    "pass": enrolment.session.course.pass_score,
                },
            )
    return redirect("training:roster", pk=enrolment.session_id)
