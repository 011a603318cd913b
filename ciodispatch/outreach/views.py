import re

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.accounts import roles
from ciodispatch.core.dates import fiscal_year
from ciodispatch.core.errors import Refusal, refusal_to_form, refusal_to_message
from ciodispatch.core.exports import csv_bytes, download
from ciodispatch.core.once import once_per_form_token
from ciodispatch.core.ratelimit import limit_anonymous_posts
from ciodispatch.core.templatetags.jpdates import wareki_datetime
from ciodispatch.outreach import forms, services
from ciodispatch.outreach.documents import event_ics
from ciodispatch.outreach.models import Event, Registration, SupportOffer, SupportRequest
from ciodispatch.outreach.rules import (
    provider_visits,
    visible_events,
    visible_offers,
    visible_support_requests,
)

A = policy.Action
RS = SupportRequest.State


def _acting_government(user):
    return roles.acting_government(user) if user.is_authenticated else None


def _load_offer(request, pk, **kwargs):
    return get_object_or_404(SupportOffer.objects.select_related("provider"), pk=pk)


def _load_support(request, pk, **kwargs):
    return get_object_or_404(
        SupportRequest.objects.select_related("requester", "offer__provider", "filed_by"), pk=pk
    )


def _load_event(request, pk, **kwargs):
    return get_object_or_404(Event, pk=pk)


def _load_registration(request, pk, **kwargs):
    return get_object_or_404(Registration.objects.select_related("event"), pk=pk)


# --- direct support ---------------------------------------------------------------------------


@policy.guard(A.VIEW_SUPPORT)
def support_home(request):
    user = request.user
    own = _acting_government(user)
    year = fiscal_year(timezone.localdate())
    offers = [
        o
        for o in visible_offers(user)
        .filter(state=SupportOffer.State.PUBLISHED, fiscal_year__gte=year)
        .select_related("provider")
        if own is None or o.provider_id != own.code
    ]
    mine_offers = (
        visible_offers(user).filter(provider=own).select_related("provider") if own else []
    )
    mine_requests = []
    if own is not None:
        mine_requests = list(
            visible_support_requests(user)
            .filter(Q(requester=own) | Q(offer__provider=own))
            .select_related("requester", "offer__provider")
            .order_by("-created_at")
        )
    prefecture = roles.coordinated_prefecture(user) if user.is_authenticated else None
    in_prefecture = []
    # ?show= lists only what waits for this government (the work queue's links).
    show = request.GET.get("show", "") if own is not None else ""
    if show == "visits":
        mine_offers, offers = [], []
        to_give = set(provider_visits(user).values_list("pk", flat=True))
        mine_requests = [r for r in mine_requests if r.pk in to_give]
    elif show == "returned":
        mine_requests, offers = [], []
        mine_offers = mine_offers.filter(state=SupportOffer.State.RETURNED)
    else:
        show = ""
    if prefecture is not None and not show:
        # A coordinator follows the direct support of the municipalities of the prefecture.
        in_prefecture = list(
            visible_support_requests(user)
            .exclude(pk__in=[r.pk for r in mine_requests])
            .select_related("requester", "offer__provider")
            .order_by("-created_at")
        )
    return render(
        request,
        "outreach/support_home.html",
        {
            "in_prefecture": in_prefecture,
            "own": own,
            "offers": offers,
            "mine_offers": mine_offers,
            "mine_requests": mine_requests,
            "can_offer": own is not None and policy.can(user, A.OFFER_SUPPORT, own),
            "can_request": own is not None and policy.can(user, A.REQUEST_SUPPORT, own),
            "is_office": policy.can(user, A.LIST_SUPPORT_REQUESTS),
            "show": show,
        },
    )


def _offer_fields(data) -> dict:
    return {
        key: data[key]
        for key in (
            "fiscal_year",
            "title",
            "description",
            "kinds",
            "challenges",
            "themes",
            "capacity",
            "contact_department",
            "contact_email",
            "contact_phone",
        )
    }


