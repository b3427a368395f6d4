"""JSON API of 入院等関係事務: the same access and action functions as the pages. Missing and forbidden both
answer 404; bad input answers 400 with a Japanese message and changes nothing; every answer that shows a
person writes its read entry."""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from renkei.accounts.models import User
from renkei.core.api_errors import Error, bad_request
from renkei.core.api_types import Date, DateTime, Id, Text, codes

from . import access, actions, deadlines, reference, worklist
from .models import Admission, ExamDoctor, ReceivedDocument, Report

router = Router(tags=["admissions"])
ERRORS = {400: Error, 404: Error}


def _code(key, blank=False):
    return codes(reference.codes(key), blank=blank)


def _view(request):
    return access.require_view(request.membership)


def _edit(request):
    return access.require_edit(request.membership)


def _run(fn, out, status=200):
    try:
        result = fn()
    except ValidationError as error:
        return Status(400, bad_request(error))
    return Status(status, out(result))


def _staff(m, user_id, label):
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError(f"{label}は自組織の職員から選んでください。")
    return user


def _person(p) -> dict | None:
    return {"id": p.pk, "name": p.name, "kana": p.kana} if p is not None else None


def report_out(r: Report) -> dict:
    r = Report.objects.select_related("person", "received_by", "investigated_by", "exam_witness").get(pk=r.pk)
    return {
        "id": r.pk, "kind": r.kind, "kind_name": r.get_kind_display(), "stage": r.stage,
        "received_at": r.received_at, "received_by": r.received_by.display_name, "reporter": r.reporter,
        "person": _person(r.person), "subject_label": r.subject_label, "place": r.place, "symptoms": r.symptoms,
        "guardian": r.guardian,
        "investigation": {"at": r.investigated_at, "by": r.investigated_by.display_name, "findings": r.findings,
                          "exam_needed": r.exam_needed, "grounds": r.grounds} if r.investigated_at else None,
        "examination": {"at": r.exam_at, "place": r.exam_place, "witness": r.exam_witness.display_name,
                        "doctors": [{"position": d.position, "name": d.name, "number": d.number, "result": d.result,
                                     "note": d.result_note} for d in r.doctors.all()]} if r.exam_at else None,
        "decision": r.decision, "alternative": r.alternative, "decided_at": r.decided_at, "decision_note": r.decision_note,
        "notified_at": r.notified_at, "notified_to": r.notified_to, "transferred_at": r.transferred_at,
        "transfer_note": r.transfer_note, "admission_ids": list(r.admissions.values_list("pk", flat=True)),
        "timeline": [{"at": e.at, "by": e.by.display_name, "what": e.what} for e in r.events.select_related("by")],
    }


def admission_out(a: Admission) -> dict:
    a = Admission.objects.select_related("person").get(pk=a.pk)
    now = timezone.now()
    rows = []
    for row in worklist.schedule(a):
        item = worklist.Item(a, row["rule"], row["nth"], row["due"])
        document = row["document"]
        rows.append({"rule": row["rule"].code, "nth": row["nth"], "document": row["rule"].document,
                     "article": row["rule"].article, "confirmed": row["rule"].confirmed, "due": row["due"].isoformat(),
                     "status": item.status(now) if row["open"] else None,
                     "received_on": document.received_on if document else None,
                     "checked_by": document.checked_by.display_name if document else None})
    return {"id": a.pk, "kind": a.kind, "kind_name": a.get_kind_display(), "hospital": a.hospital,
            "admitted_at": a.admitted_at, "ended_on": a.ended_on, "person": _person(a.person),
            "subject_label": a.subject_label, "report_id": a.report_id, "documents": rows}


# --- rules ---------------------------------------------------------------------------------------------------
@router.get("/rules", response={200: list[dict], 404: Error}, summary="期限の規定（法改正ごとの版、条文・確認済みかどうか）")
def list_rules(request):
    _view(request)
    return [{"code": rev.code, "name": rev.name, "in_force_from": rev.in_force_from, "rules": [
        {"code": r.code, "event": r.event, "starts": r.starts, "document": r.document, "deadline": r.deadline,
         "deadline_label": r.deadline_label, "from": r.submitter, "to": r.receiver, "article": r.article,
         "confirmed": r.confirmed} for r in rev.rules]} for rev in deadlines.revisions()]


# --- the register ----------------------------------------------------------------------------------------
@router.get("/reports", response={200: list[dict], 404: Error}, summary="申請・通報・届出の受付簿（新しい順、100件まで）")
def list_reports(request):
    m = _view(request)
    reports = list(access.reports_visible_to(m).select_related("person")[:100])
    actions.log_listing(request, m, "admission_report.listed", [r.person for r in reports],
                        data={"reports": [r.pk for r in reports]})
    return [{"id": r.pk, "kind": r.kind, "received_at": r.received_at, "stage": r.stage, "decision": r.decision,
             "person": _person(r.person), "subject_label": r.subject_label} for r in reports]


