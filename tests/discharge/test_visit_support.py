import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.discharge import work_actions as work
from renkei.discharge.models import VisitSupportRequest


@pytest.fixture
def office(pref):
    """The programme is run by the prefecture; here the 精神保健福祉センター acts for it (sam)."""
    return pref.memberships.sam


@pytest.fixture
def supporters(pref, office):
    today = timezone.localdate()
    erin = work.do_register_supporter(request=None, membership=office, name="ピア エリン", user=pref.users.erin,
                                      trained_on=today - dt.timedelta(days=90), secrecy_pledged=True)
    second = work.do_register_supporter(request=None, membership=office, name="訪問 次郎",
                                        trained_on=today - dt.timedelta(days=30), secrecy_pledged=True)
    untrained = work.do_register_supporter(request=None, membership=office, name="研修 未了", secrecy_pledged=True)
    return erin, second, untrained


def _request(pref, office, hospital, **extra):
    data = {"patient_name": "石田 勝", "patient_age": 67, "hospital": hospital.pk, "ward": "第2病棟",
            "admission_type": "medical_protection_mayor", "source": "discharge_officer",
            "requester_name": "吉田 翔（退院後生活環境相談員）", "received_on": timezone.localdate() - dt.timedelta(days=3),
            "request_note": "話し相手として面会を希望"} | extra
    return work.do_receive_request(request=None, membership=office, data=data)


def test_only_the_operating_office_takes_requests(pref, hospital):
    with pytest.raises(ValidationError) as error:
        _request(pref, pref.memberships.alice, hospital)
    assert "事務局" in error.value.messages[0]


def test_operator_is_a_setting_when_given(pref, hospital, settings):
    settings.VISIT_SUPPORT_OPERATORS = ["chuo-hc"]
    assert _request(pref, pref.memberships.hana, hospital).operator == pref.orgs.hc
    with pytest.raises(ValidationError):
        _request(pref, pref.memberships.sam, hospital)


