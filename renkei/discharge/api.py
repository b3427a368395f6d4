"""JSON API of discharge plans, the community transition pathway, the inpatient visit support programme
and outreach visits: the same access and action functions as the pages. Missing and forbidden both
answer 404; bad input answers 400 with a Japanese message and changes nothing."""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from renkei.cases import reference as case_reference
from renkei.core.api_errors import Error, bad_request
from renkei.core.api_types import BIGINT_MAX, Date, DateTime, FiscalYearNumber, Id, Ids, Text, codes

from . import access, actions, reference, stats
from . import work_actions as work
from .access import BASIC, PLAN, PURPOSE_OUTREACH, PURPOSE_VISIT, RECORDS, VISIT_SUPPORT
from .models import OutreachVisit, PathwayStep, PlanVersion, Supporter, VisitSupportRequest

router = Router(tags=["discharge"])
VersionNumber = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def _codes(file, key, *, blank=False):
    return codes((code for code, _label in reference.choices(file, key)), blank=blank)


ERRORS = {400: Error, 404: Error}


def _m(request, perm=None):
    m = request.membership
    if m is None or (perm and not m.has_perm(perm)):
        raise Http404
    return m


def _bad(error: ValidationError):
    return Status(400, bad_request(error))


def _run(fn, out, status=200):
    try:
        result = fn()
    except ValidationError as error:
        return _bad(error)
    return Status(status, out(result))


# --- plans -------------------------------------------------------------------------------------------------
class SupportItem(Schema):
    content: Text(2000)
    organisation_id: Id
    contact: Text(500) = ""


class PlanIn(Schema):
    hospital_id: Id
    ward: Text.of(PlanVersion, "ward") = ""
    discharge_officer_id: Id | None = None
    discharge_officer_name: Text.of(PlanVersion, "discharge_officer_name") = ""
    expected_discharge_on: Date | None = None
    wishes: Text()
    family_views: Text() = ""
    needs: Text()
    support_items: Annotated[list[SupportItem], Field(max_length=100)]
    crisis_plan: Text()
    contacts: Text() = ""
    period_start: Date | None = None
    period_end: Date | None = None
    review_dates: Annotated[list[Date], Field(max_length=50)] | None = None


class PlanRevision(PlanIn):
    based_on: VersionNumber
    reason: Text(2000)


def _version_out(v) -> dict:
    agreement = getattr(v, "agreement", None)
    return {"number": v.number, "hospital": v.hospital.name, "hospital_id": v.hospital_id, "ward": v.ward,
            "discharge_officer": v.officer_label, "expected_discharge_on": v.expected_discharge_on,
            "wishes": v.wishes, "family_views": v.family_views, "needs": v.needs, "support_items": v.support_items,
            "crisis_plan": v.crisis_plan, "contacts": v.contacts, "period_start": v.period_start,
            "period_end": v.period_end, "review_dates": v.review_dates, "change_reason": v.change_reason,
            "created_at": v.created_at, "agreement": {
                "agreed_on": agreement.agreed_on, "meeting_kind": agreement.meeting_kind,
                "conference_id": agreement.conference_id,
                "meeting_form": agreement.meeting_form} if agreement else None}


def plan_out(plan) -> dict:
    plan.refresh_from_db()
    return {"id": plan.pk, "case_id": plan.case_id, "person_id": plan.person_id, "organisation": plan.organisation.name,
            "status": plan.status, "status_name": plan.status_name, "consent_id": plan.consent_id,
            "current_number": plan.current_number, "extensions": plan.extensions,
            "current": _version_out(plan.current), "versions": list(plan.versions.values_list("number", flat=True)),
            "handovers": [{"to": h.to_organisation.name, "at": h.handed_at, "consent_id": h.consent_id}
                          for h in plan.handovers.select_related("to_organisation")]}


def _plan_data(payload: PlanIn) -> dict:
    data = payload.dict()
    data["hospital"] = data.pop("hospital_id")
    data["discharge_officer"] = data.pop("discharge_officer_id")
    return data


@router.get("/plans", response={200: list[dict], 404: Error}, summary="見られる退院後支援計画の一覧")
def list_plans(request):
    m = _m(request)
    plans = list(access.plans_visible_to(m)[:200])
    actions.log_listing(request, m, "plan.listed", plans=plans)
    return [{"id": p.pk, "person_id": p.person_id, "person": p.person.name, "status": p.status,
             "current_number": p.current_number} for p in plans]


