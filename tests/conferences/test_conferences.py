import datetime as dt
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from renkei.audit.models import AuditEvent
from renkei.conferences import access, actions
from renkei.consent.models import Disclosure

from .conftest import at


def _conference(pref, case, kind="pre_discharge", membership=None):
    return actions.do_create_conference(request=None, membership=membership or pref.memberships.hana, case=case,
                                        data={"kind": kind, "starts_at": at(), "place": "県立みどり病院 面談室",
                                              "agenda": "退院後の生活について"})


def _attend(pref, conference, who, role_label=""):
    return actions.do_add_attendee(request=None, membership=pref.memberships.hana, conference=conference,
                                   member_membership=getattr(pref.memberships, who), role_label=role_label)


def test_conference_records_each_attendees_agreement_with_the_rules_as_explained(pref, discharge):
    conference = _conference(pref, discharge["case"])
    erin = _attend(pref, conference, "erin", "ピアサポーター")
    actions.do_record_agreement(request=None, membership=pref.memberships.hana, conference=conference, attendee=erin)
    erin.refresh_from_db()
    assert erin.has_agreed and erin.agreement_recorded_by == pref.users.hana
    assert "警察は、犯罪の防止を目的として参加することはできません。" in erin.agreed_rules
    assert AuditEvent.objects.filter(action="conference.agreement_recorded",
                                     person_id=str(discharge["person"].pk)).exists()
    with pytest.raises(ValidationError, match="すでに記録"):
        actions.do_record_agreement(request=None, membership=pref.memberships.hana, conference=conference,
                                    attendee=erin)


def test_a_conference_needs_a_place_or_remote_and_a_known_kind(pref, discharge):
    with pytest.raises(ValidationError) as error:
        actions.do_create_conference(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                     data={"kind": "nonsense", "starts_at": at(), "place": ""})
    assert "会議の種類を選んでください。" in error.value.messages
    assert "場所を入力するか、オンラインを選んでください。" in error.value.messages


def test_only_a_municipality_convenes_a_support_meeting(pref, discharge):
    with pytest.raises(ValidationError, match="招集できるのは市町村"):
        _conference(pref, discharge["case"], kind="support_meeting")


def test_consent_kinds_hide_minutes_from_an_organisation_without_consent(pref, discharge, consent_to):
    conference = _conference(pref, discharge["case"])
    alice = _attend(pref, conference, "alice")
    actions.do_record_agreement(request=None, membership=pref.memberships.hana, conference=conference, attendee=alice)
    seen = access.minutes_access(pref.memberships.alice, conference)
    assert not seen.allowed and "青葉市には本人の同意（会議記録）が確認できない" in seen.warning
    consent_to(discharge["person"], pref.orgs.aoba, ["会議記録"])
    seen = access.minutes_access(pref.memberships.alice, conference)
    assert seen.allowed and seen.legal_basis.startswith("consent:")


def test_a_consented_attendee_still_needs_a_recorded_agreement(pref, discharge, consent_to):
    conference = _conference(pref, discharge["case"])
    _attend(pref, conference, "dave")
    consent_to(discharge["person"], pref.orgs.vn, ["会議記録"])
    assert "同意がまだ記録されていない" in access.minutes_access(pref.memberships.dave, conference).warning


def test_support_meeting_shares_without_consent_among_agreeing_members_as_a_recorded_disclosure(pref):
    from renkei.cases import actions as case_actions

    m = pref.memberships.alice
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "森本 拓海", "kana": "モリモト タクミ", "birth_date": dt.date(1992, 6, 18), "sex": "male"})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    conference = actions.do_create_conference(request=None, membership=m, case=case, data={
        "kind": "support_meeting", "starts_at": at(), "place": "青葉市役所 会議室"})
    henry = actions.do_add_attendee(request=None, membership=m, conference=conference,
                                    member_membership=pref.memberships.henry)
    assert not access.minutes_access(pref.memberships.henry, conference).allowed
    actions.do_record_agreement(request=None, membership=m, conference=conference, attendee=henry)
    disclosure = Disclosure.objects.get(person=person, recipient=pref.orgs.housing)
    assert disclosure.legal_basis == "swa-106-6" and "会議記録" in disclosure.scopes
    seen = access.minutes_access(pref.memberships.henry, conference)
    assert seen.allowed and seen.legal_basis.startswith("swa-106-6")
    assert not access.minutes_access(pref.memberships.dave, conference).allowed


