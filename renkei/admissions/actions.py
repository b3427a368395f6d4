"""Every change of 入院等関係事務: one transaction each, validated (ValidationError in Japanese, nothing
changed), written with its time-line row and its audit entry naming the person."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from renkei.audit import reads
from renkei.audit.actions import log_event
from renkei.cases.forms import own_staff
from renkei.cases.models import Case
from renkei.notices.notify import notify, staff_with

from . import access, deadlines, reference, worklist
from .access import GROUPS, PURPOSE
from .models import Admission, ExamDoctor, ReceivedDocument, Report, ReportEvent

DOCTORS = 2


def _log(action, m, request, *, obj, person, data=None):
    log_event(action, request=request, actor=m.user, organisation=m.organisation, obj=obj, person=person,
              field_groups=GROUPS, purpose=PURPOSE, data=data)


def _event(report, m, what, at=None):
    ReportEvent.objects.create(report=report, by=m.user, what=what, at=at or timezone.now())


def _not_future(value, label):
    if value is not None and value > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(f"{label}に未来の日時は記録できません。")


def _staff(m, user, label):
    if user is not None and not own_staff(m).filter(pk=user.pk).exists():
        raise ValidationError(f"{label}は自組織の職員から選んでください。")


def _code(key, code, label, blank=False):
    if blank and not code:
        return ""
    if code not in reference.codes(key):
        raise ValidationError(f"{label}を一覧から選んでください。")
    return code


def log_read(request, m, action, obj, person):
    reads.log_read(request, action, obj=obj, person=person, field_groups=GROUPS, membership=m, purpose=PURPOSE)


def log_listing(request, m, action, persons, data=None):
    reads.log_listing(request, action, persons, field_groups=GROUPS, membership=m, purpose=PURPOSE, data=data,
                      always=True)


# --- the register ------------------------------------------------------------------------------------------
@transaction.atomic
def do_receive_report(*, request, membership, data) -> Report:
    m = access.require_edit(membership)
    kind = _code("kinds", data.get("kind"), "種別")
    received_at = data.get("received_at")
    if received_at is None:
        raise ValidationError("受理日時を入力してください。")
    _not_future(received_at, "受理日時")
    deadlines.revision_on(received_at)  # a date before every revision of the data is refused
    received_by = data.get("received_by") or m.user
    _staff(m, received_by, "受理した職員")
    person = access.person_for_report(m, data["person_id"]) if data.get("person_id") else None
    for name, label in (("reporter", "申請者・通報者"), ("place", "本人の現在場所"), ("symptoms", "症状の概要")):
        if not (data.get(name) or "").strip():
            raise ValidationError(f"{label}を入力してください。")
    report = Report.objects.create(
        organisation=m.organisation, kind=kind, received_at=received_at, received_by=received_by,
        reporter=data["reporter"].strip(), person=person, subject_label=(data.get("subject_label") or "").strip(),
        place=data["place"].strip(), symptoms=data["symptoms"].strip(), guardian=(data.get("guardian") or "").strip())
    _event(report, m, f"{report.get_kind_display()}を受理（受理: {received_by.display_name}）", at=received_at)
    _log("admission_report.received", m, request, obj=report, person=person, data={"kind": kind})
    return report


@transaction.atomic
def do_link_person(*, request, membership, report, person_id) -> Report:
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    person = access.person_for_report(m, person_id)
    if report.person_id == person.pk:
        raise ValidationError("すでにこの本人に結びついています。")
    before = report.person_id
    report.person = person
    report.save(update_fields=["person"])
    _event(report, m, f"本人を{person.name}さんに結びつけた")
    _log("admission_report.person_linked", m, request, obj=report, person=person, data={"before": before})
    return report


@transaction.atomic
def do_record_investigation(*, request, membership, report, data) -> Report:
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.decision:
        raise ValidationError("決定の後は事前調査を変更できません。")
    at = data.get("investigated_at")
    if at is None:
        raise ValidationError("事前調査の日時を入力してください。")
    _not_future(at, "事前調査の日時")
    if at < report.received_at:
        raise ValidationError("事前調査の日時は受理より後にしてください。")
    by = data.get("investigated_by") or m.user
    _staff(m, by, "事前調査の職員")
    needed = data.get("exam_needed")
    if needed not in (True, False):
        raise ValidationError("措置診察の要否を選んでください。")
    grounds = list(data.get("grounds") or [])
    if not grounds:
        raise ValidationError("判断の理由を1つ以上選んでください。")
    for code in grounds:
        _code("grounds", code, "判断の理由")
    wrong = [reference.item("grounds", c)["name"] for c in grounds
             if reference.item("grounds", c)["for"] not in ("any", "needed" if needed else "not_needed")]
    if wrong:
        raise ValidationError(f"「{'」「'.join(wrong)}」は、措置診察を{'要' if needed else '不要'}とする理由になりません。")
    if not (data.get("findings") or "").strip():
        raise ValidationError("事前調査の所見を入力してください。")
    report.investigated_at, report.investigated_by, report.exam_needed = at, by, needed
    report.grounds, report.findings = grounds, data["findings"].strip()
    report.save()
    _event(report, m, f"事前調査（{by.display_name}）: 措置診察は{'必要' if needed else '不要'}", at=at)
    _log("admission_report.investigated", m, request, obj=report, person=report.person,
         data={"exam_needed": needed, "grounds": grounds})
    return report


@transaction.atomic
def do_record_examination(*, request, membership, report, data) -> Report:
    """措置診察 (法27条): the 指定医 (name, 指定医番号) — two for a 措置入院, one for a 緊急措置入院 (法29条の2) —,
    date, place and the staff who attended."""
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.exam_needed is not True:
        raise ValidationError("事前調査で措置診察が必要と判断してから記録してください。")
    if report.decision:
        raise ValidationError("決定の後は措置診察を変更できません。")
    at = data.get("exam_at")
    if at is None:
        raise ValidationError("措置診察の日時を入力してください。")
    _not_future(at, "措置診察の日時")
    if at < report.investigated_at:
        raise ValidationError("措置診察の日時は事前調査より後にしてください。")
    if not (data.get("exam_place") or "").strip():
        raise ValidationError("措置診察の場所を入力してください。")
    witness = data.get("exam_witness")
    if witness is None:
        raise ValidationError("立会い職員を選んでください（法27条3項）。")
    _staff(m, witness, "立会い職員")
    doctors = [(d.get("name", "").strip(), d.get("number", "").strip()) for d in data.get("doctors", [])]
    doctors = [d for d in doctors if d[0] or d[1]]
    if not 1 <= len(doctors) <= DOCTORS or not all(name and number for name, number in doctors):
        raise ValidationError("指定医の氏名と指定医番号を入力してください（措置入院には2名、緊急措置入院には1名）。")
    if len(doctors) == DOCTORS and doctors[0][1] == doctors[1][1]:
        raise ValidationError("2名の指定医は別の方にしてください（指定医番号が同じです）。")
    report.exam_at, report.exam_place, report.exam_witness = at, data["exam_place"].strip(), witness
    report.save()
    report.doctors.all().delete()
    for position, (name, number) in enumerate(doctors, start=1):
        ExamDoctor.objects.create(report=report, position=position, name=name, number=number)
    _event(report, m, f"措置診察（{'・'.join(name for name, _number in doctors)} 指定医、立会い: {witness.display_name}）", at=at)
    _log("admission_report.examination_recorded", m, request, obj=report, person=report.person,
         data={"doctors": [number for _name, number in doctors]})
    return report


@transaction.atomic
def do_record_doctor_result(*, request, membership, report, position, result, note="") -> ExamDoctor:
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.decision:
        raise ValidationError("決定の後は診察の結果を変更できません。")
    doctor = report.doctors.filter(position=position).first()
    if doctor is None:
        raise ValidationError("先に措置診察（指定医2名）を記録してください。")
    doctor.result = _code("doctor_results", result, "診察の結果")
    doctor.result_note, doctor.result_at = (note or "").strip(), timezone.now()
    doctor.save()
    _event(report, m, f"{doctor.name} 指定医の結果: {doctor.get_result_display()}")
    _log("admission_report.doctor_result_recorded", m, request, obj=report, person=report.person,
         data={"position": position, "result": result})
    return doctor


@transaction.atomic
def do_decide(*, request, membership, report, data) -> Report:
    """措置入院 needs two 指定医 who both find it necessary (法29条), 緊急措置入院 one (法29条の2); 措置不要 says
    what was done instead. An admission (措置, 緊急措置, or a 医療保護入院 done instead) starts the inpatient's
    deadlines when its hospital and time are given."""
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.decision:
        raise ValidationError("この申請・通報はすでに決定されています。")
    if report.investigated_at is None:
        raise ValidationError("先に事前調査を記録してください。")
    decision = _code("decisions", data.get("decision"), "決定")
    rule = reference.item("decisions", decision)
    needed = [d for d in report.doctors.all() if d.result == "needed"]
    if len(needed) < rule["needs_doctors"]:
        raise ValidationError(f"{rule['name']}には、措置入院が必要とする指定医の診察結果が{rule['needs_doctors']}名分必要です"
                              f"（いま{len(needed)}名）。")
    alternative = _code("alternatives", data.get("alternative"), "措置に代えた対応", blank=True)
    if decision == "not_needed" and not alternative:
        raise ValidationError("措置不要のときは、代わりに行った対応を選んでください。")
    if decision != "not_needed" and alternative:
        raise ValidationError("措置入院・緊急措置入院のときは「措置に代えた対応」を選ばないでください。")
    decided_at = data.get("decided_at") or timezone.now()
    _not_future(decided_at, "決定の日時")
    kind = rule["admission"] or (reference.item("alternatives", alternative) or {}).get("admission")
    hospital, admitted_at = (data.get("hospital") or "").strip(), data.get("admitted_at")
    if kind and rule["admission"] and not (hospital and admitted_at):
        raise ValidationError("入院先と入院日時を入力してください。")
    if admitted_at is not None:
        _not_future(admitted_at, "入院日時")
        deadlines.revision_on(admitted_at)
    report.decision, report.alternative, report.decided_at, report.decided_by = decision, alternative, decided_at, m.user
    report.decision_note = (data.get("decision_note") or "").strip()
    report.save()
    admission = None
    if kind and hospital and admitted_at:
        admission = Admission.objects.create(organisation=m.organisation, report=report, person=report.person,
                                             subject_label=report.subject_label, kind=kind, hospital=hospital,
                                             admitted_at=admitted_at, created_by=m.user)
    what = reference.names("decisions")[decision] + (f"（{reference.names('alternatives')[alternative]}）"
                                                     if alternative else "")
    _event(report, m, f"決定: {what}" + (f"・入院先 {hospital}" if admission else ""), at=decided_at)
    _log("admission_report.decided", m, request, obj=report, person=report.person,
         data={"decision": decision, "alternative": alternative, "admission": admission.pk if admission else None})
    return report


@transaction.atomic
def do_record_notice(*, request, membership, report, notified_at, notified_to) -> Report:
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.decision not in ("measure", "emergency_measure"):
        raise ValidationError("書面告知は措置入院・緊急措置入院の決定の後に記録します。")
    if notified_at is None or not (notified_to or "").strip():
        raise ValidationError("告知の日時と相手を入力してください。")
    _not_future(notified_at, "告知の日時")
    report.notified_at, report.notified_to = notified_at, notified_to.strip()
    report.save(update_fields=["notified_at", "notified_to"])
    _event(report, m, f"書面告知（{report.notified_to}）", at=notified_at)
    _log("admission_report.notified", m, request, obj=report, person=report.person)
    return report


@transaction.atomic
def do_record_transfer(*, request, membership, report, transferred_at, note) -> Report:
    m = access.require_edit(membership)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.decision not in ("measure", "emergency_measure"):
        raise ValidationError("移送は措置入院・緊急措置入院の決定の後に記録します。")
    if transferred_at is None:
        raise ValidationError("移送の日時を入力してください。")
    _not_future(transferred_at, "移送の日時")
    report.transferred_at, report.transfer_note = transferred_at, (note or "").strip()
    report.save(update_fields=["transferred_at", "transfer_note"])
    _event(report, m, "移送" + (f"（{report.transfer_note}）" if report.transfer_note else ""), at=transferred_at)
    _log("admission_report.transferred", m, request, obj=report, person=report.person)
    return report


# --- inpatients and their documents --------------------------------------------------------------------
@transaction.atomic
def do_register_admission(*, request, membership, data) -> Admission:
    """An inpatient whose documents reach the 保健所 without a report of its own (a 医療保護入院届 …)."""
    m = access.require_edit(membership)
    kind = _code("admission_kinds", data.get("kind"), "入院形態")
    admitted_at = data.get("admitted_at")
    if admitted_at is None or not (data.get("hospital") or "").strip():
        raise ValidationError("入院先と入院日時を入力してください。")
    _not_future(admitted_at, "入院日時")
    deadlines.revision_on(admitted_at)
    person = access.person_for_report(m, data["person_id"]) if data.get("person_id") else None
    label = (data.get("subject_label") or "").strip()
    if person is None and not label:
        raise ValidationError("本人を選ぶか、未登録の本人の呼び名を入力してください。")
    admission = Admission.objects.create(organisation=m.organisation, person=person, subject_label=label, kind=kind,
                                         hospital=data["hospital"].strip(), admitted_at=admitted_at, created_by=m.user)
    _log("admission.registered", m, request, obj=admission, person=person, data={"kind": kind})
    return admission


@transaction.atomic
def do_record_document(*, request, membership, admission, rule_code, nth, received_on, note="") -> ReceivedDocument:
    m = access.require_edit(membership)
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    found = worklist.rule_start(admission, rule_code)
    if found is None:
        raise ValidationError("この入院形態の書類を一覧から選んでください。")
    rule, start = found
    if nth < 1 or rule.due(start, nth) is None:
        raise ValidationError("回数が正しくありません。")
    if received_on is None:
        raise ValidationError("受理日を入力してください。")
    if received_on > timezone.localdate():
        raise ValidationError("受理日に未来の日付は記録できません。")
    if received_on < timezone.localtime(admission.admitted_at).date():
        raise ValidationError("受理日は入院日より後にしてください。")
    try:
        with transaction.atomic():
            document = ReceivedDocument.objects.create(admission=admission, rule=rule.code, nth=nth,
                                                       received_on=received_on, checked_by=m.user,
                                                       note=(note or "").strip())
    except IntegrityError:
        raise ValidationError("この書類はすでに受理を記録しています。") from None
    _log("admission.document_recorded", m, request, obj=admission, person=admission.person,
         data={"rule": rule.code, "nth": nth})
    return document


@transaction.atomic
def do_end_admission(*, request, membership, admission, ended_on) -> Admission:
    m = access.require_edit(membership)
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    if admission.ended_on:
        raise ValidationError("すでに退院・措置解除を記録しています。")
    if ended_on is None or ended_on > timezone.localdate() or ended_on < timezone.localtime(admission.admitted_at).date():
        raise ValidationError("退院・措置解除の日は入院日から今日までの日付にしてください。")
    admission.ended_on = ended_on
    admission.save(update_fields=["ended_on"])
    _log("admission.ended", m, request, obj=admission, person=admission.person)
    _prompt_discharge_plan(admission)
    return admission


DISCHARGE_PLAN_KIND = "discharge_plan_due"


def _prompt_discharge_plan(admission) -> int:
    """A 措置入院・緊急措置入院 that ended (`discharge_plan` in register.json: the 退院後支援計画's first target
    group, 2018 guideline) tells the staff of each organisation holding an open case of the person, with a
    link to the case page (where discharge's panel opens the plan; discharge is above admissions, so it is
    not named here), or — without an open case — the staff of the organisation holding the person's
    record, with a link to the person page. One notice per stay, case and recipient (the key); the mail says
    only that something waits in Renkei. Creating the plan still checks consent there."""
    kind = reference.item("admission_kinds", admission.kind) or {}
    if not kind.get("discharge_plan") or admission.person_id is None:
        return 0
    message = (f"{kind['name']}の退院・措置解除が記録されました。退院後支援計画（措置入院者等の退院後支援ガイドライン）"
               "の作成を本人の同意を得て検討してください。")
    cases = Case.objects.filter(person_id=admission.person_id, closed_at__isnull=True).select_related(
        "organisation").order_by("pk")
    made = 0
    for case in cases:
        made += notify(staff_with(case.organisation, "person.edit"), organisation=case.organisation,
                       kind=DISCHARGE_PLAN_KIND, message=message, key=f"admission-ended:{admission.pk}:case:{case.pk}",
                       url=reverse("cases:case_detail", args=[case.pk]), person=admission.person_id)
    if not cases:
        holder = admission.person.organisation
        made += notify(staff_with(holder, "person.edit"), organisation=holder, kind=DISCHARGE_PLAN_KIND,
                       message=message, key=f"admission-ended:{admission.pk}:person",
                       url=reverse("cases:person_detail", args=[admission.person_id]), person=admission.person_id)
    return made