@policy.guard(A.OFFER_SUPPORT)
@once_per_form_token
def offer_new(request):
    own = _acting_government(request.user)
    organisation = request.user.organisation
    initial = {
        "fiscal_year": fiscal_year(timezone.localdate()),
        "contact_department": getattr(organisation, "contact_department", ""),
        "contact_email": getattr(organisation, "contact_email", ""),
        "contact_phone": getattr(organisation, "contact_phone", ""),
    }
    form = forms.OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            offer = services.create_offer(
                own, actor=request.user, **_offer_fields(form.cleaned_data)
            )
            messages.success(request, _("The offer is saved as a draft. Submit it to the office."))
            return redirect("outreach:offer", pk=offer.pk)
    return render(request, "outreach/offer_form.html", {"form": form, "offer": None})


@policy.guard(A.EDIT_SUPPORT_OFFER, load=_load_offer)
def offer_edit(request, offer):
    initial = {k: getattr(offer, k) for k in _offer_fields(vars(offer))}
    form = forms.OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.update_offer(offer, actor=request.user, **_offer_fields(form.cleaned_data))
            messages.success(request, _("The offer is saved."))
            return redirect("outreach:offer", pk=offer.pk)
    return render(request, "outreach/offer_form.html", {"form": form, "offer": offer})


@policy.guard(A.VIEW_SUPPORT_OFFER, load=_load_offer)
def offer_detail(request, offer):
    user = request.user
    own = _acting_government(user)
    requests = [
        r
        for r in offer.requests.select_related("requester", "offer__provider")
        if policy.can(user, A.VIEW_SUPPORT_REQUEST, r)
    ]
    return render(
        request,
        "outreach/offer_detail.html",
        {
            "offer": offer,
            "requests": requests,
            "taken": offer.taken(),
            "remaining": offer.remaining(),
            "can_edit": policy.can(user, A.EDIT_SUPPORT_OFFER, offer),
            "can_review": offer.state == SupportOffer.State.SUBMITTED
            and policy.can(user, A.REVIEW_SUPPORT_OFFER, offer),
            "can_withdraw": policy.can(user, A.WITHDRAW_SUPPORT_OFFER, offer),
            "can_request": offer.state == SupportOffer.State.PUBLISHED
            and own is not None
            and own.code != offer.provider_id
            and policy.can(user, A.REQUEST_SUPPORT, own),
            "return_form": forms.ReturnOfferForm(),
        },
    )


def _offer_action(request, offer, action, success):
    with refusal_to_message(request):
        action()
        messages.success(request, success)
    return redirect("outreach:offer", pk=offer.pk)


@require_POST
@policy.guard(A.EDIT_SUPPORT_OFFER, load=_load_offer)
def offer_submit(request, offer):
    return _offer_action(
        request,
        offer,
        lambda: services.submit_offer(offer, actor=request.user),
        _("The offer is submitted; the office checks it and opens it to requests."),
    )


@require_POST
@policy.guard(A.REVIEW_SUPPORT_OFFER, load=_load_offer)
def offer_publish(request, offer):
    return _offer_action(
        request,
        offer,
        lambda: services.publish_offer(offer, actor=request.user),
        _("The offer is open to requests."),
    )


@require_POST
@policy.guard(A.REVIEW_SUPPORT_OFFER, load=_load_offer)
def offer_return(request, offer):
    return _offer_action(
        request,
        offer,
        lambda: services.return_offer(
            offer, actor=request.user, comment=request.POST.get("comment", "")
        ),
        _("The offer is returned to the provider with your comment."),
    )


@require_POST
@policy.guard(A.WITHDRAW_SUPPORT_OFFER, load=_load_offer)
def offer_withdraw(request, offer):
    return _offer_action(
        request,
        offer,
        lambda: services.withdraw_offer(offer, actor=request.user),
        _("The offer is withdrawn: it takes no new requests."),
    )


def _offer_pk(value) -> int | None:
    """The offer named in the address, or None for anything but a plain number in range
    (``"²".isdigit()`` is true, yet ``int("²")`` fails)."""
    if value and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    return None


