"""Pages of discharge support, community transition, inpatient visit support and outreach. Thin: access.py
to fetch (404 alike for missing and forbidden), actions to change, a template to show."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.accounts.access import require_perm
from renkei.cases import versioning
from renkei.core import query, refused
from renkei.core.dates import FiscalYear
from renkei.core.pdf import pdf_response, render_pdf

from . import access, actions, forms, reference, stats
from . import work_actions as work
from .access import BASIC, PLAN, PURPOSE_OUTREACH, PURPOSE_VISIT, RECORDS, VISIT_SUPPORT
from .models import Pathway, PathwayStep


def _m(request, perm="person.view"):
    require_perm(request, perm)
    return request.membership


def _errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def _post_action(request, form, call, success, target):
    """For the small POST forms on a detail page: run the action, flash the outcome, go back. A refused
    form comes back on that page with what was typed and a message at each field (core/refused.py)."""
    if not form.is_valid():
        messages.error(request, "入力に誤りがあります: " + " ".join(
            f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}" for k, v in form.errors.items()))
        refused.keep(request, form, reverse(*target[:1], args=target[1:]))
        return redirect(*target)
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, reverse(*target[:1], args=target[1:]), error)
    else:
        messages.success(request, success)
    return redirect(*target)


# --- overview --------------------------------------------------------------------------------------------
def index(request):
    m = _m(request)
    plans = list(access.plans_visible_to(m).order_by("-created_at")[:50])
    due = actions.due_reviews(access.plans_visible_to(m).filter(organisation=m.organisation))
    visits = list(access.visits_visible_to(m).filter(status="planned").select_related("case")
                  .order_by("planned_at")[:30])
    requests = list(access.requests_visible_to(m).order_by("-received_on")[:30]) if access.is_office(m) else []
    actions.log_listing(request, m, "plan.listed", plans=plans + [row["plan"] for row in due], visits=visits,
                        requests=requests)
    return render(request, "discharge/index.html", {"plans": plans, "due": due, "visits": visits,
                                                    "requests": requests, "is_office": access.is_office(m)})


def case_hub(request, case_id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    actions.log_read(request, m, "discharge_case.viewed", case, case.person, [BASIC, PLAN])
    plans = access.plans_visible_to(m).filter(case=case)
    pathway = Pathway.objects.filter(case=case).first()
    return render(request, "discharge/case_hub.html", {
        "case": case, "person": case.person, "plans": plans, "refusals": case.plan_refusals.all(),
        "pathway": pathway, "steps": pathway.steps.select_related("owner_organisation", "owner_user") if pathway
        else [], "visits": access.visits_visible_to(m).filter(case=case), "can_edit": access.can_edit(m)
        and case.organisation_id == m.organisation_id, "consent": actions.plan_consent(case.person, m.organisation),
        "refusal_form": refused.restore(request, forms.RefusalForm(initial={"refused_on": timezone.localdate()})),
        "step_statuses": reference.choices("pathway", "statuses"),
        "organisations": work.organisations_for() if pathway else [],
    })


# --- 退院後支援計画 -----------------------------------------------------------------------------------------
def plan_create(request, case_id):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.do_create_plan(request=request, membership=m, case=case, data=form.data_for_action())
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "退院後支援計画（第1版）を作成しました。会議で合意したら記録してください。")
            return redirect("discharge:plan_detail", plan.pk)
    consent = actions.plan_consent(case.person, m.organisation)
    actions.log_read(request, m, "case.form_viewed", case, case.person, [BASIC])
    return render(request, "discharge/plan_form.html", {"form": form, "case": case, "person": case.person,
                                                        "consent": consent, "rules": reference.plan_rules()})


@require_POST
def refusal_create(request, case_id):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _post_action(request, forms.RefusalForm(request.POST), lambda d: actions.do_record_refusal(
        request=request, membership=m, case=case, **d),
        "本人が計画を希望しないことを記録しました。相談支援は続けます。", ("discharge:case_hub", case.pk))


def plan_detail(request, plan_id, number=None):
    m = request.membership
    if m is None:
        raise Http404
    plan = access.get_plan_for_user(m, plan_id)
    versions = list(plan.versions.select_related("hospital", "discharge_officer", "created_by"))
    shown = next((v for v in versions if v.number == (number or plan.current_number)), None)
    if shown is None:
        raise Http404
    actions.log_read(request, m, "discharge_plan.viewed", plan, plan.person, [BASIC, PLAN])
    can_edit = access.can_edit_plan(m, plan)
    agreement = getattr(shown, "agreement", None)
    return render(request, "discharge/plan_detail.html", {
        "plan": plan, "person": plan.person, "v": shown, "versions": versions, "can_edit": can_edit,
        "is_current": shown.number == plan.current_number, "agreement": agreement,
        "case_link": access.can_open_case(m, plan.case_id),
        "conference_link": bool(agreement and agreement.conference_id
                                and _conferences(m, plan).filter(pk=agreement.conference_id).exists()),
        "team_purpose": _team_purpose(plan, shown),
        "reviews": plan.reviews.select_related("recorded_by"), "handovers": plan.handovers.select_related(
            "to_organisation", "handed_by", "consent"),
        "agreement_form": refused.restore(request, forms.AgreementForm(_conferences(m, plan), initial={
            "agreed_on": timezone.localdate(), "meeting_kind": "pre_discharge"})),
        "review_form": refused.restore(request, forms.ReviewForm(initial={"held_on": timezone.localdate()})),
        "extension_form": refused.restore(request, forms.ExtensionForm()),
        "handover_form": refused.restore(request, forms.HandoverForm()),
        "can_continue": access.can_continue_handed_over(m, plan),
        "continuations": access.plans_visible_to(m).filter(source_version__plan=plan),
        "source": access.plans_visible_to(m).filter(pk=plan.source_version.plan_id).first()
        if plan.source_version_id else None,
    })


@require_POST
def plan_continue(request, plan_id):
    m = _m(request, "person.edit")
    plan = access.get_plan_for_user(m, plan_id)
    try:
        new = actions.do_continue_handed_over(request=request, membership=m, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("discharge:plan_detail", plan.pk)
    messages.success(request, f"引き継いだ計画をもとに、ケース {new.case.number} の退院後支援計画（第1版）を作成しました。"
                              "会議で合意を記録してください。")
    return redirect("discharge:plan_detail", new.pk)


def plan_revise(request, plan_id):
    """A new version of the plan, based on the version the worker opened; a colleague's newer version is
    shown side by side and a save is accepted only once the worker has taken it (cases/versioning.py)."""
    m = _m(request, "person.edit")
    plan = access.get_plan_for_user(m, plan_id)
    access.require_plan_edit(m, plan)
    current = plan.current
    initial = forms.PlanForm.initial_from(current)
    data = request.POST or None
    based_on, conflict = plan.current_number, None
    if data is not None:
        taken = versioning.taken_version(data)
        if taken is not None:
            data = versioning.rebase(data, taken, "based_on")
        based_on = data.get("based_on") or plan.current_number
    form = forms.PlanForm(data, initial=initial)
    if data is not None and taken is not None:
        conflict = versioning.conflict(form, initial, plan.current_number, taken=str(taken) == str(plan.current_number))
    elif data is not None and form.is_valid():
        try:
            version = actions.do_revise_plan(request=request, membership=m, plan=plan, based_on=based_on,
                                             data=form.data_for_action(),
                                             reason=form.cleaned_data.get("change_reason"))
        except versioning.StaleVersion as stale:
            conflict = versioning.conflict(form, forms.PlanForm.initial_from(stale.current), stale.current.number)
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"計画の第{version.number}版を作成しました。前の版も閲覧できます。")
            return redirect("discharge:plan_detail", plan.pk)
    if request.method == "GET":
        actions.log_read(request, m, "discharge_plan.viewed", plan, plan.person, [BASIC, PLAN])
    return render(request, "discharge/plan_form.html", {"form": form, "plan": plan, "case": plan.case,
                                                        "person": plan.person, "consent": plan.consent,
                                                        "based_on": based_on, "conflict": conflict,
                                                        "rules": reference.plan_rules()})


def _plan_post(request, plan_id, form_class, call, success):
    m = _m(request, "person.edit")
    plan = access.get_plan_for_user(m, plan_id)
    access.require_plan_edit(m, plan)
    return _post_action(request, form_class(request.POST), lambda d: call(m, plan, d), success,
                        ("discharge:plan_detail", plan.pk))


def _team_purpose(plan, version) -> str:
    """The support team's shared purpose (conferences app), printed at the top of the current version."""
    from renkei.conferences.access import team_of

    team = team_of(plan.case) if version.number == plan.current_number else None
    return team.purpose if team is not None else ""


