"""Pages for persons, consultations, cases and records. Thin: access.py to fetch, actions.py to change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.audit import reads
from renkei.core import query, refused
from renkei.core.dates import FiscalYear
from renkei.core.reference import assessment_domains

from . import access, actions, reference, search, stats, stats_export, versioning
from .access import BASIC, RECORDS
from .forms import (
    AmendForm,
    CaseEditForm,
    CaseForm,
    ConsultationForm,
    EnteredInErrorForm,
    EntryForm,
    LinkPersonForm,
    PersonEditForm,
    PersonForm,
    SearchForm,
    StatusForm,
)
from .guidance_panel import guidance_for
from .timeline import case_timeline, timeline_html
from .versioning import StaleVersion


def _m(request):
    """The acting membership, if its role may read person data at all (own, shared or assigned); which
    objects it sees is decided by the access layer's grants (consent, disclosure, break-glass …)."""
    m = getattr(request, "membership", None)
    if m is None or not any(m.has_perm(perm) for perm in access.READ_PERMS):
        raise Http404
    return m


def _errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


# --- index, search ---------------------------------------------------------------------------------
def index(request):
    m = _m(request)
    mine = list(access.cases_visible_to(m).filter(access.led_or_worked_on_by(request.user),
                                                  status__in=reference.open_statuses())
                .order_by("last_contact_at", "-opened_at"))
    recent = search.newest(access.consultations_visible_to(m).order_by("-occurred_at", "-id"), 15)
    reads.log_listing(request, "case.listed", [c.person for c in mine] + [c.person for c in recent],
                      field_groups=[BASIC, RECORDS], membership=m,
                      data={"cases": [c.pk for c in mine], "consultations": [c.pk for c in recent]})
    return render(request, "cases/index.html", {
        "my_cases": mine, "recent": recent,
        "can_edit": access.can_edit(m), "search_form": SearchForm(),
    })


@query.reads(SearchForm)
def search_page(request):
    m = _m(request)
    form = SearchForm(request.GET or None)
    query, persons, hits = "", [], []
    if form.is_valid():
        query = search.clean_query(form.cleaned_data["q"])
        persons = search.find_persons(m, query)
        hits = search.search_records(m, query)
        if query:
            search.log_results(request, m, query, persons, hits)
    return render(request, "cases/search.html", {"form": form, "query": query, "persons": persons, "hits": hits})


def open_search_result(request, document_id):
    """An opened search result is a read on record; then go to its page."""
    m = _m(request)
    doc = access.get_search_document_for_user(m, document_id)
    target = doc.consultation if doc.consultation_id else doc.entry
    actions.log_read(request, m, "search.result_opened", target, doc.person, [RECORDS])
    if doc.entry_id:
        return redirect(reverse("cases:case_detail", args=[doc.case_id]) + f"#entry-{doc.entry_id}")
    return redirect("cases:consultation_detail", doc.consultation_id)


# --- persons -------------------------------------------------------------------------------------------
@query.reads(SearchForm)
def person_list(request):
    m = _m(request)
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    if form.errors:  # a refused search shows its message, not the latest persons as if nothing were asked
        persons = []
    else:
        persons = search.find_persons(m, q, limit=100) if q else list(access.persons_visible_to(m).select_related(
            "municipality").order_by("-created_at")[:50])
    reads.log_listing(request, "search.performed" if q else "person.listed", persons, field_groups=[BASIC],
                      membership=m, data={"query": q} if q else None, always=bool(q))
    return render(request, "cases/person_list.html", {"form": form, "persons": persons, "query": q,
                                                      "can_edit": access.can_edit(m)})


@query.reads(person_query=query.Text("本人を探す", max_length=100))
def person_pick(request):
    """htmx: persons matching the quick-entry lookup box, as radio buttons (names only)."""
    m = _m(request)
    q = request.query.person_query
    persons = search.find_persons(m, q, limit=10) if search.clean_query(q) else []
    reads.log_listing(request, "person.picked", persons, field_groups=[BASIC], membership=m, data={"query": q})
    return render(request, "cases/_person_pick.html", {"persons": persons, "query": q})


def person_create(request):
    m = _m(request)
    access.require_edit(m)
    form = PersonForm(request.POST or None)
    candidates, elsewhere = [], ""
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.do_register_person(request=request, membership=m, data=form.cleaned_data,
                                                confirm_duplicate=form.cleaned_data["confirm_duplicate"])
        except actions.DuplicateWarning as warning:
            candidates, elsewhere = warning.candidates, warning.elsewhere
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{person.name}さんを登録しました。")
            return redirect("cases:person_detail", person.pk)
    return render(request, "cases/person_form.html", {"form": form, "candidates": candidates,
                                                      "elsewhere": elsewhere})


