import base64

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ciodispatch import policy
from ciodispatch.accounts import services, sessions
from ciodispatch.accounts.forms import LoginForm, OrganisationContactForm, TokenForm
from ciodispatch.accounts.models import Organisation, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Many user names tried from one address: refused before any password is checked.
        if sessions.address_locked(request):
            return render(request, "accounts/locked_out.html", {"by_address": True}, status=429)
        return super().post(request, *args, **kwargs)


LoginView.policy_action = "public"


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        services.change_password(form, actor=self.request.user)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


def _load_organisation(request, pk):
    return get_object_or_404(
        Organisation.objects.select_related("local_government").prefetch_related(
            Prefetch("users", queryset=User.objects.filter(is_active=True))
        ),
        pk=pk,
    )


def _safe_next(request) -> str:
    """Where to go after the second factor: the page asked for, if it is on this site."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _wrong_code_message(user, *, enrolling=False) -> str:
    wait = services.second_factor_wait(user)
    if wait:
        return ngettext(
            "That code is not right. After wrong codes you must wait: try again in %(seconds)s "
            "second with the code your app shows then.",
            "That code is not right. After wrong codes you must wait: try again in %(seconds)s "
            "seconds with the code your app shows then.",
            wait,
        ) % {"seconds": wait}
    if enrolling:
        return _("That code does not match. Scan the code again and enter the 6 digits shown now.")
    return _("That code is not right or has expired. Enter the code your app shows now.")


@login_required
def verify(request):
    user = request.user
    if not user.requires_second_factor or user.is_verified():
        return redirect("core:home")
    if services.must_enrol_totp(user):
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(user, form.cleaned_data["token"])
        if device is not None:
            sessions.second_factor_passed(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _wrong_code_message(user))
    return render(request, "accounts/verify.html", {"form": form})


verify.policy_action = "signed-in: second factor"


@login_required
def enrol(request):
    user = request.user
    if not user.requires_second_factor or user.is_verified():
        return redirect("core:home")
    if not services.must_enrol_totp(user):
        # Someone who already has an authenticator proves it; a password alone never adds one.
        return redirect("accounts:verify")
    device = services.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.confirm_totp_device(user, form.cleaned_data["token"])
        if confirmed is not None:
            sessions.second_factor_passed(request, confirmed)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_safe_next(request))
        form.add_error("token", _wrong_code_message(user, enrolling=True))
    qr = segno.make(device.config_url, error="m")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, dark="#1a1a1a"),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


enrol.policy_action = "signed-in: second factor"


@policy.guard(policy.Action.VIEW_OWN_ACCOUNT)
def account(request):
    return render(request, "accounts/account.html", {"account": request.user})


@policy.guard(policy.Action.VIEW_ORGANISATION, load=_load_organisation)
def organisation_detail(request, organisation):
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "can_change": policy.can(request.user, policy.Action.CHANGE_ORGANISATION, organisation),
        },
    )


@policy.guard(policy.Action.CHANGE_ORGANISATION, load=_load_organisation)
def organisation_edit(request, organisation):
    form = OrganisationContactForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_organisation_contact(
            organisation,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in services.CONTACT_FIELDS},
        )
        messages.success(request, _("The contact details are saved."))
        return redirect("accounts:organisation", pk=organisation.pk)
    return render(
        request, "accounts/organisation_edit.html", {"organisation": organisation, "form": form}
    )
