import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ciodispatch import policy
from ciodispatch.audit.forms import AuditFilterForm
from ciodispatch.audit.models import AuditEvent


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@policy.guard(policy.Action.VIEW_AUDIT_LOG)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["action"]:
                events = events.filter(action=data["action"])
            if data["actor"]:
                events = events.filter(actor_label__icontains=data["actor"].strip())
            if data["object_type"]:
                events = events.filter(object_type=data["object_type"])
            if data["object_id"]:
                events = events.filter(object_id=data["object_id"].strip())
            if data["since"]:
                events = events.filter(at__gte=_start_of(data["since"]))
            if data["until"]:
                events = events.filter(at__lt=_start_of(data["until"] + dt.timedelta(days=1)))
        else:
            events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