@router.post("/cases/{case_id}/plans", response={201: dict, **ERRORS},
             summary="退院後支援計画を作成（本人の同意「支援計画」が記録されていなければ 400）")
def create_plan(request, case_id: Id, payload: PlanIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: actions.do_create_plan(request=request, membership=m, case=case, data=_plan_data(payload)),
                plan_out, 201)


class RefusalIn(Schema):
    refused_on: Date | None = None
    note: Text(2000) = ""


@router.post("/cases/{case_id}/refusals", response={201: dict, **ERRORS},
             summary="本人が計画を希望しない意向を記録（ケースは継続）")
def record_refusal(request, case_id: Id, payload: RefusalIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: actions.do_record_refusal(request=request, membership=m, case=case, **payload.dict()),
                lambda r: {"id": r.pk, "refused_on": r.refused_on, "case_status": r.case.status}, 201)


@router.get("/plans/{plan_id}", response={200: dict, 404: Error}, summary="計画（最新の版と版の一覧）")
def get_plan(request, plan_id: Id):
    m = _m(request)
    plan = access.get_plan_for_user(m, plan_id)
    actions.log_read(request, m, "discharge_plan.viewed", plan, plan.person, [BASIC, PLAN])
    return plan_out(plan)


@router.get("/plans/{plan_id}/versions/{number}", response={200: dict, 404: Error}, summary="計画の過去の版")
def get_plan_version(request, plan_id: Id, number: VersionNumber):
    m = _m(request)
    plan = access.get_plan_for_user(m, plan_id)
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise Http404
    actions.log_read(request, m, "discharge_plan.viewed", plan, plan.person, [BASIC, PLAN])
    return _version_out(version)


def _editable_plan(request, plan_id):
    m = _m(request, "person.edit")
    plan = access.get_plan_for_user(m, plan_id)
    access.require_plan_edit(m, plan)
    return m, plan


@router.post("/plans/{plan_id}/versions", response={201: dict, **ERRORS}, summary="計画を変更（新しい版）")
def revise_plan(request, plan_id: Id, payload: PlanRevision):
    m, plan = _editable_plan(request, plan_id)
    data = _plan_data(payload)
    based_on, reason = data.pop("based_on"), data.pop("reason")
    return _run(lambda: actions.do_revise_plan(request=request, membership=m, plan=plan, based_on=based_on,
                                               data=data, reason=reason), lambda v: _version_out(v), 201)


class AgreementIn(Schema):
    conference_id: Id | None = None
    agreed_on: Date | None = None
    meeting_kind: _codes("plan_rules", "meeting_kinds", blank=True) = ""
    meeting_form: _codes("plan_rules", "meeting_forms", blank=True) = ""
    attendees: Text(2000) = ""


@router.post("/plans/{plan_id}/agreement", response={200: dict, **ERRORS}, summary="会議での合意を記録")
def agree_plan(request, plan_id: Id, payload: AgreementIn):
    m, plan = _editable_plan(request, plan_id)
    data = payload.dict()
    data["conference"] = data.pop("conference_id")
    return _run(lambda: actions.do_record_agreement(request=request, membership=m, plan=plan, **data),
                lambda _a: plan_out(plan))


class ReviewIn(Schema):
    held_on: Date
    outcome: Text()
    extension_consented: bool = False
    scheduled_for: Date | None = None


@router.post("/plans/{plan_id}/reviews", response={201: dict, **ERRORS}, summary="見直しを記録")
def review_plan(request, plan_id: Id, payload: ReviewIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_record_review(request=request, membership=m, plan=plan, **payload.dict()),
                lambda r: {"id": r.pk, "held_on": r.held_on, "extension_consented": r.extension_consented}, 201)


class ExtensionIn(Schema):
    based_on: VersionNumber
    period_end: Date
    reason: Text(2000)


@router.post("/plans/{plan_id}/extension", response={201: dict, **ERRORS},
             summary="期間を延長（見直しで本人が同意したあと。新しい版）")
def extend_plan(request, plan_id: Id, payload: ExtensionIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_extend_plan(request=request, membership=m, plan=plan, **payload.dict()),
                lambda v: _version_out(v), 201)


class HandoverIn(Schema):
    to_organisation_id: Id
    note: Text(2000) = ""


@router.post("/plans/{plan_id}/handover", response={201: dict, **ERRORS},
             summary="転居先の機関へ引継ぎ（本人の同意「支援計画」がその機関を対象に記録されていること）")