def _conferences(m, plan):
    from renkei.conferences.access import conferences_visible_to

    return conferences_visible_to(m).filter(case=plan.case).order_by("-starts_at")


@require_POST
def plan_agree(request, plan_id):
    return _plan_post(request, plan_id, lambda data: forms.AgreementForm(
        _conferences(request.membership, access.get_plan_for_user(request.membership, plan_id)), data),
        lambda m, plan, d: actions.do_record_agreement(request=request, membership=m, plan=plan, **d),
        "会議での合意を記録しました。")


@require_POST
def plan_review(request, plan_id):
    return _plan_post(request, plan_id, forms.ReviewForm, lambda m, plan, d: actions.do_record_review(
        request=request, membership=m, plan=plan, **d), "見直しを記録しました。")


@require_POST
def plan_extend(request, plan_id):
    return _plan_post(request, plan_id, forms.ExtensionForm, lambda m, plan, d: actions.do_extend_plan(
        request=request, membership=m, plan=plan, based_on=request.POST.get("based_on"), **d),
        "計画期間を延長しました（新しい版）。会議で合意したら記録してください。")


@require_POST
def plan_handover(request, plan_id):
    return _plan_post(request, plan_id, forms.HandoverForm, lambda m, plan, d: actions.do_hand_over(
        request=request, membership=m, plan=plan, **d), "計画を転居先の機関へ引き継ぎました。")


