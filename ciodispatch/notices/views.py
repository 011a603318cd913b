from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.notices import kinds, services
from ciodispatch.notices.forms import PreferencesForm
from ciodispatch.notices.models import Notice
from ciodispatch.notices.rules import visible_notices

A = policy.Action
PER_PAGE = 30
SHOW = ("all", "unread")


def _load(request, pk):
    return get_object_or_404(Notice, pk=pk)


def _list_url(show: str) -> str:
    url = reverse("notices:list")
    return f"{url}?show=unread" if show == "unread" else url


@policy.guard(A.VIEW_NOTICES)
def notice_list(request):
    show = request.GET.get("show")
    show = show if show in SHOW else "all"
    notices = visible_notices(request.user)
    if show == "unread":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "show": show,
            "query": "show=unread" if show == "unread" else "",
            "unread": services.unread_count(request.user),
        },
    )


@policy.guard(A.READ_NOTICE, load=_load)
def open_notice(request, notice):
    """Follow a notice's link: it is marked read on the way."""
    services.mark_read(notice, actor=request.user)
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        return redirect("notices:list")
    return redirect(notice.url)


@require_POST
@policy.guard(A.READ_NOTICE, load=_load)
def mark_read(request, notice):
    services.mark_read(notice, actor=request.user)
    messages.success(request, _("The notice is marked read."))
    return redirect(_list_url(request.POST.get("show", "")))


@require_POST
@policy.guard(A.VIEW_NOTICES)
def mark_all_read(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notice is marked read.", "%(count)d notices are marked read.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was no unread notice."))
    return redirect(_list_url(request.POST.get("show", "")))


@policy.guard(A.SET_NOTICE_PREFERENCES)
def preferences(request):
    mailable = services.mailable_kinds()
    initial = {
        PreferencesForm.field_name(key): on
        for key, on in services.preferences_of(request.user).items()
    }
    initial["language"] = services.language_of(request.user)
    form = PreferencesForm(request.POST or None, kinds=mailable, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            actor=request.user,
            mail=form.mail_choices(),
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("notices:preferences")
    mailed_anyway = sorted(
        (k for k in kinds.KINDS.values() if k.own_mail), key=lambda k: k.position
    )
    return render(
        request, "notices/preferences.html", {"form": form, "mailed_anyway": mailed_anyway}
    )
