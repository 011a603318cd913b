import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from ciodispatch import policy
from ciodispatch.audit.forms import AuditFilterForm
from ciodispatch.audit.models import AuditEvent


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


PER_PAGE = 50


class UncountedPage:
    """One page of the log, newest first, without counting the table (310,000 events at
    national size): it reads one row more than it shows to know whether an older page
    exists. Links go to newer and older pages; no total is shown."""

    def __init__(self, events, number: str | None, per_page: int = PER_PAGE):
        try:
            self.number = max(1, int(number or 1))
        except ValueError:
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(events[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = self.number > 1
        self.first = start + 1 if self.object_list else 0
        self.last = start + len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


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
    page = UncountedPage(events, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