def hand_over(request, plan_id: Id, payload: HandoverIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_hand_over(request=request, membership=m, plan=plan,
                                             to_organisation=payload.to_organisation_id, note=payload.note),
                lambda h: {"id": h.pk, "to": h.to_organisation.name, "consent_id": h.consent_id}, 201)


@router.post("/plans/{plan_id}/continue", response={201: dict, **ERRORS},
             summary="引き継いだ計画をもとに自機関の計画を作成（現在の版の内容を第1版に写す・本人の同意が必要）")
def continue_plan(request, plan_id: Id):
    m = _m(request, "person.edit")
    plan = access.get_plan_for_user(m, plan_id)
    return _run(lambda: actions.do_continue_handed_over(request=request, membership=m, plan=plan),
                lambda p: {"id": p.pk, "case_id": p.case_id, "case_number": p.case.number,
                           "version": p.current_number, "source_plan": plan.pk}, 201)


# --- 地域移行 ------------------------------------------------------------------------------------------------
def _pathway_out(pathway) -> dict:
    return {"id": pathway.pk, "case_id": pathway.case_id, "progress": pathway.progress(), "steps": [
        {"id": s.pk, "code": s.code, "name": s.name, "partner": s.partner, "status": s.status,
         "status_name": s.status_name, "owner_organisation": s.owner_organisation.name if s.owner_organisation else None,
         "owner_user": str(s.owner_user) if s.owner_user else None, "note": s.note}
        for s in pathway.steps.select_related("owner_organisation", "owner_user")]}


@router.get("/cases/{case_id}/pathway", response={200: dict, 404: Error}, summary="地域移行の経路と進み具合")
def get_pathway(request, case_id: Id):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    pathway = access.pathways_visible_to(m).filter(case=case).first()
    if pathway is None:
        raise Http404
    actions.log_read(request, m, "pathway.viewed", pathway, case.person, [PLAN])
    return _pathway_out(pathway)


@router.post("/cases/{case_id}/pathway", response={201: dict, **ERRORS}, summary="地域移行の経路を始める")
def start_pathway(request, case_id: Id):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: work.do_start_pathway(request=request, membership=m, case=case), _pathway_out, 201)


class StepIn(Schema):
    status: _codes("pathway", "statuses")
    owner_organisation_id: Id | None = None
    owner_user_id: Id | None = None
    note: Text(2000) = ""


@router.put("/steps/{step_id}", response={200: dict, **ERRORS}, summary="経路の段階を更新（状況・担当）")
def update_step(request, step_id: Id, payload: StepIn):
    m = _m(request, "person.edit")
    step = PathwayStep.objects.filter(pk=step_id, pathway__in=access.pathways_visible_to(m)).first()
    if step is None:
        raise Http404
    return _run(lambda: work.do_update_step(request=request, membership=m, step=step, status=payload.status,
                                            owner_organisation=payload.owner_organisation_id,
                                            owner_user=payload.owner_user_id, note=payload.note),
                lambda s: _pathway_out(s.pathway))


def _owned_step_out(s) -> dict:
    """What a step's owner sees: the case number, never the person (see access.steps_owned_by)."""
    return {"id": s.pk, "case_number": s.pathway.case.number, "code": s.code, "name": s.name, "partner": s.partner,
            "status": s.status, "status_name": s.status_name, "note": s.note,
            "owner_organisation": s.owner_organisation.name if s.owner_organisation else None,
            "owner_user": str(s.owner_user) if s.owner_user else None}


@router.get("/my-steps", response={200: list[dict], 404: Error}, summary="自分（自組織）が担当する未完了の段階")
def my_steps(request):
    m = _m(request)
    steps = list(access.open_steps_owned_by(m)[:200])
    actions.log_listing(request, m, "pathway_step.listed", steps=steps, groups=[PLAN])
    return [_owned_step_out(s) for s in steps]


@router.get("/steps/{step_id}", response={200: dict, 404: Error}, summary="担当する段階（ケース番号・内容・状況）")
def get_step(request, step_id: Id):
    m = _m(request)
    step = access.get_step_for_user(m, step_id)
    case_link = access.can_open_case(m, step.pathway.case_id)
    actions.log_read(request, m, "pathway_step.viewed", step.pathway, step.pathway.case.person, [PLAN],
                     purpose=access.PURPOSE_PATHWAY, legal_basis="" if case_link else "pathway_step_owner")
    return _owned_step_out(step) | {"case_id": step.pathway.case_id if case_link else None}


