"""Links of 入院等関係事務 to the rest: the case page shows the 保健所's staff the legal status of the case's
person (their 措置・緊急措置・医療保護・応急入院 stays) and nobody else; the end of a 措置入院 or 緊急措置入院
tells the staff holding the person's case that a 退院後支援計画 is due, once per stay."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.admissions import actions, panels
from renkei.audit.models import AuditEvent, AuditEventPerson
from renkei.cases import actions as case_actions
from renkei.notices.models import Notification


def _stay(pref, person, kind="measure", hospital="県立みどり病院", days=20):
    return actions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": kind, "hospital": hospital, "person_id": person.pk,
        "admitted_at": timezone.now() - dt.timedelta(days=days)})


@pytest.fixture
def hc_case(pref, hc_person):
    return case_actions.do_open_case(request=None, membership=pref.memberships.hana, person=hc_person)


@pytest.fixture
def other_person(pref):
    return case_actions.do_register_person(request=None, membership=pref.memberships.hana, confirm_duplicate=True,
                                           data={"name": "林 直子", "kana": "ハヤシ ナオコ", "sex": "female"})


def test_the_case_page_shows_a_health_centre_member_the_persons_stays_and_records_the_read(
        pref, client_for, hc_case, hc_person):
    stay = _stay(pref, hc_person, hospital="県立みどり病院")
    _stay(pref, hc_person, kind="medical_protection", hospital="みどり第二病院", days=60)
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                             ended_on=timezone.localdate())
    page = client_for(pref.users.hiro).get(f"/cases/{hc_case.pk}/").content.decode()
    assert "入院の形態（精神保健福祉法）" in page
    assert "措置入院" in page and "県立みどり病院" in page and "退院・措置解除" in page
    assert "医療保護入院" in page and "みどり第二病院" in page and "入院中" in page
    assert f"/admissions/inpatients/{stay.pk}/" in page
    event = AuditEvent.objects.filter(action="admission.listed", actor=pref.users.hiro).get()
    assert event.field_groups == ["基本情報", "医療情報"] and event.data["on"] == "case"
    assert AuditEventPerson.objects.filter(event=event, person_id=hc_person.pk).exists()


def test_the_case_panel_shows_only_the_stays_of_the_cases_person(pref, client_for, hc_case, hc_person, other_person):
    _stay(pref, hc_person, hospital="県立みどり病院")
    _stay(pref, other_person, hospital="みどり東病院")
    page = client_for(pref.users.hana).get(f"/cases/{hc_case.pk}/").content.decode()
    assert "県立みどり病院" in page and "みどり東病院" not in page


def test_the_case_panel_shows_nothing_when_the_person_has_no_stay(pref, client_for, hc_case):
    page = client_for(pref.users.hana).get(f"/cases/{hc_case.pk}/").content.decode()
    assert "入院の形態（精神保健福祉法）" not in page
    assert not AuditEvent.objects.filter(action="admission.listed").exists()


def test_the_case_panel_shows_nothing_to_a_municipal_member_or_one_without_admission_view(pref, hc_case, hc_person):
    _stay(pref, hc_person)
    hc_partner = Membership.objects.create(user=pref.users.dave, organisation=pref.orgs.hc, role="partner")
    for m in (pref.memberships.alice, pref.memberships.carol, pref.memberships.mallory, hc_partner,
              pref.all_memberships["hana"][1]):
        assert not m.has_perm("admission.view")
        assert panels.case_legal_status(SimpleNamespace(membership=m), hc_case) is None
    assert not AuditEvent.objects.filter(action="admission.listed").exists()


def test_the_end_of_a_measure_stay_tells_the_case_holders_staff_once_with_a_link_to_the_case(
        pref, hc_case, hc_person, django_capture_on_commit_callbacks):
    stay = _stay(pref, hc_person)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                                 ended_on=timezone.localdate())
    notices = Notification.objects.filter(kind="discharge_plan_due")
    assert sorted(n.recipient.username for n in notices) == ["hana", "hiro"]
    assert {(n.organisation_id, n.url, n.person_id) for n in notices} == {
        (pref.orgs.hc.pk, f"/cases/{hc_case.pk}/", hc_person.pk)}
    assert "退院後支援計画" in notices[0].message and "森" not in notices[0].message
    assert len(mail.outbox) == 2 and all("森" not in m.body + m.subject for m in mail.outbox)
    with pytest.raises(ValidationError):
        actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                                 ended_on=timezone.localdate())
    assert actions._prompt_discharge_plan(stay) == 0
    assert Notification.objects.filter(kind="discharge_plan_due").count() == 2


def test_the_end_of_an_emergency_measure_stay_without_a_case_links_to_the_person_page(pref, hc_person):
    stay = _stay(pref, hc_person, kind="emergency_measure", days=1)
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                             ended_on=timezone.localdate())
    assert {n.url for n in Notification.objects.filter(kind="discharge_plan_due")} == {
        f"/cases/persons/{hc_person.pk}/"}


def test_the_end_of_a_medical_protection_stay_tells_nobody(pref, hc_case, hc_person):
    stay = _stay(pref, hc_person, kind="medical_protection")
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                             ended_on=timezone.localdate())
    assert not Notification.objects.filter(kind="discharge_plan_due").exists()


def test_the_end_of_a_stay_without_a_registered_person_tells_nobody(pref):
    stay = actions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": "measure", "hospital": "県立みどり病院", "subject_label": "男性（50歳代）",
        "admitted_at": timezone.now() - dt.timedelta(days=3)})
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                             ended_on=timezone.localdate())
    assert not Notification.objects.filter(kind="discharge_plan_due").exists()


def test_the_case_holders_staff_read_the_notice_on_their_notices_page_and_open_the_case_from_it(
        pref, client_for, hc_case, hc_person):
    stay = _stay(pref, hc_person)
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=stay,
                             ended_on=timezone.localdate())
    client = client_for(pref.users.hiro)
    assert "退院後支援計画" in client.get(reverse("referrals:notifications")).content.decode()
    note = Notification.objects.get(recipient=pref.users.hiro, kind="discharge_plan_due")
    response = client.post(reverse("referrals:notification_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == f"/cases/{hc_case.pk}/"
    assert "退院後支援計画" not in client_for(pref.users.alice).get(reverse("referrals:notifications")).content.decode()
