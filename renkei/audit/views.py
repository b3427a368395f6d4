from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from renkei.core import query
from renkei.core.export import csv_response
from renkei.core.pdf import pdf_response, render_pdf

from . import report
from . import seal as sealing
from .access import events_visible_to, require_perm
from .actions import log_event
from .export import events_csv
from .forms import AuditFilterForm
from .labels import action_label

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


def _shown(events) -> list[str]:
    """The persons the rows show (their id, and the name in the object's description)."""
    return sorted({e.person_id for e in events if e.person_id})


@query.reads(AuditFilterForm, page=query.Int("ページ", maximum=100_000, default=1))
def event_list(request):
    form, events = _filtered(request)
    page = Paginator(events.order_by("-id"), PAGE_SIZE).get_page(request.query.page)
    page.object_list = list(page.object_list)  # the page as it was before this viewing is logged
    for event in page.object_list:
        event.label = action_label(event.action)
    log_event("audit.viewed", request=request, data={"filters": request.GET.dict(), "page": page.number},
              persons=_shown(page.object_list))
    others = request.GET.copy()
    others.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": others.urlencode()})


@query.reads(AuditFilterForm)
def event_export(request):
    form, events = _filtered(request)
    events = list(events.order_by("id")[:EXPORT_LIMIT])
    log_event("audit.exported", request=request, data={"filters": request.GET.dict(), "rows": len(events)},
              persons=_shown(events))
    return events_csv(events, f"audit-{timezone.localdate():%Y%m%d}.csv")


@query.reads(format=query.Choice("形式", [("html", "画面"), ("pdf", "pdf"), ("csv", "csv")], default="html"))
def person_report(request, person_id):
    """開示請求: every access to this person's records, from every organisation, in words the person can
    read — for the organisation that holds the record (the same complete list whoever there asks)."""
    from renkei.cases.access import get_person_for_user

    require_perm(request, "audit.view")
    person = get_person_for_user(request.membership, person_id)
    if person.organisation_id != request.membership.organisation_id:
        raise Http404  # only the holder answers a 開示請求 about its record
    rows = report.entries_for(person)  # as it was before this report is logged
    fmt = request.query.format
    log_event("audit.person_report", request=request, obj=person, person=person, field_groups=["基本情報"],
              purpose="本人の記録へのアクセス状況の確認（開示請求等）", data={"format": fmt, "rows": len(rows)})
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return csv_response(report.CSV_HEADER, report.csv_rows(rows), f"access-report-{person.pk}-{stamp}.csv")
    context = {"person": person, "rows": rows, "organisation": request.membership.organisation,
               "made_at": timezone.now()}
    if fmt == "pdf":
        return pdf_response(render_pdf("audit/person_report_pdf.html", context, request=request),
                            f"access-report-{person.pk}-{stamp}.pdf", inline=False)
    return render(request, "audit/person_report.html", context)


@query.reads(format=query.Choice("形式", [("txt", "txt")]))
def seal_page(request):
    """監査ログの封印: the current signed head as one line to print, download or mail and keep outside the
    database; `verify_audit --against` checks the log against it. POST makes a new seal now."""
    require_perm(request, "audit.view")
    from .models import AuditSeal

    if request.method == "POST":
        try:
            seal = sealing.make_seal()
        except RuntimeError as exc:
            log_event("audit.seal_refused", request=request, data={"reason": str(exc)})
            messages.error(request, str(exc))
        else:
            log_event("audit.sealed", request=request, data={"seq": seal.seq, "chain": seal.chain})
            messages.success(request, f"監査ログを封印しました（{seal.seq} 件目まで）。")
        return redirect("audit:seal")
    record = AuditSeal.objects.order_by("-seq").first()
    seal = sealing.stored_seal(record) if record is not None else None
    wanted = request.query.format
    log_event("audit.seal_viewed" if wanted != "txt" else "audit.seal_downloaded", request=request,
              data={"seq": seal.seq if seal else None})
    if wanted == "txt" and seal is not None:
        local = timezone.localtime(seal.at)
        text = (f"# 連携 監査ログの封印 {local:%Y-%m-%d %H:%M:%S}（{seal.seq} 件目まで）\n"
                f"# 照合: python manage.py verify_audit --against <このファイル>\n{seal.line}\n")
        response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-seal-{local:%Y%m%d-%H%M%S}.txt"'
        return response
    return render(request, "audit/seal.html", {"seal": seal, "pending": _pending_count()})


def _pending_count() -> int:
    from .models import AuditEvent

    return AuditEvent.objects.filter(seq__isnull=True).count()