def plan_pdf(request, plan_id, number=None):
    m = request.membership
    if m is None or not (m.has_perm("person.view") or m.has_perm("shared.view")):
        raise Http404
    plan = access.get_plan_for_user(m, plan_id)
    version = plan.versions.select_related("hospital", "discharge_officer").filter(
        number=number or plan.current_number).first()
    if version is None:
        raise Http404
    actions.log_read(request, m, "discharge_plan.printed", plan, plan.person, [BASIC, PLAN])
    pdf = render_pdf("discharge/plan_pdf.html", {"plan": plan, "person": plan.person, "v": version,
                                                 "agreement": getattr(version, "agreement", None),
                                                 "team_purpose": _team_purpose(plan, version),
                                                 "printed_on": timezone.localdate()}, request=request)
    return pdf_response(pdf, f"discharge-plan-{plan.pk}-v{version.number}.pdf")


# --- 地域移行 ----------------------------------------------------------------------------------------------
@require_POST
def pathway_start(request, case_id):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    try:
        work.do_start_pathway(request=request, membership=m, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "地域移行・地域定着の経路を始めました。")
    return redirect("discharge:case_hub", case.pk)


def step_detail(request, step_id):
    """One pathway step, for its owner: the case number, the step, its status and note — the person's
    name and the case records only when the case itself is open to the reader."""
    m = request.membership
    if m is None:
        raise Http404
    step = access.get_step_for_user(m, step_id)
    case = step.pathway.case
    case_link = access.can_open_case(m, case.pk)
    actions.log_read(request, m, "pathway_step.viewed", step.pathway, case.person, [PLAN],
                     purpose=access.PURPOSE_PATHWAY, legal_basis="" if case_link else "pathway_step_owner")
    return render(request, "discharge/step_detail.html", {
        "step": step, "case": case, "case_link": case_link, "person": case.person if case_link else None,
        "progress": step.pathway.progress()})


