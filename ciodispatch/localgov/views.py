from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciodispatch import policy
from ciodispatch.core.errors import NotFoundWithReason, refusal_to_form
from ciodispatch.core.once import once_per_form_token
from ciodispatch.localgov import services
from ciodispatch.localgov.codes import InvalidCode, parse_code
from ciodispatch.localgov.forms import GroupForm, LocalGovernmentFilterForm
from ciodispatch.localgov.models import LocalGovernment, LocalGovernmentGroup, RegistryImport
from ciodispatch.localgov.queries import filter_local_governments
from ciodispatch.localgov.rules import visible_groups

PAGE_SIZE = 50


def _load_local_government(request, code):
    try:
        valid = parse_code(code)
    except InvalidCode as exc:
        raise NotFoundWithReason(str(exc)) from exc
    return get_object_or_404(LocalGovernment, code=valid.value)


def _load_group(request, pk):
    return get_object_or_404(
        LocalGovernmentGroup.objects.select_related("lead").prefetch_related("members"), pk=pk
    )


@policy.guard(policy.Action.VIEW_LOCAL_GOVERNMENTS)
def local_government_list(request):
    form = LocalGovernmentFilterForm(request.GET or None)
    queryset = LocalGovernment.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        queryset = filter_local_governments(
            queryset,
            prefecture=data["prefecture"],
            region=data["region"],
            kind=data["kind"],
            population_band=data["population"],
            q=data["q"],
        )
    elif form.is_bound:
        queryset = LocalGovernment.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "localgov/local_government_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@policy.guard(policy.Action.VIEW_LOCAL_GOVERNMENTS, load=_load_local_government)
def local_government_detail(request, local_government):
    return render(
        request,
        "localgov/local_government_detail.html",
        {
            "lg": local_government,
            "groups": list(visible_groups(request.user, local_government.groups.all())),
        },
    )


@policy.guard(policy.Action.VIEW_REGISTRY_IMPORTS)
def registry_imports(request):
    services.fail_stalled_imports()  # an import whose worker died shows as failed, not running
    runs = RegistryImport.objects.select_related("requested_by")[:20]
    return render(
        request,
        "localgov/registry_imports.html",
        {
            "runs": runs,
            "can_import": policy.can(request.user, policy.Action.IMPORT_LOCAL_GOVERNMENTS),
            "count": LocalGovernment.objects.count(),
        },
    )


@require_POST
@policy.guard(policy.Action.IMPORT_LOCAL_GOVERNMENTS)
@once_per_form_token
def registry_import_start(request):
    services.request_registry_import(actor=request.user)
    messages.success(
        request, _("The import is queued. This page shows its result once the worker has run it.")
    )
    return redirect("localgov:imports")


@policy.guard(policy.Action.LIST_GROUPS)
def group_list(request):
    visible = visible_groups(request.user).select_related("lead").prefetch_related("members")
    return render(
        request,
        "localgov/group_list.html",
        {
            "groups": visible,
            "can_create": policy.can(request.user, policy.Action.CREATE_GROUP)
            and request.user.local_government is not None,
        },
    )


@policy.guard(policy.Action.VIEW_GROUP, load=_load_group)
def group_detail(request, group):
    return render(request, "localgov/group_detail.html", {"group": group})


@policy.guard(policy.Action.CREATE_GROUP)
def group_create(request):
    lead = request.user.local_government
    if lead is None or not lead.is_prefecture:
        # Office staff create groups for any lead through the service; this page is the
        # coordinator's, for their own prefecture.
        raise Http404(_("This page is for prefecture coordinators."))
    form = GroupForm(request.POST or None, prefecture_code=lead.prefecture_code)
    if request.method == "POST" and form.is_valid():
        with refusal_to_form(form):
            group = services.create_group(
                name=form.cleaned_data["name"],
                lead=lead,
                members=list(form.cleaned_data["members"]),
                actor=request.user,
            )
            messages.success(request, _("The group “%s” is created.") % group.name)
            return redirect("localgov:group", pk=group.pk)
    return render(request, "localgov/group_form.html", {"form": form, "lead": lead})
