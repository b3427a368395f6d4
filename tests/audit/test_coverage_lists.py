"""Lists of person data leave one audit entry per response naming every person shown, with the basis of
those seen through sharing — and the entry costs the same few queries however long the list is."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renkei.audit import reads
from renkei.audit.labels import action_label
from renkei.audit.models import AuditEvent
from renkei.cases import actions as case_actions
from renkei.consent import actions as consent_actions
from renkei.consent.models import BreakGlassAccess


def _person(pref, name, kana, membership=None):
    m = membership or pref.memberships.alice
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": name, "kana": kana, "birth_date": dt.date(1980, 1, 2), "sex": "female",
        "municipality": m.organisation if m.organisation.type.code == "municipality" else None})
    case_actions.do_log_consultation(request=None, membership=m, data={
        "occurred_at": timezone.now() - dt.timedelta(minutes=3), "channel": "phone", "consulter": "self",
        "category": "rehabilitation", "content": f"{name}さんからの電話相談", "person": person})
    return person


def _consent(pref, person, organisation, scopes):
    today = timezone.localdate()
    return consent_actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=person, recipient_kind="organisation",
        recipient_organisation=organisation, purpose="支援のため", scopes=scopes, valid_from=today,
        valid_until=today + dt.timedelta(days=60), method="written", obtained_at=timezone.now(), note="同意書")


def _new(before):
    return list(AuditEvent.objects.filter(id__gt=before).order_by("id"))


def _last_id():
    event = AuditEvent.objects.order_by("-id").first()
    return event.id if event else 0


@pytest.fixture
def persons(pref):
    return [_person(pref, "一覧 花子", "イチラン ハナコ"), _person(pref, "一覧 次郎", "イチラン ジロウ")]


def test_the_consultations_api_names_every_person_of_the_list_in_one_entry(pref, client_for, persons):
    before = _last_id()
    response = client_for(pref.users.alice).get("/api/cases/consultations")
    assert response.status_code == 200 and len(response.json()) == 2
    [event] = _new(before)
    assert event.action == "consultation.listed"
    assert sorted(int(pk) for pk in event.person_ids()) == sorted(p.pk for p in persons)
    assert event.field_groups == ["相談・経過記録"] and event.legal_basis == ""


@pytest.mark.parametrize("url", ["/cases/", "/cases/persons/", "/cases/search/?q=一覧", "/api/cases/persons",
                                 "/api/cases/search?q=一覧", "/cases/persons/?q=イチラン"])
def test_each_list_and_search_page_writes_one_entry_naming_the_persons_it_shows(pref, client_for, persons, url):
    before = _last_id()
    response = client_for(pref.users.alice).get(url)
    assert response.status_code == 200
    body = json.dumps(response.json(), ensure_ascii=False) if url.startswith("/api/") else response.content.decode()
    assert "一覧 花子" in body, url
    events = _new(before)
    assert len(events) == 1, [e.action for e in events]
    assert {p.pk for p in persons} <= {int(pk) for pk in events[0].person_ids()}


def test_the_dashboard_writes_one_entry_for_all_its_panels(pref, client_for, persons):
    for person in persons:
        case_actions.do_open_case(request=None, membership=pref.memberships.alice, person=person)
    before = _last_id()
    page = client_for(pref.users.alice).get("/").content.decode()
    assert "一覧 花子" in page and "一覧 次郎" in page
    [event] = _new(before)
    assert event.action == "dashboard.viewed"
    assert sorted(int(pk) for pk in event.person_ids()) == sorted(p.pk for p in persons)
    assert set(event.data["panels"]["担当ケース"]) == {p.pk for p in persons}


def test_a_search_that_finds_nobody_is_still_on_record_with_its_query(pref, client_for, persons):
    before = _last_id()
    client_for(pref.users.alice).get("/cases/search/", {"q": "該当なしの語"})
    [event] = _new(before)
    assert event.action == "search.performed" and event.data["query"] == "該当なしの語" and event.person_ids() == []


def test_a_list_shown_through_sharing_records_each_persons_consent_and_visible_field_groups(pref, persons):
    shared, glass_person = persons
    consent = _consent(pref, shared, pref.orgs.wakaba, ["基本情報"])
    glass = BreakGlassAccess.objects.create(person=glass_person, user=pref.users.mallory, organisation=pref.orgs.wakaba,
                                            reason="夜間の保護連絡", legal_basis="apppi-27-1-2",
                                            expires_at=timezone.now() + dt.timedelta(hours=2))
    event = reads.log_listing(None, "person.listed", [shared, glass_person], field_groups=["基本情報", "相談・経過記録"],
                              membership=pref.memberships.mallory)
    assert event.data["bases"] == {str(shared.pk): f"consent:{consent.pk}",
                                   str(glass_person.pk): glass.legal_basis_label}
    assert event.data["groups"] == {str(shared.pk): ["基本情報"]}  # the consent covers 基本情報 only
    assert event.action == "breakglass.person.listed" and event.data["breakglass"] == [glass_person.pk]
    assert event.legal_basis == reads.MIXED


def test_a_single_read_through_the_helper_matches_the_one_access_decision(pref, persons):
    shared = persons[0]
    consent = _consent(pref, shared, pref.orgs.vn, ["相談・経過記録"])
    event = reads.log_read(None, "person.viewed", obj=shared, person=shared, field_groups=["基本情報", "医療情報"],
                           membership=pref.memberships.dave)
    assert event.person_id == str(shared.pk)
    assert event.legal_basis == f"consent:{consent.pk}"
    assert event.field_groups == ["基本情報"]  # 医療情報 is not shared with the nurse
    own = reads.log_read(None, "person.viewed", obj=shared, person=shared, field_groups=["基本情報"],
                         membership=pref.memberships.alice)
    assert own.legal_basis == "" and own.action == "person.viewed"


def test_the_entry_of_a_list_costs_the_same_queries_for_two_persons_or_twenty(pref):
    many = [_person(pref, f"件数 {i:02d}", f"ケンスウ {i:02d}") for i in range(20)]
    shared = [_person(pref, f"共有 {i:02d}", f"キョウユウ {i:02d}", pref.memberships.mallory) for i in range(20)]
    for person in shared:
        _consent_by(pref, person)

    def cost(persons, membership):
        with CaptureQueriesContext(connection) as queries:
            reads.log_listing(None, "person.listed", persons, membership=membership)
        return len(queries)

    alice = pref.memberships.alice
    cost(many[:1] + shared[:1], alice)  # the access layer's cached sources (case team) read once first
    assert cost(many[:2], alice) == cost(many, alice)
    assert cost(many[:2] + shared[:2], alice) == cost(many + shared, alice)
    assert cost(many + shared, alice) - cost(many, alice) <= 5  # case team (and its cache token), break-glass, consents, disclosures


def _consent_by(pref, person):
    today = timezone.localdate()
    consent_actions.do_record_consent(
        request=None, membership=pref.memberships.mallory, person=person, recipient_kind="organisation",
        recipient_organisation=pref.orgs.aoba, purpose="支援のため", scopes=["基本情報"], valid_from=today,
        valid_until=today + dt.timedelta(days=60), method="written", obtained_at=timezone.now(), note="同意書")


def test_the_persons_access_report_shows_the_lists_they_appeared_in(pref, client_for, persons):
    client_for(pref.users.carol).get("/cases/persons/")
    client_for(pref.users.alice).get("/api/cases/consultations")
    report = client_for(pref.users.bob).get(f"/audit/person/{persons[1].pk}/").content.decode()
    assert action_label("person.listed") in report and action_label("consultation.listed") in report