def test_action_items_appear_on_their_owners_dashboard_until_done(pref, discharge, client_for):
    conference = _conference(pref, discharge["case"])
    _attend(pref, conference, "erin")
    _attend(pref, conference, "dave")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    item = actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                                      description="ピアサポーターが病棟を訪ねて体験を話す", owner=pref.users.erin,
                                      due_date=yesterday)
    actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                               description="退院後の訪問看護の初回日程を決める", owner=pref.users.dave,
                               due_date=timezone.localdate() + dt.timedelta(days=10))
    page = client_for(pref.users.erin).get("/").content.decode()
    assert "会議の宿題" in page and "ピアサポーターが病棟を訪ねて体験を話す" in page
    assert "期限を過ぎた宿題が 1件" in page and "訪問看護の初回日程" not in page
    assert "訪問看護の初回日程" in client_for(pref.users.dave).get("/").content.decode()
    response = client_for(pref.users.erin).post(f"/conferences/actions/{item.pk}/status/",
                                                {"status": "done", "next": "dashboard"})
    assert response.status_code == 302
    assert "ピアサポーターが病棟を訪ねて体験を話す" not in client_for(pref.users.erin).get("/").content.decode()


def test_an_item_owner_must_be_an_attendee_or_team_member(pref, discharge):
    conference = _conference(pref, discharge["case"])
    with pytest.raises(ValidationError, match="担当者"):
        actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                                   description="x", owner=pref.users.mallory, due_date=timezone.localdate())


def test_reminders_are_mailed_once_a_day_without_naming_the_person(pref, discharge):
    conference = _conference(pref, discharge["case"])
    _attend(pref, conference, "dave")
    actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                               description="川口さんの初回訪問", owner=pref.users.dave,
                               due_date=timezone.localdate() + dt.timedelta(days=1))
    actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                               description="ずっと先", owner=pref.users.dave,
                               due_date=timezone.localdate() + dt.timedelta(days=30))
    call_command("send_action_reminders")
    call_command("send_action_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dave@example.jp"] and "1件" in message.subject
    assert "川口" not in message.body and f"/conferences/{conference.pk}/" in message.body


def test_the_action_reminder_job_run_twice_by_the_runner_mails_once(pref, discharge, run_job_twice):
    conference = _conference(pref, discharge["case"])
    _attend(pref, conference, "dave")
    actions.do_add_action_item(request=None, membership=pref.memberships.hana, conference=conference,
                               description="初回訪問", owner=pref.users.dave,
                               due_date=timezone.localdate() + dt.timedelta(days=1))
    first, second = run_job_twice("conferences.action_reminders")
    assert (first.summary, second.summary) == ("会議の宿題のお知らせを1通送りました。", "会議の宿題のお知らせを0通送りました。")
    assert len(mail.outbox) == 1


def test_minutes_pdf_is_a4_with_japanese_text(pref, discharge, client_for):
    conference = _conference(pref, discharge["case"])
    actions.do_update_conference(request=None, membership=pref.memberships.hana, conference=conference,
                                 version=conference.version, data={
                                     "kind": "pre_discharge", "starts_at": conference.starts_at,
                                     "place": conference.place, "agenda": "退院後の生活について",
                                     "minutes": "本人はアパートでの一人暮らしを希望している。",
                                     "decisions": "居住支援法人と物件を見学する。"})
    response = client_for(pref.users.hana).get(f"/conferences/{conference.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "退院前会議 議事録" in text and "アパートでの一人暮らしを希望" in text and "川口 美和" in text
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 210
    assert AuditEvent.objects.filter(action="conference.minutes_pdf", person_id=str(discharge["person"].pk)).exists()


def test_stale_edits_of_a_conference_are_refused(pref, discharge):
    conference = _conference(pref, discharge["case"])
    with pytest.raises(ValidationError, match="ほかの人"):
        actions.do_update_conference(request=None, membership=pref.memberships.hana, conference=conference,
                                     version=conference.version + 1,
                                     data={"kind": "pre_discharge", "starts_at": at(), "place": "病院"})