@require_POST
def step_update(request, step_id):
    m = _m(request, "person.edit")
    try:
        step = PathwayStep.objects.select_related("pathway").get(
            pk=int(step_id), pathway__in=access.pathways_visible_to(m))
    except (PathwayStep.DoesNotExist, ValueError):
        raise Http404 from None
    return _post_action(request, forms.StepForm(request.POST), lambda d: work.do_update_step(
        request=request, membership=m, step=step, **d), f"「{step.partner}」の段階を更新しました。",
        ("discharge:case_hub", step.pathway.case_id))


# --- 入院者訪問支援事業 -------------------------------------------------------------------------------------
def _office(request):
    m = _m(request)
    if not access.is_office(m):
        raise Http404
    return m


def request_list(request):
    m = _office(request)
    requests = list(access.requests_visible_to(m).order_by("-received_on", "-id"))
    actions.log_listing(request, m, "visit_request.listed", requests=requests)
    return render(request, "discharge/request_list.html", {
        "requests": requests,
        "supporters": access.supporters_visible_to(m), "supporter_form": refused.restore(request, forms.SupporterForm())})


def request_create(request):
    m = _office(request)
    form = forms.VisitRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            req = work.do_receive_request(request=request, membership=m, data=form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "申込みを受け付けました。次に本人の意向を確認して記録してください。")
            return redirect("discharge:request_detail", req.pk)
    return render(request, "discharge/request_form.html", {"form": form})


def request_detail(request, request_id):
    m = request.membership
    if m is None:
        raise Http404
    req, level = access.get_request_for_user(m, request_id)
    if level == "supporter":
        actions.log(  # the supporter reads only the programme's fields
            "visit_support.viewed", request, m, obj=req, person=req.person, groups=[VISIT_SUPPORT],
            purpose=PURPOSE_VISIT)
        return render(request, "discharge/request_supporter.html", {
            "r": access.supporter_view(req), "report_form": refused.restore(request, forms.ReportForm(
                initial={"visited_on": timezone.localdate()}))})
    actions.log("visit_support.viewed", request, m, obj=req, person=req.person, groups=[BASIC, VISIT_SUPPORT],
                purpose=PURPOSE_VISIT)
    return render(request, "discharge/request_detail.html", {
        "r": req, "assigned": req.supporters.all(), "can_edit": access.can_edit(m),
        "wish_form": refused.restore(request, forms.WishForm(initial={"confirmed_on": timezone.localdate()})),
        "assign_form": refused.restore(request, forms.AssignForm(
            access.supporters_visible_to(m).filter(is_active=True),
            initial={"supporters": list(req.supporters.values_list("pk", flat=True))})),
        "schedule_form": refused.restore(request, forms.ScheduleForm()), "report_form": refused.restore(
            request, forms.ReportForm(initial={"visited_on": timezone.localdate()}))})


def _request_post(request, request_id, form_factory, call, success, office=True):
    m = request.membership
    if m is None:
        raise Http404
    req, level = access.get_request_for_user(m, request_id)
    if office and level != "office":
        raise Http404
    return _post_action(request, form_factory(m, request.POST), lambda d: call(m, req, d), success,
                        ("discharge:request_detail", req.pk))


@require_POST
def request_wish(request, request_id):
    return _request_post(request, request_id, lambda m, p: forms.WishForm(p), lambda m, r, d: work.do_confirm_wish(
        request=request, membership=m, req=r, **d), "本人の意向を確認した日と方法を記録しました。")