@router.get("/reports/{report_id}", response={200: dict, 404: Error}, summary="申請・通報・届出（経過を含む）")
def get_report(request, report_id: Id):
    m = _view(request)
    report = access.get_report_for_user(m, report_id)
    actions.log_read(request, m, "admission_report.viewed", report, report.person)
    return report_out(report)


class ReportIn(Schema):
    kind: _code("kinds")
    received_at: DateTime
    received_by_id: Id | None = None
    reporter: Text.of(Report, "reporter")
    person_id: Id | None = None
    subject_label: Text.of(Report, "subject_label") = ""
    place: Text.of(Report, "place")
    symptoms: Text(4000)
    guardian: Text.of(Report, "guardian") = ""


@router.post("/reports", response={201: dict, **ERRORS}, summary="申請・通報・届出を受理する")
def create_report(request, payload: ReportIn):
    m = _edit(request)

    def call():
        data = payload.dict()
        data["received_by"] = _staff(m, data.pop("received_by_id"), "受理した職員")
        return actions.do_receive_report(request=request, membership=m, data=data)
    return _run(call, report_out, 201)


class LinkIn(Schema):
    person_id: Id


@router.post("/reports/{report_id}/person", response={200: dict, **ERRORS}, summary="本人を結びつける")
def link_person(request, report_id: Id, payload: LinkIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)
    return _run(lambda: actions.do_link_person(request=request, membership=m, report=report,
                                               person_id=payload.person_id), report_out)


class InvestigationIn(Schema):
    investigated_at: DateTime
    investigated_by_id: Id | None = None
    findings: Text(4000)
    exam_needed: bool
    grounds: Annotated[list[_code("grounds")], Field(min_length=1, max_length=20)]


@router.post("/reports/{report_id}/investigation", response={200: dict, **ERRORS}, summary="事前調査を記録する")
def record_investigation(request, report_id: Id, payload: InvestigationIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)

    def call():
        data = payload.dict()
        data["investigated_by"] = _staff(m, data.pop("investigated_by_id"), "事前調査の職員")
        return actions.do_record_investigation(request=request, membership=m, report=report, data=data)
    return _run(call, report_out)


class DoctorIn(Schema):
    name: Text.of(ExamDoctor, "name")
    number: Text.of(ExamDoctor, "number")


class ExaminationIn(Schema):
    exam_at: DateTime
    exam_place: Text.of(Report, "exam_place")
    exam_witness_id: Id
    doctors: Annotated[list[DoctorIn], Field(max_length=2)]  # two, or one for 緊急措置入院 (the action checks)


@router.post("/reports/{report_id}/examination", response={200: dict, **ERRORS},
             summary="措置診察（指定医2名、緊急措置入院は1名・日時・場所・立会い職員）を記録する")
def record_examination(request, report_id: Id, payload: ExaminationIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)

    def call():
        data = payload.dict()
        data["exam_witness"] = _staff(m, data.pop("exam_witness_id"), "立会い職員")
        return actions.do_record_examination(request=request, membership=m, report=report, data=data)
    return _run(call, report_out)


class ResultIn(Schema):
    position: Annotated[int, Field(ge=1, le=2)]
    result: _code("doctor_results")
    note: Text(2000) = ""


@router.post("/reports/{report_id}/results", response={200: dict, **ERRORS}, summary="指定医の診察結果を記録する")
def record_result(request, report_id: Id, payload: ResultIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)
    return _run(lambda: actions.do_record_doctor_result(request=request, membership=m, report=report,
                                                        **payload.dict()), lambda _d: report_out(report))


class DecisionIn(Schema):
    decision: _code("decisions")
    alternative: _code("alternatives", blank=True) = ""
    decided_at: DateTime | None = None
    hospital: Text.of(Admission, "hospital") = ""
    admitted_at: DateTime | None = None
    decision_note: Text(2000) = ""


@router.post("/reports/{report_id}/decision", response={200: dict, **ERRORS},
             summary="決定（措置入院・緊急措置入院・措置不要と代わりの対応）を記録する")
def decide(request, report_id: Id, payload: DecisionIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)
    return _run(lambda: actions.do_decide(request=request, membership=m, report=report, data=payload.dict()),
                report_out)


class NoticeIn(Schema):
    notified_at: DateTime
    notified_to: Text.of(Report, "notified_to")