# --- 入院者訪問支援事業 -------------------------------------------------------------------------------------
def request_out(r) -> dict:
    return {"id": r.pk, "patient_name": r.patient_name, "patient_age": r.patient_age, "person_id": r.person_id,
            "hospital": r.hospital.name, "ward": r.ward, "admission_type": r.admission_type, "source": r.source,
            "requester_name": r.requester_name, "received_on": r.received_on, "request_note": r.request_note,
            "wish_confirmed_on": r.wish_confirmed_on, "wish_method": r.wish_method, "wish_note": r.wish_note,
            "supporters": [s.name for s in r.supporters.all()], "visit_at": r.visit_at,
            "hospital_contact": r.hospital_contact, "report": r.report, "reported_on": r.reported_on,
            "status": r.status, "status_name": r.status_name}


def _office(request):
    m = _m(request)
    if not access.is_office(m):
        raise Http404
    return m


@router.get("/visit-support", response={200: list[dict], 404: Error},
            summary="申込みの一覧（事務局）／担当の訪問（訪問支援員: 必要な項目だけ）")
def list_requests(request):
    m = _m(request)
    requests = list(access.requests_visible_to(m)[:200])
    office = access.is_office(m)
    actions.log_listing(request, m, "visit_request.listed", requests=requests, groups=None if office else [BASIC])
    if office:
        return [request_out(r) for r in requests]
    return [access.supporter_view(r) for r in requests]


class RequestIn(Schema):
    patient_name: Text.of(VisitSupportRequest, "patient_name")
    patient_age: Annotated[int, Field(ge=0, le=130)] | None = None
    person_id: Id | None = None
    hospital_id: Id
    ward: Text.of(VisitSupportRequest, "ward") = ""
    admission_type: _codes("visit_support", "admission_types")
    source: _codes("visit_support", "sources")
    requester_name: Text.of(VisitSupportRequest, "requester_name") = ""
    received_on: Date | None = None
    request_note: Text(2000) = ""


@router.post("/visit-support", response={201: dict, **ERRORS}, summary="申込みを受け付ける（事務局）")
def receive_request(request, payload: RequestIn):
    m = _office(request)
    data = payload.dict()
    data["hospital"] = data.pop("hospital_id")
    data["person"] = data.pop("person_id")
    return _run(lambda: work.do_receive_request(request=request, membership=m, data=data), request_out, 201)


@router.get("/visit-support/{request_id}", response={200: dict, 404: Error}, summary="申込み（訪問支援員には必要な項目だけ）")
def get_request(request, request_id: Id):
    m = _m(request)
    req, level = access.get_request_for_user(m, request_id)
    groups = [BASIC, VISIT_SUPPORT] if level == "office" else [VISIT_SUPPORT]
    actions.log("visit_support.viewed", request, m, obj=req, person=req.person, groups=groups, purpose=PURPOSE_VISIT)
    return request_out(req) if level == "office" else access.supporter_view(req)


def _office_request(request, request_id):
    m = _office(request)
    req, level = access.get_request_for_user(m, request_id)
    if level != "office":
        raise Http404
    return m, req


class WishIn(Schema):
    confirmed_on: Date
    method: _codes("visit_support", "wish_methods")
    note: Text(2000) = ""


@router.post("/visit-support/{request_id}/wish", response={200: dict, **ERRORS}, summary="本人の意向を確認した日と方法")
def confirm_wish(request, request_id: Id, payload: WishIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_confirm_wish(request=request, membership=m, req=req, **payload.dict()), request_out)


class AssignIn(Schema):
    supporter_ids: Ids


@router.post("/visit-support/{request_id}/assignment", response={200: dict, **ERRORS},
             summary="訪問支援員2名を選任（研修修了・守秘誓約・意向確認後）")
def assign(request, request_id: Id, payload: AssignIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_assign_supporters(request=request, membership=m, req=req,
                                                  supporters=payload.supporter_ids), request_out)


class ScheduleIn(Schema):
    visit_at: DateTime
    hospital_contact: Text.of(VisitSupportRequest, "hospital_contact") = ""
    note: Text(2000) = ""


@router.post("/visit-support/{request_id}/schedule", response={200: dict, **ERRORS}, summary="病院と調整した訪問日時")
def schedule(request, request_id: Id, payload: ScheduleIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_schedule_visit(request=request, membership=m, req=req, **payload.dict()), request_out)


class ReportIn(Schema):
    visited_on: Date
    report: Text()


@router.post("/visit-support/{request_id}/report", response={200: dict, **ERRORS},
             summary="訪問の報告（担当の訪問支援員または事務局）")