@policy.guard(A.REQUEST_SUPPORT)
@once_per_form_token
def request_new(request):
    own = _acting_government(request.user)
    offer = None
    offer_id = _offer_pk(request.GET.get("offer") or request.POST.get("offer"))
    if offer_id is not None:
        offer = SupportOffer.objects.filter(pk=offer_id, state=SupportOffer.State.PUBLISHED).first()
    form = forms.SupportRequestForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            support = services.request_support(
                own, actor=request.user, offer=offer, **form.cleaned_data
            )
            messages.success(
                request,
                _("Your request is sent. The office matches it and tells you its decision."),
            )
            return redirect("outreach:request", pk=support.pk)
    return render(request, "outreach/request_form.html", {"form": form, "offer": offer, "own": own})


def _matchable_offers(support):
    return (
        SupportOffer.objects.filter(
            state=SupportOffer.State.PUBLISHED, kinds__icontains=f'"{support.kind}"'
        )
        .exclude(provider=support.requester)
        .select_related("provider")
        .annotate(
            used=Count(
                "requests",
                filter=Q(requests__state__in=(RS.APPROVED, RS.COMPLETED)),
            )
        )
    )


@policy.guard(A.VIEW_SUPPORT_REQUEST, load=_load_support)
def request_detail(request, support):
    user = request.user
    can_decide = support.state == RS.SUBMITTED and policy.can(
        user, A.DECIDE_SUPPORT_REQUEST, support
    )
    offers = _matchable_offers(support) if can_decide else None
    return render(
        request,
        "outreach/request_detail.html",
        {
            "support": support,
            "can_decide": can_decide,
            "decision_form": forms.DecisionForm(offers=offers, initial={"offer": support.offer_id})
            if can_decide
            else None,
            "can_cancel": support.state == RS.APPROVED
            and policy.can(user, A.DECIDE_SUPPORT_REQUEST, support),
            "can_withdraw": policy.can(user, A.WITHDRAW_SUPPORT_REQUEST, support),
            "can_record": policy.can(user, A.RECORD_SUPPORT_VISIT, support),
            "reason_form": forms.ReasonForm(),
        },
    )


@require_POST
@policy.guard(A.DECIDE_SUPPORT_REQUEST, load=_load_support)
def request_decide(request, support):
    form = forms.DecisionForm(request.POST, offers=_matchable_offers(support))
    if not form.is_valid():
        messages.error(request, _("Choose a decision (and, to approve, an offer that fits)."))
        return redirect("outreach:request", pk=support.pk)
    data = form.cleaned_data
    with refusal_to_message(request):
        if data["decision"] == "approve":
            services.approve_support_request(
                support, actor=request.user, offer=data["offer"], comment=data["comment"]
            )
        else:
            services.decline_support_request(support, actor=request.user, comment=data["comment"])
        messages.success(request, _("The decision is recorded; both governments are told."))
    return redirect("outreach:request", pk=support.pk)