@router.post("/reports/{report_id}/notice", response={200: dict, **ERRORS}, summary="書面告知を記録する")
def record_notice(request, report_id: Id, payload: NoticeIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)
    return _run(lambda: actions.do_record_notice(request=request, membership=m, report=report, **payload.dict()),
                report_out)


class TransferIn(Schema):
    transferred_at: DateTime
    note: Text.of(Report, "transfer_note") = ""


@router.post("/reports/{report_id}/transfer", response={200: dict, **ERRORS}, summary="移送を記録する")
def record_transfer(request, report_id: Id, payload: TransferIn):
    m = _edit(request)
    report = access.get_report_for_edit(m, report_id)
    return _run(lambda: actions.do_record_transfer(request=request, membership=m, report=report, **payload.dict()),
                report_out)


# --- worklist and inpatients ------------------------------------------------------------------------------
@router.get("/worklist", response={200: dict, 404: Error}, summary="期限の一覧（期限超過・今日・7日以内）と未決定の申請・通報")
def get_worklist(request):
    m = _view(request)
    work = worklist.worklist(m)
    actions.log_listing(request, m, "admission.worklist_viewed", work["persons"],
                        data={"reports": [r.pk for r in work["pending"]]})
    return {status: [{"admission_id": i.admission.pk, "person": _person(i.admission.person),
                      "subject_label": i.admission.subject_label, "rule": i.rule.code, "nth": i.nth,
                      "document": i.rule.document, "due": i.due.isoformat(), "confirmed": i.rule.confirmed}
                     for i in rows] for status, rows in work["groups"].items()} | {
        "pending": [{"report_id": r.pk, "kind": r.kind, "received_at": r.received_at, "stage": r.stage,
                     "person": _person(r.person), "subject_label": r.subject_label} for r in work["pending"]]}


@router.get("/inpatients", response={200: list[dict], 404: Error}, summary="措置・医療保護入院者の一覧（100件まで）")
def list_admissions(request):
    m = _view(request)
    rows = list(access.admissions_visible_to(m).select_related("person")[:100])
    actions.log_listing(request, m, "admission.listed", [a.person for a in rows], data={"admissions": [a.pk for a in rows]})
    return [{"id": a.pk, "kind": a.kind, "hospital": a.hospital, "admitted_at": a.admitted_at, "ended_on": a.ended_on,
             "person": _person(a.person), "subject_label": a.subject_label} for a in rows]


@router.get("/inpatients/{admission_id}", response={200: dict, 404: Error}, summary="入院者の書類と期限")
def get_admission(request, admission_id: Id):
    m = _view(request)
    admission = access.get_admission_for_user(m, admission_id)
    actions.log_read(request, m, "admission.viewed", admission, admission.person)
    return admission_out(admission)


class AdmissionIn(Schema):
    kind: _code("admission_kinds")
    hospital: Text.of(Admission, "hospital")
    admitted_at: DateTime
    person_id: Id | None = None
    subject_label: Text.of(Admission, "subject_label") = ""


@router.post("/inpatients", response={201: dict, **ERRORS}, summary="入院者を登録する（入院届などの期限を管理）")
def create_admission(request, payload: AdmissionIn):
    m = _edit(request)
    return _run(lambda: actions.do_register_admission(request=request, membership=m, data=payload.dict()),
                admission_out, 201)


class DocumentIn(Schema):
    rule: codes(sorted({r.code for rev in deadlines.revisions() for r in rev.rules if r.starts}))
    nth: Annotated[int, Field(ge=1, le=1000)] = 1
    received_on: Date
    note: Text.of(ReceivedDocument, "note") = ""


@router.post("/inpatients/{admission_id}/documents", response={200: dict, **ERRORS},
             summary="書類（入院届・定期病状報告など）の受理・確認を記録する")
def record_document(request, admission_id: Id, payload: DocumentIn):
    m = _edit(request)
    admission = access.get_admission_for_edit(m, admission_id)
    d = payload.dict()
    return _run(lambda: actions.do_record_document(request=request, membership=m, admission=admission,
                                                   rule_code=d["rule"], nth=d["nth"], received_on=d["received_on"],
                                                   note=d["note"]), lambda _doc: admission_out(admission))


class EndIn(Schema):
    ended_on: Date


@router.post("/inpatients/{admission_id}/end", response={200: dict, **ERRORS}, summary="退院・措置解除を記録する")
def end_admission(request, admission_id: Id, payload: EndIn):
    m = _edit(request)
    admission = access.get_admission_for_edit(m, admission_id)
    return _run(lambda: actions.do_end_admission(request=request, membership=m, admission=admission,
                                                 ended_on=payload.ended_on), admission_out)