def report(request, request_id: Id, payload: ReportIn):
    m = _m(request)
    req, level = access.get_request_for_user(m, request_id)
    return _run(lambda: work.do_report_visit(request=request, membership=m, req=req, **payload.dict()),
                request_out if level == "office" else access.supporter_view)


class SupporterIn(Schema):
    name: Text.of(Supporter, "name")
    kana: Text.of(Supporter, "kana") = ""
    affiliation: Text.of(Supporter, "affiliation") = ""
    trained_on: Date | None = None
    user_id: Id | None = None
    secrecy_pledged: bool = False


def _supporter_out(s) -> dict:
    return {"id": s.pk, "name": s.name, "kana": s.kana, "affiliation": s.affiliation, "trained_on": s.trained_on,
            "secrecy_pledged": s.secrecy_pledged, "user_id": s.user_id, "is_active": s.is_active}


@router.get("/supporters", response={200: list[dict], 404: Error}, summary="登録している訪問支援員（事務局）")
def list_supporters(request):
    return [_supporter_out(s) for s in access.supporters_visible_to(_office(request))]


@router.post("/supporters", response={201: dict, **ERRORS}, summary="訪問支援員を登録（事務局）")
def register_supporter(request, payload: SupporterIn):
    m = _office(request)
    data = payload.dict()
    data["user"] = data.pop("user_id")
    return _run(lambda: work.do_register_supporter(request=request, membership=m, **data), _supporter_out, 201)


# --- アウトリーチ --------------------------------------------------------------------------------------------
def visit_out(v) -> dict:
    return {"id": v.pk, "case_id": v.case_id, "kind": v.kind, "status": v.status, "planned_at": v.planned_at,
            "place": v.place, "purpose": v.purpose, "category": v.category, "visited_at": v.visited_at,
            "record": v.record, "entry_id": v.entry_id, "staff": [u.pk for u in v.staff.all()],
            "companions": [u.pk for u in v.companions.all()]}


class VisitIn(Schema):
    kind: _codes("outreach", "kinds")
    planned_at: DateTime
    purpose: Text(2000)
    category: codes(case_reference.all_category_names())  # the action checks the version in force
    place: Text.of(OutreachVisit, "place") = ""
    staff_ids: Ids = []
    companion_ids: Ids = []


@router.post("/cases/{case_id}/visits", response={201: dict, **ERRORS}, summary="アウトリーチ・訪問を予定（同行を含む）")
def plan_visit(request, case_id: Id, payload: VisitIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    data = payload.dict()
    data["staff"], data["companions"] = data.pop("staff_ids"), data.pop("companion_ids")
    return _run(lambda: work.do_plan_visit(request=request, membership=m, case=case, **data), visit_out, 201)


@router.get("/visits/{visit_id}", response={200: dict, 404: Error}, summary="訪問（同行者は自分が同行する訪問）")
def get_visit(request, visit_id: Id):
    m = _m(request)
    visit = access.get_visit_for_user(m, visit_id)
    actions.log_read(request, m, "outreach.viewed", visit, visit.case.person, [BASIC, RECORDS],
                     purpose=PURPOSE_OUTREACH)
    return visit_out(visit)


class VisitRecordIn(Schema):
    visited_at: DateTime
    record: Text()


@router.post("/visits/{visit_id}/record", response={200: dict, **ERRORS}, summary="訪問を記録（経過記録に追加）")
def record_visit(request, visit_id: Id, payload: VisitRecordIn):
    m = _m(request, "person.edit")
    visit = access.get_visit_for_user(m, visit_id)
    return _run(lambda: work.do_record_visit(request=request, membership=m, visit=visit, **payload.dict()), visit_out)


class CancelIn(Schema):
    reason: Text(2000)


@router.post("/visits/{visit_id}/cancel", response={200: dict, **ERRORS}, summary="訪問を中止")
def cancel_visit(request, visit_id: Id, payload: CancelIn):
    m = _m(request, "person.edit")
    visit = access.get_visit_for_user(m, visit_id)
    return _run(lambda: work.do_cancel_visit(request=request, membership=m, visit=visit, **payload.dict()), visit_out)


@router.get("/stats/visits", response={200: dict, 404: Error}, summary="訪問（訪問指導・訪問支援）の実人員・延人員（年度）")
def visit_stats(request, fy: FiscalYearNumber):
    m = _m(request, "report.view")
    return stats.visit_counts(m.organisation, fy)
