from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .access import events_visible_to, naming_persons, require_perm
from .actions import log_event
from .export import events_csv
from .forms import AuditFilterForm

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


def _filtered(request):
    require_perm(request, "audit.view")
    form = AuditFilterForm(request.GET or None)
    events = events_visible_to(request.membership)
    if form.is_bound and form.is_valid():
        events = form.apply(events)
    elif form.is_bound:
        events = events.none()
    return form, events


def event_list(request):
    form, events = _filtered(request)
    page = Paginator(events.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the page as it was before this viewing is logged
    log_event("audit.viewed", request=request, data={"filters": request.GET.dict(), "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()})


def event_export(request):
    form, events = _filtered(request)
    events = list(events.order_by("id")[:EXPORT_LIMIT])
    log_event("audit.exported", request=request, data={"filters": request.GET.dict(), "rows": len(events)})
    return events_csv(events, f"audit-{timezone.localdate():%Y%m%d}.csv")


def person_report(request, person_id):
    """開示請求: who saw or changed this person's record, and when — across every organisation."""
    from renkei.cases.access import get_person_for_user

    require_perm(request, "audit.view")
    person = get_person_for_user(request.membership, person_id)
    events = list(events_visible_to(request.membership).filter(id__in=naming_persons([str(person.pk)]))
                  .exclude(action__startswith="audit.").order_by("id"))
    log_event("audit.person_report", request=request, obj=person, person=person, field_groups=["基本情報"],
              purpose="本人の記録へのアクセス状況の確認（開示請求等）",
              data={"format": request.GET.get("format", "html")})
    if request.GET.get("format") == "csv":
        return events_csv(events, f"access-report-{person.pk}-{timezone.localdate():%Y%m%d}.csv")
    return render(request, "audit/person_report.html", {"person": person, "events": events})