def person_detail(request, person_id):
    m = _m(request)
    person = access.get_person_for_user(m, person_id)
    actions.log_read(request, m, "person.viewed", person, person, [BASIC, RECORDS])
    return render(request, "cases/person_detail.html", {
        "person": person, "can_edit": access.can_edit(m), "can_edit_person": access.can_edit_object(m, person),
        "sees_records": RECORDS in access.visible_field_groups(m, person),
        "contact": access.sees_contact_details(m, person),
        "holds_record": access.holds_record(m, person), "cases": access.cases_visible_to(m).filter(person=person),
        "consultations": access.consultations_visible_to(m).filter(person=person)[:50],
    })


def _person_values(person) -> dict:
    return {name: getattr(person, name) for name in actions.PERSON_FIELDS} | {"version": person.version}


def person_edit(request, person_id):
    m = _m(request)
    person = access.get_person_for_user(m, person_id)
    access.require_edit(m, person)
    initial = _person_values(person)
    form = PersonEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and (taken := versioning.taken_version(request.POST)) is not None:
        form = PersonEditForm(versioning.rebase(request.POST, taken), initial=initial)
        conflict = versioning.conflict(form, initial, person.version, taken=taken == person.version)
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in actions.PERSON_FIELDS}
        try:
            actions.do_update_person(request=request, membership=m, person=person,
                                     version=form.cleaned_data["version"], data=data)
        except StaleVersion as stale:
            conflict = versioning.conflict(form, _person_values(stale.current), stale.current.version)
            form.add_error(None, StaleVersion.message)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "本人情報を更新しました。")
            return redirect("cases:person_detail", person.pk)
    if request.method == "GET":
        actions.log_read(request, m, "person.viewed", person, person, [BASIC])
    return render(request, "cases/person_edit.html", {"form": form, "person": person, "conflict": conflict})


# --- consultations -------------------------------------------------------------------------------------
@query.reads(person=query.Id("本人"))
def consultation_create(request):
    m = _m(request)
    access.require_edit(m)
    initial = {}
    preset = None
    if request.query.person:
        preset = access.get_person_for_user(m, request.query.person)
        initial = {"person": preset.pk, "person_query": preset.name}
    form = ConsultationForm(m, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["person"] = access.get_person_for_user(m, data["person"]) if data.get("person") else None
        try:
            consultation = actions.do_log_consultation(request=request, membership=m, data=data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"相談を記録しました（{consultation.subject}・{consultation.channel_name}）。")
            if request.POST.get("next") == "another":
                return redirect("cases:consultation_create")
            return redirect("cases:consultation_detail", consultation.pk)
    chosen = preset
    if form.is_bound and form.data.get("person"):
        try:
            chosen = access.get_person_for_user(m, form.data["person"])
        except Http404:
            chosen = None
    if chosen is not None:  # the form shows who the consultation is about
        reads.log_read(request, "person.form_viewed", obj=chosen, person=chosen, field_groups=[BASIC], membership=m)
    return render(request, "cases/consultation_form.html", {"form": form, "chosen": chosen})


def consultation_detail(request, consultation_id):
    m = _m(request)
    c = access.get_consultation_for_user(m, consultation_id)
    actions.log_read(request, m, "consultation.viewed", c, c.person, [RECORDS])
    return render(request, "cases/consultation_detail.html", {
        "c": c, "can_edit": access.can_edit_object(m, c),
        "link_form": refused.restore(request, LinkPersonForm(initial={"version": c.version})),
    })


@require_POST
def consultation_link(request, consultation_id):
    m = _m(request)
    c = access.get_consultation_for_user(m, consultation_id)
    access.require_edit(m, c)
    form = LinkPersonForm(request.POST)
    page = reverse("cases:consultation_detail", args=[c.pk])
    if not form.is_valid():
        messages.error(request, "本人を選んでください。")
        refused.keep(request, form, page)
        return redirect("cases:consultation_detail", c.pk)
    person = access.get_person_for_user(m, form.cleaned_data["person"])
    try:
        actions.do_link_consultation(request=request, membership=m, consultation=c, person=person,
                                     version=form.cleaned_data["version"], reason=form.cleaned_data["reason"])
    except StaleVersion as stale:
        messages.error(request, StaleVersion.message + f"（現在の対象者: {stale.current.subject}）")
        refused.keep(request, form, page, stale)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, page, error)
    else:
        messages.success(request, f"相談を{person.name}さんに結びつけました。")
    return redirect("cases:consultation_detail", c.pk)


