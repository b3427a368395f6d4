"""The register of 申請・通報・届出: received, 事前調査, 措置診察 by two 指定医, their results, the decision,
書面告知 and 移送 — each step one action with its time-line row and its audit entry; refusals in Japanese
change nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from renkei.admissions import actions
from renkei.admissions.models import Admission, Report
from renkei.audit.models import AuditEvent

from .conftest import ago, examine, investigate


def test_a_police_report_goes_from_receipt_to_a_measure_admission_with_every_step_on_record(pref, police_report,
                                                                                         hc_person):
    hana = pref.memberships.hana
    investigate(pref, police_report)
    examine(pref, police_report)
    for position in (1, 2):
        actions.do_record_doctor_result(request=None, membership=hana, report=police_report, position=position,
                                        result="needed", note="他害のおそれ")
    admitted = ago(hours=3)
    actions.do_decide(request=None, membership=hana, report=police_report, data={
        "decision": "measure", "hospital": "県立みどり病院", "admitted_at": admitted, "decided_at": ago(hours=3)})
    actions.do_record_notice(request=None, membership=hana, report=police_report, notified_at=ago(hours=2),
                             notified_to="本人・母")
    actions.do_record_transfer(request=None, membership=hana, report=police_report, transferred_at=ago(hours=2),
                               note="保健所の車両・職員2名")
    report = Report.objects.get(pk=police_report.pk)
    assert report.stage == "移送済み" and report.decision == "measure"
    admission = Admission.objects.get(report=report)
    assert (admission.kind, admission.person, admission.admitted_at) == ("measure", hc_person, admitted)
    timeline = [e.what for e in report.events.all()]  # oldest first, by the time each step happened
    assert timeline[:6] == [
        "警察官通報（法23条）を受理（受理: 中央 はな）", "事前調査（中央 はな）: 措置診察は必要",
        "措置診察（佐藤 一郎・鈴木 花子 指定医、立会い: 中央 ひろ）", "決定: 措置入院（法29条）・入院先 県立みどり病院",
        "書面告知（本人・母）", "移送（保健所の車両・職員2名）"]
    assert timeline[6:] == ["佐藤 一郎 指定医の結果: 措置入院が必要（自傷他害のおそれあり）",
                            "鈴木 花子 指定医の結果: 措置入院が必要（自傷他害のおそれあり）"]
    logged = list(AuditEvent.objects.filter(object_id=str(report.pk), action__startswith="admission_report.").order_by("id")
                  .values_list("action", "person_id"))
    assert [a for a, _p in logged] == [
        "admission_report.received", "admission_report.investigated", "admission_report.examination_recorded",
        "admission_report.doctor_result_recorded", "admission_report.doctor_result_recorded",
        "admission_report.decided", "admission_report.notified", "admission_report.transferred"]
    assert {p for _a, p in logged} == {str(hc_person.pk)}


def test_a_measure_admission_needs_both_designated_doctors_to_find_it_necessary(pref, police_report):
    hana = pref.memberships.hana
    investigate(pref, police_report)
    examine(pref, police_report)
    actions.do_record_doctor_result(request=None, membership=hana, report=police_report, position=1, result="needed")
    actions.do_record_doctor_result(request=None, membership=hana, report=police_report, position=2,
                                    result="not_needed")
    with pytest.raises(ValidationError, match="2名分必要です（いま1名）"):
        actions.do_decide(request=None, membership=hana, report=police_report, data={
            "decision": "measure", "hospital": "県立みどり病院", "admitted_at": ago(hours=1)})
    assert Report.objects.get(pk=police_report.pk).decision == ""
    actions.do_decide(request=None, membership=hana, report=police_report, data={
        "decision": "emergency_measure", "hospital": "県立みどり病院", "admitted_at": ago(hours=1)})
    assert Admission.objects.get(report=police_report).kind == "emergency_measure"


def test_no_measure_needs_what_was_done_instead_and_a_medical_protection_admission_starts_its_deadlines(
        pref, police_report):
    hana = pref.memberships.hana
    investigate(pref, police_report, needed=False, grounds=["in_care"])
    with pytest.raises(ValidationError, match="代わりに行った対応"):
        actions.do_decide(request=None, membership=hana, report=police_report, data={"decision": "not_needed"})
    actions.do_decide(request=None, membership=hana, report=police_report, data={
        "decision": "not_needed", "alternative": "medical_protection", "hospital": "みどり第二病院",
        "admitted_at": ago(hours=1)})
    assert Admission.objects.get(report=police_report).kind == "medical_protection"
    with pytest.raises(ValidationError, match="すでに決定"):
        actions.do_decide(request=None, membership=hana, report=police_report, data={"decision": "not_needed",
                                                                                     "alternative": "police"})


def test_the_grounds_must_fit_the_decision_of_the_investigation(pref, police_report):
    with pytest.raises(ValidationError, match="措置診察を不要とする理由になりません"):
        investigate(pref, police_report, needed=False, grounds=["risk_others"])
    with pytest.raises(ValidationError, match="判断の理由を1つ以上"):
        investigate(pref, police_report, grounds=[])
    assert Report.objects.get(pk=police_report.pk).investigated_at is None


def test_an_examination_needs_two_different_designated_doctors_and_an_attending_staff_member(pref, police_report):
    hana = pref.memberships.hana
    investigate(pref, police_report)
    base = {"exam_at": ago(hours=4), "exam_place": "保健所", "exam_witness": pref.users.hiro}
    with pytest.raises(ValidationError, match="指定医の氏名と指定医番号を入力"):
        actions.do_record_examination(request=None, membership=hana, report=police_report, data=base | {"doctors": []})
    with pytest.raises(ValidationError, match="指定医の氏名と指定医番号を入力"):
        actions.do_record_examination(request=None, membership=hana, report=police_report,
                                      data=base | {"doctors": [{"name": "佐藤 一郎", "number": ""}]})
    with pytest.raises(ValidationError, match="別の方"):
        actions.do_record_examination(request=None, membership=hana, report=police_report, data=base | {
            "doctors": [{"name": "佐藤 一郎", "number": "1"}, {"name": "佐藤 一郎", "number": "1"}]})
    with pytest.raises(ValidationError, match="自組織の職員"):
        actions.do_record_examination(request=None, membership=hana, report=police_report, data=base | {
            "exam_witness": pref.users.alice, "doctors": [{"name": "a", "number": "1"}, {"name": "b", "number": "2"}]})
    assert not police_report.doctors.exists()


def test_a_report_may_name_nobody_at_first_and_be_linked_to_the_person_later(pref, hc_person):
    hana = pref.memberships.hana
    report = actions.do_receive_report(request=None, membership=hana, data={
        "kind": "22", "received_at": ago(hours=1), "reporter": "隣人", "subject_label": "隣家の男性（40歳代）",
        "place": "自宅", "symptoms": "夜通し叫んでいる。"})
    assert report.subject == "隣家の男性（40歳代）"
    actions.do_link_person(request=None, membership=hana, report=report, person_id=hc_person.pk)
    assert Report.objects.get(pk=report.pk).person == hc_person
    with pytest.raises(Http404):  # a person the worker may not see: 404, as for a missing one
        actions.do_link_person(request=None, membership=hana, report=report, person_id=999999)


def test_only_health_centre_staff_with_the_edit_permission_record(pref, hc_person):
    data = {"kind": "23", "received_at": ago(hours=1), "reporter": "警察官", "place": "駅", "symptoms": "興奮"}
    for membership in (pref.memberships.alice, pref.memberships.sam):
        with pytest.raises(Http404):
            actions.do_receive_report(request=None, membership=membership, data=data)
    with pytest.raises(ValidationError, match="より前"):
        actions.do_receive_report(request=None, membership=pref.memberships.hana,
                                  data=data | {"received_at": ago(days=365 * 4)})
    assert not Report.objects.exists()


def test_an_emergency_measure_admission_rests_on_one_designated_doctor_at_night(pref, police_report):
    hana = pref.memberships.hana
    investigate(pref, police_report)
    actions.do_record_examination(request=None, membership=hana, report=police_report, data={
        "exam_at": ago(hours=4), "exam_place": "県立みどり病院", "exam_witness": pref.users.hiro,
        "doctors": [{"name": "佐藤 一郎", "number": "12345"}]})
    actions.do_record_doctor_result(request=None, membership=hana, report=police_report, position=1, result="needed")
    with pytest.raises(ValidationError, match="2名分必要です（いま1名）"):
        actions.do_decide(request=None, membership=hana, report=police_report, data={
            "decision": "measure", "hospital": "県立みどり病院", "admitted_at": ago(hours=3)})
    actions.do_decide(request=None, membership=hana, report=police_report, data={
        "decision": "emergency_measure", "hospital": "県立みどり病院", "admitted_at": ago(hours=3)})
    assert Admission.objects.get(report=police_report).kind == "emergency_measure"
    assert "措置診察（佐藤 一郎 指定医、立会い: 中央 ひろ）" in [e.what for e in police_report.events.all()]