@require_POST
def request_assign(request, request_id):
    return _request_post(request, request_id, lambda m, p: forms.AssignForm(access.supporters_visible_to(m), p),
                         lambda m, r, d: work.do_assign_supporters(request=request, membership=m, req=r,
                                                                   supporters=list(d["supporters"])),
                         "訪問支援員を選任しました。")


@require_POST
def request_schedule(request, request_id):
    return _request_post(request, request_id, lambda m, p: forms.ScheduleForm(p),
                         lambda m, r, d: work.do_schedule_visit(request=request, membership=m, req=r, **d),
                         "病院と調整した訪問日時を記録しました。")


@require_POST
def request_report(request, request_id):
    return _request_post(request, request_id, lambda m, p: forms.ReportForm(p),
                         lambda m, r, d: work.do_report_visit(request=request, membership=m, req=r, **d),
                         "訪問の報告を記録しました。", office=False)


@require_POST
def supporter_create(request):
    m = _office(request)
    return _post_action(request, forms.SupporterForm(request.POST), lambda d: work.do_register_supporter(
        request=request, membership=m, **d), "訪問支援員を登録しました。", ("discharge:request_list",))


def my_assignments(request):
    m = request.membership
    if m is None:
        raise Http404
    supporter = access.supporter_of(m)
    requests = list(access.requests_visible_to(m).filter(assignments__supporter=supporter)) if supporter else []
    actions.log_listing(request, m, "visit_request.listed", requests=requests, groups=[BASIC])
    rows = [access.supporter_view(r) for r in requests]
    return render(request, "discharge/my_assignments.html", {"rows": rows, "supporter": supporter})


# --- アウトリーチ ----------------------------------------------------------------------------------------------
def visit_create(request, case_id):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    form = forms.OutreachForm(m, request.POST or None, initial={"staff": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        try:
            visit = work.do_plan_visit(request=request, membership=m, case=case, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "訪問を予定しました。")
            return redirect("discharge:visit_detail", visit.pk)
    actions.log_read(request, m, "case.form_viewed", case, case.person, [BASIC])
    return render(request, "discharge/visit_form.html", {"form": form, "case": case, "person": case.person})


def visit_detail(request, visit_id):
    m = request.membership
    if m is None:
        raise Http404
    visit = access.get_visit_for_user(m, visit_id)
    actions.log_read(request, m, "outreach.viewed", visit, visit.case.person, [BASIC, RECORDS],
                     purpose=PURPOSE_OUTREACH)
    return render(request, "discharge/visit_detail.html", {
        "visit": visit, "can_edit": access.can_edit_visit(m, visit), "staff": visit.staff.all(),
        "companions": visit.companions.all(), "record_form": refused.restore(request, forms.VisitRecordForm(
            initial={"visited_at": timezone.localtime(visit.planned_at)})),
        "cancel_form": refused.restore(request, forms.CancelForm())})


def _visit_post(request, visit_id, form_class, call, success):
    m = _m(request, "person.edit")
    visit = access.get_visit_for_user(m, visit_id)
    return _post_action(request, form_class(request.POST), lambda d: call(m, visit, d), success,
                        ("discharge:visit_detail", visit.pk))


@require_POST
def visit_record(request, visit_id):
    return _visit_post(request, visit_id, forms.VisitRecordForm, lambda m, v, d: work.do_record_visit(
        request=request, membership=m, visit=v, **d), "訪問を記録しました（経過記録にも追加されました）。")


@require_POST
def visit_cancel(request, visit_id):
    return _visit_post(request, visit_id, forms.CancelForm, lambda m, v, d: work.do_cancel_visit(
        request=request, membership=m, visit=v, **d), "訪問を中止しました。")


@query.reads(fy=query.FiscalYear())
def visit_stats(request):
    m = _m(request, "report.view")
    fy = request.query.fy or FiscalYear.of(timezone.now())
    return render(request, "discharge/visit_stats.html", {"counts": stats.visit_counts(m.organisation, fy),
                                                          "prev": fy.year - 1, "next": fy.year + 1})