@require_POST
@policy.guard(A.WITHDRAW_SUPPORT_REQUEST, load=_load_support)
def request_withdraw(request, support):
    with refusal_to_message(request):
        services.withdraw_support_request(
            support, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Your request is withdrawn."))
    return redirect("outreach:request", pk=support.pk)


@require_POST
@policy.guard(A.DECIDE_SUPPORT_REQUEST, load=_load_support)
def request_cancel(request, support):
    with refusal_to_message(request):
        services.cancel_support(support, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The support is cancelled; its place returns to the offer."))
    return redirect("outreach:request", pk=support.pk)


@policy.guard(A.RECORD_SUPPORT_VISIT, load=_load_support)
def request_visit(request, support):
    form = forms.VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            services.record_visit(support, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The visit and its report are recorded."))
            return redirect("outreach:request", pk=support.pk)
    return render(request, "outreach/visit_form.html", {"form": form, "support": support})


@policy.guard(A.LIST_SUPPORT_REQUESTS)
def support_office(request):
    requests = list(
        visible_support_requests(request.user)
        .select_related("requester", "offer__provider")
        .order_by("state", "-created_at")
    )
    offers = list(
        visible_offers(request.user)
        .select_related("provider")
        .annotate(used=Count("requests", filter=Q(requests__state__in=(RS.APPROVED, RS.COMPLETED))))
        .order_by("state", "-fiscal_year", "provider_id")
    )
    # ?show= lists only the requests or the offers waiting for the office (the work queue).
    show = request.GET.get("show", "")
    show = show if show in ("requests", "offers") else ""
    offers_to_review = [o for o in offers if o.state == SupportOffer.State.SUBMITTED]
    return render(
        request,
        "outreach/support_office.html",
        {
            "waiting": [r for r in requests if r.state == RS.SUBMITTED],
            "requests": [] if show else requests,
            "offers": offers_to_review if show == "offers" else offers,
            "offers_to_review": offers_to_review,
            "show": show,
        },
    )


# --- events -----------------------------------------------------------------------------------


@policy.guard(A.VIEW_EVENTS)
def event_list(request):
    now = timezone.now()
    visible = visible_events(request.user).annotate(
        confirmed=Count("registrations", filter=Q(registrations__state="confirmed"))
    )
    if not policy.can(request.user, A.MANAGE_EVENTS):
        # Cancelled events are not listed; those registered open theirs from their mail.
        visible = visible.filter(state=Event.State.PUBLISHED)
    return render(
        request,
        "outreach/event_list.html",
        {
            "upcoming": visible.filter(ends_at__gte=now).order_by("starts_at"),
            "past": visible.filter(ends_at__lt=now).order_by("-starts_at")[:30],
            "can_manage": policy.can(request.user, A.MANAGE_EVENTS),
        },
    )


@policy.guard(A.VIEW_EVENT, load=_load_event)
def event_detail(request, event):
    user = request.user
    mine = services.registration_for(event, user)
    can_register = mine is None and policy.can(user, A.REGISTER_FOR_EVENT, event)
    confirmed = event.confirmed_count()
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "mine": mine,
            "position": services.waiting_position(mine) if mine else None,
            "confirmed": confirmed,
            "free": max(event.capacity - confirmed, 0),
            "waiting": event.waiting_count(),
            "can_register": can_register,
            "form": forms.RegistrationForm()
            if can_register and not user.is_authenticated
            else None,
            "can_manage": policy.can(user, A.MANAGE_EVENTS, event),
            "reason_form": forms.ReasonForm(),
            "is_past": event.ends_at < timezone.now(),
            "confirmation_hours": settings.EVENT_CONFIRMATION_HOURS,
        },
    )


@require_POST
@policy.guard(A.REGISTER_FOR_EVENT, load=_load_event)
@limit_anonymous_posts("outreach.event_register", email_field="email")
@once_per_form_token
def event_register(request, event):
    user = request.user
    if not user.is_authenticated:
        return _register_public(request, event)
    with refusal_to_message(request):
        registration = services.register(event, actor=user)
        if registration.state == Registration.State.CONFIRMED:
            messages.success(
                request, _("Your place is confirmed. A confirmation is sent by e-mail.")
            )
        else:
            messages.warning(
                request,
                _(
                    "The event is full: you are on the waiting list. We e-mail you if a place "
                    "frees up."
                ),
            )
    return redirect("outreach:event", pk=event.pk)


def _register_public(request, event):
    form = forms.RegistrationForm(request.POST)
    if not form.is_valid():
        confirmed = event.confirmed_count()
        return render(
            request,
            "outreach/event_detail.html",
            {
                "event": event,
                "confirmed": confirmed,
                "free": max(event.capacity - confirmed, 0),
                "waiting": event.waiting_count(),
                "can_register": True,
                "form": form,
                "confirmation_hours": settings.EVENT_CONFIRMATION_HOURS,
            },
            status=400,
        )
    fields = {k: form.cleaned_data[k] for k in ("name", "email", "organisation")}
    with refusal_to_message(request):
        services.request_registration(event, actor=request.user, **fields)
        # The same answer whether the address is new, awaiting confirmation or registered: the
        # mail says which, and only the address's owner reads it.
        messages.success(
            request,
            _(
                "Thank you. Please check your e-mail: we have sent a message to the address you "
                "gave. Nothing is reserved yet: a place is held for you only when you open the "
                "link in that message and confirm, by %(deadline)s. (If the address was "
                "registered already, the message holds the link to your registration instead.)"
            )
            % {"deadline": wareki_datetime(services.confirmation_deadline())},
        )
    return redirect("outreach:event", pk=event.pk)


@policy.guard(A.CONFIRM_REGISTRATION_BY_LINK)
@limit_anonymous_posts("outreach.confirm_by_link")
def confirm_by_link(request, token):
    error = ""
    if request.method == "POST":
        # Kept by hand: the confirmation page shows the refusal beside its buttons (join the
        # waiting list instead), not as a message on another page.
        try:
            registration = services.confirm_registration(
                token,
                actor=request.user,
                join_waiting_list=request.POST.get("waiting_list") == "yes",
            )
        except Refusal as exc:
            error = exc.message
        else:
            if registration.state == Registration.State.CONFIRMED:
                messages.success(
                    request,
                    _("Your place is confirmed. We have e-mailed you the address of this page."),
                )
            else:
                messages.warning(
                    request,
                    _(
                        "You are on the waiting list. We e-mail you if a place frees up; the "
                        "address of this page is in the e-mail too."
                    ),
                )
            return redirect("outreach:cancel_by_link", token=registration.token)
    pending = services.pending_for_link(token)
    context = {"pending": pending, "error": error}
    if pending is not None:
        event = pending.event
        confirmed = event.confirmed_count()
        context |= {
            "event": event,
            "free": max(event.capacity - confirmed, 0),
            "is_open": policy.can(request.user, A.REGISTER_FOR_EVENT, event),
        }
    return render(
        request,
        "outreach/registration_confirm.html",
        context,
        status=200 if pending is not None else 404,
    )


@policy.guard(A.VIEW_EVENT, load=_load_event)
def event_calendar(request, event):
    url = request.build_absolute_uri(reverse("outreach:event", args=[event.pk]))
    response = HttpResponse(event_ics(event, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_POST
@policy.guard(A.CANCEL_REGISTRATION, load=_load_registration)
def registration_cancel(request, registration):
    with refusal_to_message(request):
        services.cancel_registration(registration, actor=request.user)
        messages.success(request, _("The registration is cancelled."))
    if policy.can(request.user, A.VIEW_EVENT_ROSTER, registration.event):
        return redirect("outreach:roster", pk=registration.event_id)
    return redirect("outreach:event", pk=registration.event_id)


@policy.guard(A.CANCEL_REGISTRATION_BY_LINK)
@limit_anonymous_posts("outreach.cancel_by_link")
def cancel_by_link(request, token):
    registration = get_object_or_404(Registration.objects.select_related("event"), token=token)
    if request.method == "POST":
        with refusal_to_message(request):
            services.cancel_registration(registration, actor=request.user, token=token)
            messages.success(request, _("Your registration is cancelled."))
        registration.refresh_from_db()
    return render(
        request,
        "outreach/registration_link.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": services.waiting_position(registration),
            # The secret link proves who this is: a confirmed place sees the meeting address.
            "online_url": registration.event.online_url
            if services.show_online_url(registration)
            else "",
        },
    )


@policy.guard(A.MANAGE_EVENTS)
@once_per_form_token
def event_new(request):
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            event = services.create_event(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The event is saved as a draft; publish it when ready."))
            return redirect("outreach:event", pk=event.pk)
    return render(request, "outreach/event_form.html", {"form": form})


@require_POST
@policy.guard(A.MANAGE_EVENTS, load=_load_event)
def event_publish(request, event):
    with refusal_to_message(request):
        services.publish_event(event, actor=request.user)
        messages.success(request, _("The event is published."))
    return redirect("outreach:event", pk=event.pk)


@require_POST
@policy.guard(A.MANAGE_EVENTS, load=_load_event)
def event_cancel(request, event):
    with refusal_to_message(request):
        services.cancel_event(event, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The event is cancelled; everyone registered is told."))
    return redirect("outreach:event", pk=event.pk)


@policy.guard(A.VIEW_EVENT_ROSTER, load=_load_event)
def event_roster(request, event):
    registrations = list(event.registrations.select_related("user").order_by("created_at", "pk"))
    if request.GET.get("format") == "csv":
        header = [_("Full name"), _("Organisation"), _("E-mail"), _("State"), _("Registered")]
        rows = [
            [
                r.name,
                r.organisation,
                r.email,
                str(r.get_state_display()),
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for r in registrations
        ]
        return download(csv_bytes(header, rows), filename=f"event-{event.pk}-roster.csv")
    return render(
        request,
        "outreach/event_roster.html",
        {"event": event, "registrations": registrations},
    )