# --- cases ---------------------------------------------------------------------------------------------
def case_create(request, person_id):
    m = _m(request)
    person = access.get_person_for_case(m, person_id)
    form = CaseForm(m, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = actions.do_open_case(request=request, membership=m, person=person, lead=d["lead"],
                                        co_workers=list(d["co_workers"]), complexity=d["complexity"],
                                        needs=form.needs(), summary=d["summary"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"ケース {case.number} を開始しました。")
            return redirect("cases:case_detail", case.pk)
    reads.log_read(request, "person.form_viewed", obj=person, person=person, field_groups=[BASIC], membership=m)
    return render(request, "cases/case_form.html", {"form": form, "person": person})


def _needs_rows(case):
    levels = reference.names("need_levels")
    return [{"name": d["name"], "level": case.needs.get(d["code"], "none"),
             "level_name": levels.get(case.needs.get(d["code"], "none"), "")} for d in assessment_domains()]


def case_detail(request, case_id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    return _case_page(request, m, case)


def _case_page(request, m, case, entry_form=None):
    """The case page; a refused record entry comes back in its form with everything typed."""
    actions.log_read(request, m, "case.viewed", case, case.person, [BASIC, RECORDS])
    current = reference.status(case.status)
    can_edit = access.can_edit_object(m, case)
    return render(request, "cases/case_detail.html", {
        "case": case, "person": case.person, "can_edit": can_edit, "needs": _needs_rows(case),
        "contact": access.sees_contact_details(m, case.person),
        "timeline_html": timeline_html(case_timeline(m, case), can_edit),
        "guidance": guidance_for(case, m),
        "entry_form": entry_form or EntryForm(),
        "status_form": refused.restore(request, StatusForm(initial={"version": case.version})),
        "transitions": [(code, reference.names("statuses")[code]) for code in current["to"]],
        "status_changes": case.status_changes.select_related("by"),
        "co_workers": case.co_worker_places.select_related("user", "membership__organisation").order_by("pk"),
    })


def _case_values(case) -> dict:
    values = {"lead": case.lead_id, "co_workers": sorted(case.co_worker_places.filter(membership__isnull=False)
                                                          .values_list("membership_id", flat=True)),
              "complexity": case.complexity, "summary": case.summary, "version": case.version}
    return values | {f"need_{d['code']}": case.needs.get(d["code"], "none") for d in assessment_domains()}


def case_edit(request, case_id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    access.require_edit(m, case)
    initial = _case_values(case)
    form = CaseEditForm(m, request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and (taken := versioning.taken_version(request.POST)) is not None:
        form = CaseEditForm(m, versioning.rebase(request.POST, taken), initial=initial)
        conflict = versioning.conflict(form, initial, case.version, taken=taken == case.version)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_update_case(request=request, membership=m, case=case, version=d["version"], lead=d["lead"],
                                   co_workers=list(d["co_workers"]), complexity=d["complexity"],
                                   needs=form.needs(), summary=d["summary"])
        except StaleVersion as stale:
            conflict = versioning.conflict(form, _case_values(stale.current), stale.current.version)
            form.add_error(None, StaleVersion.message)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "ケースを更新しました。")
            return redirect("cases:case_detail", case.pk)
    if request.method == "GET":  # the form shows the case's summary and needs assessment
        actions.log_read(request, m, "case.viewed", case, case.person, [RECORDS])
    return render(request, "cases/case_edit.html", {"form": form, "case": case, "conflict": conflict})


@require_POST
def case_status(request, case_id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    access.require_edit(m, case)
    form = StatusForm(request.POST)
    page = reverse("cases:case_detail", args=[case.pk])
    try:
        if not form.is_valid():
            raise ValidationError("変更後の状態を選んでください。")
        d = form.cleaned_data
        case = actions.do_change_case_status(request=request, membership=m, case=case, version=d["version"],
                                             to_status=d["to_status"], closure_reason=d["closure_reason"],
                                             note=d["note"])
    except StaleVersion as stale:
        messages.error(request, StaleVersion.message + f"（現在の状態: {stale.current.status_name}）")
        refused.keep(request, form, page, stale)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, page, error)
    else:
        messages.success(request, f"状態を「{case.status_name}」にしました。")
    return redirect("cases:case_detail", case.pk)


# --- record entries ------------------------------------------------------------------------------------
@require_POST
@access.per_request_grants
def entry_create(request, case_id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    access.require_edit(m, case)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = actions.do_add_entry(request=request, membership=m, case=case, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "経過記録を追加しました。")
            return redirect(reverse("cases:case_detail", args=[case.pk]) + f"#entry-{entry.pk}")
    return _case_page(request, m, case, entry_form=form)


def _entry_values(entry) -> dict:
    return {"kind": entry.kind, "occurred_at": timezone.localtime(entry.occurred_at), "body": entry.body,
            "version": entry.version}


def _entry_label(entry) -> str:
    return f"第{entry.revision_count}版" + ("・誤記入とされています" if entry.entered_in_error else "")


def entry_amend(request, entry_id):
    m = _m(request)
    entry = access.get_entry_for_user(m, entry_id)
    access.require_edit(m, entry)
    initial = _entry_values(entry)
    form = AmendForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and (taken := versioning.taken_version(request.POST)) is not None:
        form = AmendForm(versioning.rebase(request.POST, taken), initial=initial)
        conflict = versioning.conflict(form, initial, entry.version, label=_entry_label(entry),
                                       taken=taken == entry.version)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_amend_entry(request=request, membership=m, entry=entry, version=d["version"], body=d["body"],
                                   reason=d["reason"], kind=d["kind"], occurred_at=d["occurred_at"])
        except StaleVersion as stale:
            conflict = versioning.conflict(form, _entry_values(stale.current), stale.current.version,
                                           label=_entry_label(stale.current))
            form.add_error(None, StaleVersion.message)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "経過記録を修正しました。修正前の記載は履歴に残っています。")
            return redirect(reverse("cases:case_detail", args=[entry.case_id]) + f"#entry-{entry.pk}")
    if request.method == "GET":
        actions.log_read(request, m, "record.viewed", entry, entry.case.person, [RECORDS])
    return render(request, "cases/entry_amend.html", {
        "form": form, "entry": entry, "conflict": conflict, "revisions": entry.revisions.select_related("by"),
        "error_form": refused.restore(request, EnteredInErrorForm(initial={"version": entry.version}))})


@require_POST
def entry_error(request, entry_id):
    m = _m(request)
    entry = access.get_entry_for_user(m, entry_id)
    access.require_edit(m, entry)
    form = EnteredInErrorForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("誤記入の理由を入力してください。")
        actions.do_mark_entry_in_error(request=request, membership=m, entry=entry,
                                       version=form.cleaned_data["version"], reason=form.cleaned_data["reason"])
    except ValidationError as error:  # a stale version too: the form keeps the version it was opened on
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, reverse("cases:entry_amend", args=[entry.pk]), error)
        return redirect("cases:entry_amend", entry.pk)
    messages.success(request, "記録を誤記入としました（記録は削除されず残ります）。")
    return redirect(reverse("cases:case_detail", args=[entry.case_id]) + f"#entry-{entry.pk}")


# --- statistics ----------------------------------------------------------------------------------------
STATS_FORMATS = [("html", "画面"), ("csv", "csv"), ("xlsx", "Excel")]


@query.reads(fy=query.FiscalYear(), org=query.Id("組織"), format=query.Choice("形式", STATS_FORMATS, default="html"))
def stats_page(request):
    """The report table (地域保健・健康増進事業報告) of the acting organisation, or of one it may read the
    figures of (its 管内, the prefecture's): counts only."""
    organisation = access.get_statistics_organisation(request.membership, request.query.org)
    fy = request.query.fy or FiscalYear.of(timezone.now())
    table = stats.report_table(organisation, fy)
    if request.query.format == "csv":
        return stats_export.csv_of(table)
    if request.query.format == "xlsx":
        return stats_export.xlsx_of(table)
    others = access.statistics_organisations(request.membership)
    return render(request, "cases/stats.html", {"table": table, "fy": fy, "org": request.query.org,
                                                "rolls_up": len(others) > 1,
                                                "prev": fy.year - 1, "next": fy.year + 1})


@query.reads(fy=query.FiscalYear(), format=query.Choice("形式", STATS_FORMATS, default="html"))
def stats_rollup(request):
    """Every organisation whose figures the member reads, side by side and totalled: counts only."""
    organisations = access.statistics_organisations(request.membership)
    if not organisations:
        raise Http404
    fy = request.query.fy or FiscalYear.of(timezone.now())
    rollup = stats.roll_up(organisations, fy)
    if request.query.format == "csv":
        return stats_export.rollup_csv(rollup, request.membership.organisation)
    if request.query.format == "xlsx":
        return stats_export.rollup_xlsx(rollup, request.membership.organisation)
    return render(request, "cases/stats_rollup.html", {"rollup": rollup, "fy": fy,
                                                       "prev": fy.year - 1, "next": fy.year + 1})
