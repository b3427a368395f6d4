"""Pages of 入院等関係事務. Thin: access.py to fetch (404 alike for missing and forbidden), actions to
change, a template to show; every page that shows a person writes its read entry."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.core import refused

from . import access, actions, deadlines, forms, reference, worklist


def _m(request):
    return access.require_view(request.membership)


def _errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def _post_step(request, form, call, success, target):
    """A small form on a detail page: run the action, flash the outcome, go back; a refused form comes back
    on that page with what was typed and its messages (core/refused.py)."""
    page = reverse(*target[:1], args=target[1:])
    if not form.is_valid():
        messages.error(request, "入力に誤りがあります。")
        refused.keep(request, form, page)
        return redirect(page)
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, page, error)
    else:
        messages.success(request, success)
    return redirect(page)


def _chosen(m, form):
    """The person chosen on a refused form, shown chosen again (only one the worker may see)."""
    if not form.is_bound or not form.is_valid() or not form.cleaned_data.get("person"):
        return None
    return access.persons_for_choice(m).filter(pk=form.cleaned_data["person"]).first()


def _shown_chosen(request, m, form):
    chosen = _chosen(m, form)
    if chosen is not None:
        actions.log_listing(request, m, "person.picked", [chosen])
    return chosen


def index(request):
    """The worklist: overdue, due today, due within 7 days; and the reports not yet decided."""
    m = _m(request)
    work = worklist.worklist(m)
    actions.log_listing(request, m, "admission.worklist_viewed", work["persons"],
                        data={"reports": [r.pk for r in work["pending"]]})
    return render(request, "admissions/index.html", {
        "work": work, "status_names": worklist.STATUS_NAMES, "can_edit": access.can_edit(m), "now": timezone.now()})


def report_list(request):
    m = _m(request)
    reports = list(access.reports_visible_to(m).select_related("person", "received_by")[:100])
    actions.log_listing(request, m, "admission_report.listed", [r.person for r in reports],
                        data={"reports": [r.pk for r in reports]})
    return render(request, "admissions/report_list.html", {"reports": reports, "can_edit": access.can_edit(m)})


def report_create(request):
    m = access.require_edit(request.membership)
    form = forms.ReportForm(m, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, person_id=form.cleaned_data.get("person"))
        try:
            report = actions.do_receive_report(request=request, membership=m, data=data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "受理を記録しました。")
            return redirect("admissions:report_detail", report.pk)
    return render(request, "admissions/report_form.html", {"form": form, "chosen": _shown_chosen(request, m, form)})


def report_detail(request, report_id):
    m = _m(request)
    report = access.get_report_for_user(m, report_id)
    actions.log_read(request, m, "admission_report.viewed", report, report.person)
    rule = deadlines.revision_on(report.received_at)
    kind_rule = rule.rule(next(k["rule"] for k in reference.items("kinds") if k["code"] == report.kind))
    grounds = reference.names("grounds")
    return render(request, "admissions/report_detail.html", {
        "report": report, "can_edit": access.can_edit(m), "kind_rule": kind_rule, "doctors": list(report.doctors.all()),
        "grounds": [grounds.get(code, code) for code in report.grounds], "events": report.events.select_related("by"),
        "admissions": report.admissions.all(),
        "link_form": refused.restore(request, forms.LinkPersonForm()),
        "investigation_form": refused.restore(request, forms.InvestigationForm(m)),
        "examination_form": refused.restore(request, forms.ExaminationForm(m)),
        "result_form": refused.restore(request, forms.DoctorResultForm()),
        "decision_form": refused.restore(request, forms.DecisionForm()),
        "notice_form": refused.restore(request, forms.NoticeForm(initial={"notified_at": forms._now()})),
        "transfer_form": refused.restore(request, forms.TransferForm(initial={"transferred_at": forms._now()})),
    })


def _report_step(request, report_id, form_class, call, success, with_membership=False):
    m = access.require_edit(request.membership)
    report = access.get_report_for_edit(m, report_id)
    form = form_class(m, request.POST) if with_membership else form_class(request.POST)
    return _post_step(request, form, lambda d: call(m, report, d), success, ("admissions:report_detail", report.pk))


@require_POST
def report_link_person(request, report_id):
    def call(m, report, d):
        if not d.get("person"):
            raise ValidationError("本人を選んでください。")
        actions.do_link_person(request=request, membership=m, report=report, person_id=d["person"])
    return _report_step(request, report_id, forms.LinkPersonForm, call, "本人を結びつけました。")


@require_POST
def report_investigation(request, report_id):
    return _report_step(request, report_id, forms.InvestigationForm, lambda m, report, d: actions.do_record_investigation(
        request=request, membership=m, report=report, data=d), "事前調査を記録しました。", with_membership=True)


@require_POST
def report_examination(request, report_id):
    form_doctors = {}

    def call(m, report, d):
        actions.do_record_examination(request=request, membership=m, report=report,
                                      data=dict(d, doctors=form_doctors["form"].doctors()))

    m = access.require_edit(request.membership)
    report = access.get_report_for_edit(m, report_id)
    form = forms.ExaminationForm(m, request.POST)
    form_doctors["form"] = form
    return _post_step(request, form, lambda d: call(m, report, d), "措置診察を記録しました。",
                      ("admissions:report_detail", report.pk))


@require_POST
def report_result(request, report_id):
    return _report_step(request, report_id, forms.DoctorResultForm, lambda m, report, d: actions.do_record_doctor_result(
        request=request, membership=m, report=report, position=d["position"], result=d["result"], note=d["note"]),
        "診察の結果を記録しました。")


@require_POST
def report_decision(request, report_id):
    return _report_step(request, report_id, forms.DecisionForm, lambda m, report, d: actions.do_decide(
        request=request, membership=m, report=report, data=d), "決定を記録しました。")


@require_POST
def report_notice(request, report_id):
    return _report_step(request, report_id, forms.NoticeForm, lambda m, report, d: actions.do_record_notice(
        request=request, membership=m, report=report, notified_at=d["notified_at"], notified_to=d["notified_to"]),
        "書面告知を記録しました。")


@require_POST
def report_transfer(request, report_id):
    return _report_step(request, report_id, forms.TransferForm, lambda m, report, d: actions.do_record_transfer(
        request=request, membership=m, report=report, transferred_at=d["transferred_at"], note=d["transfer_note"]),
        "移送を記録しました。")


# --- inpatients --------------------------------------------------------------------------------------------
def admission_list(request):
    m = _m(request)
    rows = list(access.admissions_visible_to(m).select_related("person")[:100])
    actions.log_listing(request, m, "admission.listed", [a.person for a in rows], data={"admissions": [a.pk for a in rows]})
    return render(request, "admissions/admission_list.html", {"rows": rows, "can_edit": access.can_edit(m)})


def admission_create(request):
    m = access.require_edit(request.membership)
    form = forms.AdmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            admission = actions.do_register_admission(request=request, membership=m, data=dict(
                form.cleaned_data, person_id=form.cleaned_data.get("person")))
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "入院者を登録しました。")
            return redirect("admissions:admission_detail", admission.pk)
    return render(request, "admissions/admission_form.html", {"form": form, "chosen": _shown_chosen(request, m, form)})


def admission_detail(request, admission_id):
    m = _m(request)
    admission = access.get_admission_for_user(m, admission_id)
    actions.log_read(request, m, "admission.viewed", admission, admission.person)
    rows = worklist.schedule(admission)
    now = timezone.now()
    kept = (request.session.get(refused.SESSION_KEY) or {}).get(f"{request.path}|{forms.DocumentForm.__name__}")
    refused_prefix = next((k[:-len("-rule")] for k in kept["data"] if k.endswith("-rule")), None) if kept else None
    for row in rows:
        item = worklist.Item(admission, row["rule"], row["nth"], row["due"])
        row["status"] = item.status(now) if row["open"] else None
        row["status_name"] = worklist.STATUS_NAMES.get(row["status"], "") if row["status"] else ""
        prefix = f"d{row['rule'].code}-{row['nth']}"
        row["form"] = forms.DocumentForm(initial={"rule": row["rule"].code, "nth": row["nth"],
                                                  "received_on": timezone.localdate()}, prefix=prefix)
        if prefix == refused_prefix:  # the row whose form was refused gets back what was typed
            row["form"] = refused.restore(request, row["form"])
    return render(request, "admissions/admission_detail.html", {
        "admission": admission, "rows": rows, "can_edit": access.can_edit(m), "status_names": worklist.STATUS_NAMES,
        "revision": deadlines.revision_on(admission.admitted_at), "end_form": refused.restore(request, forms.EndForm()),
        "soon": timezone.localdate() + dt.timedelta(days=worklist.SOON_DAYS)})


@require_POST
def admission_document(request, admission_id):
    m = access.require_edit(request.membership)
    admission = access.get_admission_for_edit(m, admission_id)
    prefix = next((k[:-len("-rule")] for k in request.POST if k.endswith("-rule")), None)
    form = forms.DocumentForm(request.POST, prefix=prefix)
    return _post_step(request, form, lambda d: actions.do_record_document(
        request=request, membership=m, admission=admission, rule_code=d["rule"], nth=d["nth"],
        received_on=d["received_on"], note=d["note"]), "受理を記録しました。", ("admissions:admission_detail", admission.pk))


@require_POST
def admission_end(request, admission_id):
    m = access.require_edit(request.membership)
    admission = access.get_admission_for_edit(m, admission_id)
    return _post_step(request, forms.EndForm(request.POST), lambda d: actions.do_end_admission(
        request=request, membership=m, admission=admission, ended_on=d["ended_on"]), "退院・措置解除を記録しました。",
        ("admissions:admission_detail", admission.pk))


def rules(request):
    """The deadline rules in force (no person data): each with its article and confidence mark."""
    _m(request)
    return render(request, "admissions/rules.html", {"revisions": deadlines.revisions(),
                                                     "current": deadlines.revision_on(timezone.localdate())})

