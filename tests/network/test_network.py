import datetime as dt

import pytest

from renkei.audit.models import AuditEvent
from renkei.core.dates import FiscalYear
from renkei.network import actions, counts
from renkei.network.models import ActionItem, Group, Outreach

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _class_values(**extra):
    return {"kind": "school_class", "title": "こころの健康授業", "status": "held", "date": TODAY, "school": "桜川中学校",
            "grade": "2年", "themes": ["literacy", "suicide"], "audiences": ["pupils"], "sessions": 2,
            "participants": 60, **extra}


def test_a_municipal_worker_records_a_school_class_the_health_centre_co_organised_and_both_see_it(pref, client_for):
    alice = client_for(pref.users.alice)
    answer = alice.post("/network/outreach/new/", {
        "kind": "school_class", "title": "こころの健康授業", "status": "held", "date": TODAY.isoformat(),
        "school": "青葉市立高校", "grade": "1年", "themes": ["literacy"], "audiences": ["pupils", "teachers"],
        "sessions": "1", "participants": "120", "co_organisers": [pref.orgs.hc.pk]})
    assert answer.status_code == 302
    outreach = Outreach.objects.get()
    assert AuditEvent.objects.filter(action="network.outreach_created", object_id=str(outreach.pk)).exists()
    assert client_for(pref.users.hana).get(f"/network/outreach/{outreach.pk}/").status_code == 200
    assert "青葉市立高校" in client_for(pref.users.hana).get("/network/outreach/").content.decode()
    assert client_for(pref.users.mallory).get(f"/network/outreach/{outreach.pk}/").status_code == 404
    assert client_for(pref.users.mallory).get(f"/network/outreach/{outreach.pk + 999}/").status_code == 404


def test_a_school_class_without_a_school_is_refused_in_japanese_and_keeps_what_was_typed(pref, client_for):
    answer = client_for(pref.users.alice).post("/network/outreach/new/", {
        "kind": "school_class", "title": "授業タイトル入力", "status": "held", "date": TODAY.isoformat(),
        "themes": ["literacy"], "sessions": "1", "participants": "30"})
    text = answer.content.decode()
    assert answer.status_code == 200 and "学校名" in text and "授業タイトル入力" in text
    assert not Outreach.objects.exists()


def test_a_viewer_may_not_record(pref, client_for):
    assert client_for(pref.users.carol).get("/network/outreach/new/").status_code == 404
    assert client_for(pref.users.carol).get("/network/").status_code == 200


def test_a_family_group_support_meeting_is_seen_by_the_co_organising_health_centre(pref, client_for):
    group = actions.do_save_group(pref.memberships.alice, {"kind": "family_group", "name": "青葉家族会"},
                                  co_organisers=[pref.orgs.hc])
    answer = client_for(pref.users.alice).post(f"/network/groups/{group.pk}/supports/", {
        "date": TODAY.isoformat(), "kind": "meeting", "summary": "定例会に参加", "member_count": "12",
        "co_organisers": [pref.orgs.hc.pk]})
    assert answer.status_code == 302
    support = group.supports.get()
    assert client_for(pref.users.hana).get(f"/network/supports/{support.pk}/").status_code == 200
    page = client_for(pref.users.hana).get(f"/network/groups/{group.pk}/").content.decode()
    assert "定例会に参加" in page
    assert "家族会" in page and "family_group" not in page  # kinds by their Japanese names, not their codes
    assert "family_group" not in client_for(pref.users.hana).get("/network/groups/").content.decode()
    assert client_for(pref.users.mallory).get(f"/network/groups/{group.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="network.support_recorded").count() == 1
    assert Group.objects.count() == 1


def test_the_years_outreach_counts_cover_own_and_co_organised_held_activities(pref):
    actions.do_save_outreach(pref.memberships.alice, _class_values(), co_organisers=[pref.orgs.hc])
    actions.do_save_outreach(pref.memberships.hana, _class_values(kind="lecture", school="", audiences=["residents"],
                                                                   sessions=1, participants=40))
    actions.do_save_outreach(pref.memberships.hana, _class_values(status="planned", participants=None,
                                                                   date=TODAY + dt.timedelta(days=30)))
    table = counts.outreach_counts(pref.orgs.hc, FiscalYear.of(TODAY))
    assert table["total"] == {"activities": 2, "sessions": 3, "participants": 100}
    suicide = next(r for r in table["by_theme"] if r["code"] == "suicide")
    assert suicide["participants"] == 100
    assert counts.outreach_counts(pref.orgs.aoba, FiscalYear.of(TODAY))["total"]["participants"] == 60


def test_the_outreach_csv_has_a_bom_and_the_counts_page_shows(pref, client_for):
    actions.do_save_outreach(pref.memberships.alice, _class_values())
    answer = client_for(pref.users.alice).get("/network/outreach/?format=csv")
    assert answer.content.startswith("\ufeff".encode()) and "こころの健康授業" in answer.content.decode("utf-8-sig")
    assert "60" in client_for(pref.users.alice).get("/network/outreach/counts/").content.decode()
    assert client_for(pref.users.alice).get("/network/outreach/?fy=abc").status_code == 400


def test_a_meetings_action_item_reaches_its_owners_dashboard(pref, client_for):
    meeting = actions.do_save_meeting(pref.memberships.hana, {"kind": "ihcs", "title": "協議の場 第1回", "date": TODAY},
                                      co_organisers=[pref.orgs.aoba])
    answer = client_for(pref.users.hana).post(f"/network/meetings/{meeting.pk}/items/", {
        "description": "ピアサポーター養成の案を作る", "owner": pref.memberships.alice.pk,
        "due_date": (TODAY + dt.timedelta(days=14)).isoformat()})
    assert answer.status_code == 302
    assert "ピアサポーター養成の案を作る" in client_for(pref.users.alice).get("/").content.decode()
    assert "ピアサポーター養成の案を作る" not in client_for(pref.users.mallory).get("/").content.decode()
    item = ActionItem.objects.get()
    client_for(pref.users.alice).post(f"/network/items/{item.pk}/status/", {"status": "done", "next": "dashboard"})
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    assert "ピアサポーター養成の案を作る" not in client_for(pref.users.alice).get("/").content.decode()


def test_an_owner_outside_the_meetings_offices_is_refused(pref, client_for):
    meeting = actions.do_save_meeting(pref.memberships.hana, {"kind": "ihcs", "title": "協議の場", "date": TODAY})
    answer = client_for(pref.users.hana).post(f"/network/meetings/{meeting.pk}/items/", {
        "description": "案を作る", "owner": pref.memberships.mallory.pk, "due_date": TODAY.isoformat()})
    assert answer.status_code == 400 and "案を作る" in answer.content.decode()
    assert not ActionItem.objects.exists()
