"""The per-person access report lists every read made of the person's data, through every channel."""

from renkei.audit.models import AuditEvent, AuditEventPerson
from renkei.cases import actions


def _person_with_case(pref):
    membership = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=membership, confirm_duplicate=True, data={
        "name": "報告 太郎", "kana": "ホウコク タロウ", "sex": "male", "municipality": pref.orgs.aoba})
    case = actions.do_open_case(request=None, membership=membership, person=person)
    entry = actions.do_add_entry(request=None, membership=membership, case=case, kind="phone",
                                 body="家族から電話で近況の報告があった")
    return person, case, entry


def test_every_read_through_pages_and_api_appears_in_the_persons_access_report(pref, client_for):
    person, case, entry = _person_with_case(pref)
    before = set(AuditEvent.objects.filter(person_id=str(person.pk)).values_list("id", flat=True))
    alice, carol = client_for(pref.users.alice), client_for(pref.users.carol)
    reads = [
        (alice, f"/cases/persons/{person.pk}/"),
        (alice, f"/cases/{case.pk}/"),
        (carol, f"/cases/persons/{person.pk}/"),
        (alice, f"/api/cases/persons/{person.pk}"),
        (alice, f"/api/cases/cases/{case.pk}"),
        (alice, f"/api/cases/entries/{entry.pk}"),
    ]
    for client, url in reads:
        assert client.get(url).status_code == 200, url
    new_reads = list(AuditEvent.objects.filter(person_id=str(person.pk)).exclude(id__in=before))
    assert len(new_reads) >= len(reads)
    report = client_for(pref.users.bob).get(f"/audit/person/{person.pk}/")
    assert report.status_code == 200
    page = report.content.decode()
    from renkei.audit.labels import action_label

    for event in new_reads:
        assert action_label(event.action) in page
    named = AuditEvent.objects.filter(id__in=AuditEventPerson.objects.filter(person_id=str(person.pk))
                                      .values("event_id"))
    assert page.count("<tr") - 1 == named.exclude(action="audit.person_report").count() >= len(reads)
    assert {"alice", "carol"} <= {event.actor_label for event in new_reads}
    assert "青葉 アリス" in page and "青葉 キャロル" in page
    csv_text = client_for(pref.users.bob).get(f"/audit/person/{person.pk}/", {"format": "csv"}).content.decode(
        "utf-8-sig")
    for event in new_reads:
        assert f"\r\n{event.id}," in csv_text
