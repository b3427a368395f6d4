"""A listing (list page, search results, export, dashboard) names every person it showed in one entry;
the per-person access report of each of them includes that entry."""

from django.db import connection

from renkei.audit.actions import log_event, verify_chain
from renkei.audit.models import AuditEventPerson


def _person(pref, name, org=None):
    from renkei.cases.models import Person

    return Person.objects.create(organisation=org or pref.orgs.aoba, name=name, kana="テスト",
                                 created_by=pref.users.alice)


def test_one_listing_entry_links_every_person_shown_given_as_persons_or_ids(pref):
    first, second, third = (_person(pref, n) for n in ["一覧 一郎", "一覧 二郎", "一覧 三郎"])
    event = log_event("case.listed", actor=pref.users.alice, organisation=pref.orgs.aoba,
                      persons=[first, second.pk, str(third.pk), first])
    linked = AuditEventPerson.objects.filter(event=event).values_list("person_id", flat=True)
    assert sorted(linked) == sorted([str(first.pk), str(second.pk), str(third.pk)])
    assert event.person_id == ""


def test_person_still_names_one_person_and_is_linked_too(pref):
    person = _person(pref, "単独 太郎")
    event = log_event("person.viewed", actor=pref.users.alice, organisation=pref.orgs.aoba, person=person)
    assert event.person_id == str(person.pk)
    assert list(AuditEventPerson.objects.filter(event=event).values_list("person_id", flat=True)) == [
        str(person.pk)]


def test_the_access_report_of_each_person_shown_includes_the_listing(pref, client_for):
    shown, also_shown, not_shown = (_person(pref, n) for n in ["表示 一郎", "表示 二郎", "非表示 三郎"])
    log_event("search.results", actor=pref.users.hana, organisation=pref.orgs.hc, persons=[shown, also_shown],
              purpose="一覧の確認")
    client = client_for(pref.users.bob)
    for person in (shown, also_shown):
        page = client.get(f"/audit/person/{person.pk}/").content.decode()
        assert "一覧の確認" in page, person
    assert "一覧の確認" not in client.get(f"/audit/person/{not_shown.pk}/").content.decode()
    # and the supervisor's log of the organisation that holds the persons shows it
    assert "一覧の確認" in client.get("/audit/").content.decode()
    assert "一覧の確認" in client.get("/audit/", {"person": str(shown.pk)}).content.decode()


def test_the_entrys_hash_covers_the_persons_it_names(pref):
    first, second = _person(pref, "改竄 一郎"), _person(pref, "改竄 二郎")
    event = log_event("case.listed", actor=pref.users.alice, organisation=pref.orgs.aoba, persons=[first, second])
    assert verify_chain()[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditeventperson WHERE event_id = %s AND person_id = %s",
                       [event.pk, str(second.pk)])
    ok, message = verify_chain()
    assert not ok and f"#{event.pk} " in message


def test_renaming_a_linked_person_is_detected(pref):
    first, second = _person(pref, "改竄 一郎"), _person(pref, "改竄 二郎")
    event = log_event("case.listed", actor=pref.users.alice, organisation=pref.orgs.aoba, persons=[first])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditeventperson SET person_id = %s WHERE event_id = %s",
                       [str(second.pk), event.pk])
    ok, message = verify_chain()
    assert not ok and f"#{event.pk} " in message


def test_removing_the_link_of_a_single_person_entry_is_detected(pref):
    person = _person(pref, "単独 太郎")
    event = log_event("person.viewed", actor=pref.users.alice, organisation=pref.orgs.aoba, person=person)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditeventperson WHERE event_id = %s", [event.pk])
    ok, message = verify_chain()
    assert not ok and f"#{event.pk} " in message