def test_request_goes_from_intake_to_report(pref, hospital, office, supporters):
    erin, second, _ = supporters
    req = _request(pref, office, hospital)
    assert req.status == "received"
    with pytest.raises(ValidationError) as error:
        work.do_assign_supporters(request=None, membership=office, req=req, supporters=[erin, second])
    assert "意向を確認" in error.value.messages[0]
    with pytest.raises(ValidationError):  # before the request was received
        work.do_confirm_wish(request=None, membership=office, req=req, confirmed_on=req.received_on - dt.timedelta(1),
                             method="phone")
    req = work.do_confirm_wish(request=None, membership=office, req=req, confirmed_on=timezone.localdate(),
                               method="phone", note="訪問支援員の面会を希望すると明言")
    assert req.wish_method_name == "電話" and req.status == "wish_confirmed"
    req = work.do_assign_supporters(request=None, membership=office, req=req, supporters=[erin.pk, second.pk])
    assert req.status == "assigned" and set(req.supporters.all()) == {erin, second}
    visit_at = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(ValidationError):
        work.do_report_visit(request=None, membership=pref.memberships.erin, req=req, visited_on=timezone.localdate(),
                             report="早すぎる報告")
    req = work.do_schedule_visit(request=None, membership=office, req=req, visit_at=visit_at,
                                 hospital_contact="地域医療連携室 吉田")
    req = work.do_report_visit(request=None, membership=pref.memberships.erin, req=req,
                               visited_on=timezone.localdate(), report="2名で面会。本人は穏やかに話し、次回も希望。")
    assert req.status == "reported" and req.report_by == pref.users.erin
    actions = list(AuditEvent.objects.filter(object_id=str(req.pk), action__startswith="visit_support.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["visit_support.received", "visit_support.wish_confirmed", "visit_support.assigned",
                       "visit_support.scheduled", "visit_support.reported"]


@pytest.mark.parametrize("pick", [["erin"], ["erin", "second", "untrained"], ["erin", "untrained"]])
def test_exactly_two_trained_supporters_are_assigned(pref, hospital, office, supporters, pick):
    by_name = dict(zip(["erin", "second", "untrained"], supporters, strict=True))
    req = _request(pref, office, hospital)
    work.do_confirm_wish(request=None, membership=office, req=req, confirmed_on=timezone.localdate(), method="phone")
    with pytest.raises(ValidationError):
        work.do_assign_supporters(request=None, membership=office, req=req, supporters=[by_name[p] for p in pick])
    assert not req.assignments.exists()


def test_a_supporter_without_the_secrecy_pledge_is_not_assigned(pref, hospital, office, supporters):
    erin, _, _ = supporters
    loose = work.do_register_supporter(request=None, membership=office, name="誓約 なし",
                                       trained_on=timezone.localdate(), secrecy_pledged=False)
    req = _request(pref, office, hospital)
    work.do_confirm_wish(request=None, membership=office, req=req, confirmed_on=timezone.localdate(), method="phone")
    with pytest.raises(ValidationError) as error:
        work.do_assign_supporters(request=None, membership=office, req=req, supporters=[erin, loose])
    assert "守秘義務" in error.value.messages[0]


def test_supporters_see_only_what_the_programme_needs(pref, hospital, office, supporters, inpatient, client_for):
    erin, second, _ = supporters
    req = _request(pref, office, hospital, person=None)
    VisitSupportRequest.objects.filter(pk=req.pk).update(person=inpatient.person)
    work.do_confirm_wish(request=None, membership=office, req=req, confirmed_on=timezone.localdate(), method="phone",
                         note="本人の意向メモ（支援員には見せない）")
    work.do_assign_supporters(request=None, membership=office, req=req, supporters=[erin, second])
    c = client_for(pref.users.erin)
    got = c.get(f"/api/discharge/visit-support/{req.pk}").json()
    assert got["patient_name"] == "石田 勝" and got["hospital"] == "県立みどり病院"
    assert "wish_note" not in got and "request_note" not in got and "person_id" not in got
    page = c.get(f"/discharge/visit-support/{req.pk}/").content.decode()
    assert "石田 勝" in page and "支援員には見せない" not in page
    assert c.get(f"/cases/{inpatient.pk}/").status_code == 404
    assert c.get(f"/discharge/cases/{inpatient.pk}/").status_code == 404
    assert c.get(f"/api/cases/persons/{inpatient.person_id}").status_code == 404
    # another request, not assigned to her, is not there at all
    other = _request(pref, office, hospital, patient_name="別の 患者")
    assert c.get(f"/api/discharge/visit-support/{other.pk}").status_code == 404
    assert [r["id"] for r in c.get("/api/discharge/visit-support").json()] == [req.pk]
    # and she cannot act as the office
    assert c.post(f"/api/discharge/visit-support/{req.pk}/schedule", {"visit_at": timezone.now().isoformat()},
                  content_type="application/json").status_code == 404


def test_visit_support_api_flow_answers_in_japanese(pref, hospital, office, supporters, client_for):
    erin, second, _ = supporters
    c = client_for(pref.users.sam)
    made = c.post("/api/discharge/visit-support", {"patient_name": "石田 勝", "hospital_id": hospital.pk,
                                                   "admission_type": "medical_protection_mayor", "source": "patient"},
                  content_type="application/json")
    assert made.status_code == 201
    rid = made.json()["id"]
    early = c.post(f"/api/discharge/visit-support/{rid}/assignment", {"supporter_ids": [erin.pk, second.pk]},
                   content_type="application/json")
    assert early.status_code == 400 and "意向" in early.json()["detail"]
    assert c.post(f"/api/discharge/visit-support/{rid}/wish", {"confirmed_on": timezone.localdate().isoformat(),
                                                               "method": "phone"},
                  content_type="application/json").status_code == 200
    assert c.post(f"/api/discharge/visit-support/{rid}/assignment", {"supporter_ids": [erin.pk, second.pk]},
                  content_type="application/json").json()["status"] == "assigned"
    assert c.get("/api/discharge/visit-support/999999").status_code == 404
