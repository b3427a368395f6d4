"""本人開示: a supervisor of the organisation that holds a person's record produces everything it holds
about them — the person's data, consultations, cases with their entries and every amendment — as JSON
(download and API) and as an A4 PDF; anyone else gets 404 alike; each production is one audit entry
naming the person with every field group."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from renkei.audit.models import AuditEvent, AuditEventPerson
from renkei.cases import actions
from renkei.consent.reference import scope_codes


@pytest.fixture
def held(pref):
    """A person held by 青葉市 with a consultation and a case whose entry was amended once."""
    m = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "開示 太郎", "kana": "カイジ タロウ", "birth_date": dt.date(1980, 4, 1), "sex": "male",
        "municipality": pref.orgs.aoba, "address": "みどり県青葉市本町1-2-3", "phone": "090-1111-2222"})
    consultation = actions.do_log_consultation(request=None, membership=m, data={
        "occurred_at": timezone.now() - dt.timedelta(days=2), "channel": "phone", "consulter": "self",
        "category": "rehabilitation", "factors": [], "content": "眠れない日が続いていると本人から電話", "person": person})
    case = actions.do_open_case(request=None, membership=m, person=person, summary="睡眠と生活リズム")
    entry = actions.do_add_entry(request=None, membership=m, case=case, kind="visit", body="自宅を訪問した（最初の記録）")
    actions.do_amend_entry(request=None, membership=m, entry=entry, version=entry.version,
                           body="自宅を訪問し、本人と30分話した（修正後）", reason="時間の記入漏れ")
    return {"person": person, "consultation": consultation, "case": case, "entry": entry}


def _productions(person):
    return AuditEvent.objects.filter(action="subject_access.produced",
                                     pk__in=AuditEventPerson.objects.filter(person_id=person.pk).values("event_id"))


def test_a_supervisor_of_the_holding_organisation_gets_the_json_with_consultations_and_amended_entries(
        pref, client_for, held):
    person = held["person"]
    response = client_for(pref.users.bob).get(f"/subject-access/persons/{person.pk}/record.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    assert record["person"]["name"] == "開示 太郎"
    assert record["person"]["address"] == "みどり県青葉市本町1-2-3"
    assert record["person"]["phone"] == "090-1111-2222"
    assert "name_search" not in record["person"] and "version" not in record["person"]
    assert [c["content"] for c in record["consultations"]] == ["眠れない日が続いていると本人から電話"]
    (case,) = record["cases"]
    assert case["summary"] == "睡眠と生活リズム"
    (entry,) = [e for e in case["entries"] if e["id"] == held["entry"].pk]
    assert entry["body"] == "自宅を訪問し、本人と30分話した（修正後）"
    assert [(r["number"], r["body"]) for r in entry["revisions"]] == [
        (1, "自宅を訪問した（最初の記録）"), (2, "自宅を訪問し、本人と30分話した（修正後）")]
    assert entry["revisions"][1]["reason"] == "時間の記入漏れ"
    assert record["field_groups"] == scope_codes()
    assert record["organisation"]["name"] == pref.orgs.aoba.name


def test_the_api_answers_the_same_record_as_the_download(pref, client_for, held):
    person = held["person"]
    client = client_for(pref.users.bob)
    api = client.get(f"/api/subject-access/persons/{person.pk}").json()
    download = json.loads(client.get(f"/subject-access/persons/{person.pk}/record.json").content)
    api.pop("made_at"), download.pop("made_at")
    assert api == download


def test_a_supervisor_gets_an_a4_pdf_naming_the_person_with_the_entry_and_its_amendment(pref, client_for, held):
    person = held["person"]
    response = client_for(pref.users.bob).get(f"/subject-access/persons/{person.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    for expected in ["開示太郎", "眠れない日が続いていると本人から電話", "自宅を訪問した（最初の記録）",
                     "本人と30分話した（修正後）", "時間の記入漏れ", pref.orgs.aoba.name.replace(" ", "")]:
        assert expected in text, expected


@pytest.mark.parametrize("who", ["walter", "alice", "carol", "hiro"])
def test_another_organisation_or_a_non_supervisor_gets_404_alike(pref, client_for, held, who):
    person = held["person"]
    client = client_for(getattr(pref.users, who))
    for url in [f"/subject-access/persons/{person.pk}/record.json", f"/subject-access/persons/{person.pk}/record.pdf",
                f"/api/subject-access/persons/{person.pk}"]:
        assert client.get(url).status_code == 404, url
    missing = client_for(pref.users.bob).get("/subject-access/persons/999999/record.json")
    assert missing.status_code == 404
    assert not _productions(person).exists()


def test_a_supervisor_of_a_sharing_recipient_gets_404_too(pref, client_for, held):
    """A consent lets 若葉町 see the person; it is not the holder, so it cannot produce the record."""
    from renkei.consent import actions as consent_actions

    consent_actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=held["person"], recipient_kind="organisation",
        recipient_organisation=pref.orgs.wakaba, purpose="転居後の支援", scopes=scope_codes(),
        valid_from=timezone.localdate(), valid_until=timezone.localdate() + dt.timedelta(days=30),
        method="oral", obtained_at=timezone.now(), note="口頭で説明し同意を得た")
    client = client_for(pref.users.walter)
    assert client.get(f"/cases/persons/{held['person'].pk}/").status_code == 200
    assert client.get(f"/subject-access/persons/{held['person'].pk}/record.json").status_code == 404


@pytest.mark.parametrize("url", ["/subject-access/persons/{}/record.json", "/subject-access/persons/{}/record.pdf",
                                 "/api/subject-access/persons/{}"])
def test_each_production_leaves_one_audit_entry_naming_the_person_with_every_field_group(
        pref, client_for, held, url):
    person = held["person"]
    assert client_for(pref.users.bob).get(url.format(person.pk)).status_code == 200
    (event,) = _productions(person)
    assert event.person_id == str(person.pk)  # the audit entry keeps ids as text
    assert event.actor_id == pref.users.bob.pk and event.organisation_id == pref.orgs.aoba.pk
    assert event.field_groups == scope_codes()
    assert "本人開示" in event.purpose
    assert event.data["counts"]["consultations"] == 1 and event.data["counts"]["cases"] == 1


def test_the_person_page_links_the_production_only_for_members_who_may_make_it(pref, client_for, held):
    person = held["person"]
    link = f"/subject-access/persons/{person.pk}/record.pdf"
    assert link in client_for(pref.users.bob).get(f"/cases/persons/{person.pk}/").content.decode()
    assert link not in client_for(pref.users.alice).get(f"/cases/persons/{person.pk}/").content.decode()


def test_the_record_lists_the_consents_the_holder_recorded_and_nothing_of_another_person(pref, client_for, held):
    from renkei.consent import actions as consent_actions

    other = actions.do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True,
                                       data={"name": "別人 花子", "kana": "ベツジン ハナコ", "sex": "female"})
    for person, purpose in [(held["person"], "住まいの支援"), (other, "別の人の支援")]:
        consent_actions.do_record_consent(
            request=None, membership=pref.memberships.alice, person=person, recipient_kind="organisation",
            recipient_organisation=pref.orgs.housing, purpose=purpose, scopes=["基本情報"],
            valid_from=timezone.localdate(), valid_until=timezone.localdate() + dt.timedelta(days=30),
            method="oral", obtained_at=timezone.now(), note="口頭で説明し同意を得た")
    record = client_for(pref.users.bob).get(f"/api/subject-access/persons/{held['person'].pk}").json()
    assert [(c["purpose"], c["recipient_organisation"]["name"]) for c in record["consents"]] == [
        ("住まいの支援", pref.orgs.housing.name)]
    assert "別人 花子" not in json.dumps(record, ensure_ascii=False)
