"""JSON API of discharge plans, the community transition pathway, the inpatient visit support programme
and outreach visits: the same access and action functions as the pages. Missing and forbidden both
answer 404; bad input answers 400 with a Japanese message and changes nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema, Status

from . import access, actions, stats
from . import work_actions as work
from .access import BASIC, PLAN, PURPOSE_OUTREACH, PURPOSE_VISIT, RECORDS, VISIT_SUPPORT
from .models import PathwayStep

router = Router(tags=["discharge"])


class Error(Schema):
    detail: str


ERRORS = {400: Error, 404: Error}


def _m(request, perm=None):
    m = request.membership
    if m is None or (perm and not m.has_perm(perm)):
        raise Http404
    return m


def _bad(error: ValidationError):
    return Status(400, {"detail": " ".join(error.messages)})


def _run(fn, out, status=200):
    try:
        result = fn()
    except ValidationError as error:
        return _bad(error)
    return Status(status, out(result))


# --- plans -------------------------------------------------------------------------------------------------
class SupportItem(Schema):
    content: str
    organisation_id: int
    contact: str = ""


class PlanIn(Schema):
    hospital_id: int
    ward: str = ""
    discharge_officer_id: int | None = None
    discharge_officer_name: str = ""
    expected_discharge_on: dt.date | None = None
    wishes: str
    family_views: str = ""
    needs: str
    support_items: list[SupportItem]
    crisis_plan: str
    contacts: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    review_dates: list[dt.date] | None = None


class PlanRevision(PlanIn):
    based_on: int
    reason: str


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
    return [{"id": p.pk, "person_id": p.person_id, "person": p.person.name, "status": p.status,
             "current_number": p.current_number} for p in access.plans_visible_to(m)[:200]]


@router.post("/cases/{case_id}/plans", response={201: dict, **ERRORS},
             summary="退院後支援計画を作成（本人の同意「支援計画」が記録されていなければ 400）")
def create_plan(request, case_id: int, payload: PlanIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: actions.do_create_plan(request=request, membership=m, case=case, data=_plan_data(payload)),
                plan_out, 201)


class RefusalIn(Schema):
    refused_on: dt.date | None = None
    note: str = ""


@router.post("/cases/{case_id}/refusals", response={201: dict, **ERRORS},
             summary="本人が計画を希望しない意向を記録（ケースは継続）")
def record_refusal(request, case_id: int, payload: RefusalIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: actions.do_record_refusal(request=request, membership=m, case=case, **payload.dict()),
                lambda r: {"id": r.pk, "refused_on": r.refused_on, "case_status": r.case.status}, 201)


@router.get("/plans/{plan_id}", response={200: dict, 404: Error}, summary="計画（最新の版と版の一覧）")
def get_plan(request, plan_id: int):
    m = _m(request)
    plan = access.get_plan_for_user(m, plan_id)
    actions.log_read(request, m, "discharge_plan.viewed", plan, plan.person, [BASIC, PLAN])
    return plan_out(plan)


@router.get("/plans/{plan_id}/versions/{number}", response={200: dict, 404: Error}, summary="計画の過去の版")
def get_plan_version(request, plan_id: int, number: int):
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
def revise_plan(request, plan_id: int, payload: PlanRevision):
    m, plan = _editable_plan(request, plan_id)
    data = _plan_data(payload)
    based_on, reason = data.pop("based_on"), data.pop("reason")
    return _run(lambda: actions.do_revise_plan(request=request, membership=m, plan=plan, based_on=based_on,
                                               data=data, reason=reason), lambda v: _version_out(v), 201)


class AgreementIn(Schema):
    conference_id: int | None = None
    agreed_on: dt.date | None = None
    meeting_kind: str = ""
    meeting_form: str = ""
    attendees: str = ""


@router.post("/plans/{plan_id}/agreement", response={200: dict, **ERRORS}, summary="会議での合意を記録")
def agree_plan(request, plan_id: int, payload: AgreementIn):
    m, plan = _editable_plan(request, plan_id)
    data = payload.dict()
    data["conference"] = data.pop("conference_id")
    return _run(lambda: actions.do_record_agreement(request=request, membership=m, plan=plan, **data),
                lambda _a: plan_out(plan))


class ReviewIn(Schema):
    held_on: dt.date
    outcome: str
    extension_consented: bool = False
    scheduled_for: dt.date | None = None


@router.post("/plans/{plan_id}/reviews", response={201: dict, **ERRORS}, summary="見直しを記録")
def review_plan(request, plan_id: int, payload: ReviewIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_record_review(request=request, membership=m, plan=plan, **payload.dict()),
                lambda r: {"id": r.pk, "held_on": r.held_on, "extension_consented": r.extension_consented}, 201)


class ExtensionIn(Schema):
    based_on: int
    period_end: dt.date
    reason: str


@router.post("/plans/{plan_id}/extension", response={201: dict, **ERRORS},
             summary="期間を延長（見直しで本人が同意したあと。新しい版）")
def extend_plan(request, plan_id: int, payload: ExtensionIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_extend_plan(request=request, membership=m, plan=plan, **payload.dict()),
                lambda v: _version_out(v), 201)


class HandoverIn(Schema):
    to_organisation_id: int
    note: str = ""


@router.post("/plans/{plan_id}/handover", response={201: dict, **ERRORS},
             summary="転居先の機関へ引継ぎ（本人の同意「支援計画」がその機関を対象に記録されていること）")
def hand_over(request, plan_id: int, payload: HandoverIn):
    m, plan = _editable_plan(request, plan_id)
    return _run(lambda: actions.do_hand_over(request=request, membership=m, plan=plan,
                                             to_organisation=payload.to_organisation_id, note=payload.note),
                lambda h: {"id": h.pk, "to": h.to_organisation.name, "consent_id": h.consent_id}, 201)


@router.post("/plans/{plan_id}/continue", response={201: dict, **ERRORS},
             summary="引き継いだ計画をもとに自機関の計画を作成（現在の版の内容を第1版に写す・本人の同意が必要）")
def continue_plan(request, plan_id: int):
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
def get_pathway(request, case_id: int):
    m = _m(request)
    case = access.get_case_for_user(m, case_id)
    pathway = access.pathways_visible_to(m).filter(case=case).first()
    if pathway is None:
        raise Http404
    actions.log_read(request, m, "pathway.viewed", pathway, case.person, [PLAN])
    return _pathway_out(pathway)


@router.post("/cases/{case_id}/pathway", response={201: dict, **ERRORS}, summary="地域移行の経路を始める")
def start_pathway(request, case_id: int):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    return _run(lambda: work.do_start_pathway(request=request, membership=m, case=case), _pathway_out, 201)


class StepIn(Schema):
    status: str
    owner_organisation_id: int | None = None
    owner_user_id: int | None = None
    note: str = ""


@router.put("/steps/{step_id}", response={200: dict, **ERRORS}, summary="経路の段階を更新（状況・担当）")
def update_step(request, step_id: int, payload: StepIn):
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
    return [_owned_step_out(s) for s in access.open_steps_owned_by(m)[:200]]


@router.get("/steps/{step_id}", response={200: dict, 404: Error}, summary="担当する段階（ケース番号・内容・状況）")
def get_step(request, step_id: int):
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
    if access.is_office(m):
        return [request_out(r) for r in access.requests_visible_to(m)[:200]]
    return [access.supporter_view(r) for r in access.requests_visible_to(m)[:200]]


class RequestIn(Schema):
    patient_name: str
    patient_age: int | None = None
    person_id: int | None = None
    hospital_id: int
    ward: str = ""
    admission_type: str
    source: str
    requester_name: str = ""
    received_on: dt.date | None = None
    request_note: str = ""


@router.post("/visit-support", response={201: dict, **ERRORS}, summary="申込みを受け付ける（事務局）")
def receive_request(request, payload: RequestIn):
    m = _office(request)
    data = payload.dict()
    data["hospital"] = data.pop("hospital_id")
    data["person"] = data.pop("person_id")
    return _run(lambda: work.do_receive_request(request=request, membership=m, data=data), request_out, 201)


@router.get("/visit-support/{request_id}", response={200: dict, 404: Error}, summary="申込み（訪問支援員には必要な項目だけ）")
def get_request(request, request_id: int):
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
    confirmed_on: dt.date
    method: str
    note: str = ""


@router.post("/visit-support/{request_id}/wish", response={200: dict, **ERRORS}, summary="本人の意向を確認した日と方法")
def confirm_wish(request, request_id: int, payload: WishIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_confirm_wish(request=request, membership=m, req=req, **payload.dict()), request_out)


class AssignIn(Schema):
    supporter_ids: list[int]


@router.post("/visit-support/{request_id}/assignment", response={200: dict, **ERRORS},
             summary="訪問支援員2名を選任（研修修了・守秘誓約・意向確認後）")
def assign(request, request_id: int, payload: AssignIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_assign_supporters(request=request, membership=m, req=req,
                                                  supporters=payload.supporter_ids), request_out)


class ScheduleIn(Schema):
    visit_at: dt.datetime
    hospital_contact: str = ""
    note: str = ""


@router.post("/visit-support/{request_id}/schedule", response={200: dict, **ERRORS}, summary="病院と調整した訪問日時")
def schedule(request, request_id: int, payload: ScheduleIn):
    m, req = _office_request(request, request_id)
    return _run(lambda: work.do_schedule_visit(request=request, membership=m, req=req, **payload.dict()), request_out)


class ReportIn(Schema):
    visited_on: dt.date
    report: str


@router.post("/visit-support/{request_id}/report", response={200: dict, **ERRORS},
             summary="訪問の報告（担当の訪問支援員または事務局）")
def report(request, request_id: int, payload: ReportIn):
    m = _m(request)
    req, level = access.get_request_for_user(m, request_id)
    return _run(lambda: work.do_report_visit(request=request, membership=m, req=req, **payload.dict()),
                request_out if level == "office" else access.supporter_view)


class SupporterIn(Schema):
    name: str
    kana: str = ""
    affiliation: str = ""
    trained_on: dt.date | None = None
    user_id: int | None = None
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
    kind: str
    planned_at: dt.datetime
    purpose: str
    category: str
    place: str = ""
    staff_ids: list[int] = []
    companion_ids: list[int] = []


@router.post("/cases/{case_id}/visits", response={201: dict, **ERRORS}, summary="アウトリーチ・訪問を予定（同行を含む）")
def plan_visit(request, case_id: int, payload: VisitIn):
    m = _m(request, "person.edit")
    case = access.get_case_for_user(m, case_id)
    data = payload.dict()
    data["staff"], data["companions"] = data.pop("staff_ids"), data.pop("companion_ids")
    return _run(lambda: work.do_plan_visit(request=request, membership=m, case=case, **data), visit_out, 201)


@router.get("/visits/{visit_id}", response={200: dict, 404: Error}, summary="訪問（同行者は自分が同行する訪問）")
def get_visit(request, visit_id: int):
    m = _m(request)
    visit = access.get_visit_for_user(m, visit_id)
    actions.log_read(request, m, "outreach.viewed", visit, visit.case.person, [BASIC, RECORDS],
                     purpose=PURPOSE_OUTREACH)
    return visit_out(visit)


class VisitRecordIn(Schema):
    visited_at: dt.datetime
    record: str


@router.post("/visits/{visit_id}/record", response={200: dict, **ERRORS}, summary="訪問を記録（経過記録に追加）")
def record_visit(request, visit_id: int, payload: VisitRecordIn):
    m = _m(request, "person.edit")
    visit = access.get_visit_for_user(m, visit_id)
    return _run(lambda: work.do_record_visit(request=request, membership=m, visit=visit, **payload.dict()), visit_out)


class CancelIn(Schema):
    reason: str


@router.post("/visits/{visit_id}/cancel", response={200: dict, **ERRORS}, summary="訪問を中止")
def cancel_visit(request, visit_id: int, payload: CancelIn):
    m = _m(request, "person.edit")
    visit = access.get_visit_for_user(m, visit_id)
    return _run(lambda: work.do_cancel_visit(request=request, membership=m, visit=visit, **payload.dict()), visit_out)


@router.get("/stats/visits", response={200: dict, 404: Error}, summary="訪問指導の実人員・延人員（年度）")
def visit_stats(request, fy: int):
    m = _m(request, "report.view")
    return stats.visit_counts(m.organisation, fy)
