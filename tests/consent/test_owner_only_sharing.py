"""Sharing is the holder's: only the organisation that holds a person's record records consents and
disclosures about them; a recipient can neither pass the person on, nor open its own case to gain edit
rights over the record, nor keep access once the basis ends; the holder sees and ends every grant.

Refusals answer 404, as every object one may not change does (renkei.consent.access.get_person_for_sharing,
renkei.cases.access.get_person_for_case); the actions themselves refuse with a Japanese message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.accounts.models import Membership, User
from renkei.audit.models import AuditEvent
from renkei.cases import access as case_access
from renkei.cases import actions as case_actions
from renkei.cases.models import Case, Person
from renkei.consent import actions
from renkei.consent.models import Consent, Disclosure

TODAY = dt.date.today


@pytest.fixture
def shared(pref, consent_to):
    """中央保健所 (hana) holds a person and shares 基本情報 + 支援計画 with 若葉町 by consent."""
    person = case_actions.do_register_person(request=None, membership=pref.memberships.hana, confirm_duplicate=True,
                                             data={"name": "保健 花子", "kana": "ホケン ハナコ", "sex": "female",
                                                   "birth_date": dt.date(1980, 3, 3), "address": "若葉町中央1-1",
                                                   "contact_notes": "夜は連絡しないこと"})
    consent = consent_to(person, organisation=pref.orgs.wakaba, scopes=("基本情報", "支援計画"),
                         membership=pref.memberships.hana)
    return person, consent


@pytest.fixture
def sakura(pref):
    user = User.objects.create_user(username="sakura", password=pref.password, display_name="桜川 さくら",
                                    kana="サクラガワ サクラ")
    Membership.objects.create(user=user, organisation=pref.orgs.sakuragawa, role="caseworker")
    return user


def _consent_body(pref):
    today = timezone.localdate()
    return {"recipient_kind": "organisation", "recipient_organisation_id": pref.orgs.sakuragawa.pk,
            "purpose": "転居先での支援", "scopes": ["基本情報"], "valid_from": str(today),
            "valid_until": str(today + dt.timedelta(days=30)), "method": "oral", "note": "口頭で確認"}


def _disclosure_body(pref):
    return {"recipient_id": pref.orgs.sakuragawa.pk, "legal_basis": "apppi-69-2-3", "scopes": ["基本情報"],
            "justification": "転居先の町村の事務のため", "valid_until": str(timezone.localdate() + dt.timedelta(days=30))}


def test_a_consent_recipient_cannot_pass_the_person_on(pref, client_for, shared, sakura):
    person, _ = shared
    mallory = client_for(pref.users.mallory)
    assert mallory.get(f"/api/cases/persons/{person.pk}").status_code == 200  # the recipient sees the person
    answers = [mallory.post(f"/api/consent/persons/{person.pk}/consents", _consent_body(pref),
                            content_type="application/json").status_code,
               mallory.post(f"/api/consent/persons/{person.pk}/disclosures", _disclosure_body(pref),
                            content_type="application/json").status_code,
               mallory.get(f"/consent/persons/{person.pk}/new/").status_code,
               mallory.post(f"/consent/persons/{person.pk}/new/").status_code,
               mallory.get(f"/consent/persons/{person.pk}/disclosures/new/").status_code,
               mallory.post(f"/consent/persons/{person.pk}/disclosures/new/").status_code]
    assert answers == [404] * 6
    assert not Consent.objects.filter(owner=pref.orgs.wakaba).exists()
    assert not Disclosure.objects.filter(owner=pref.orgs.wakaba).exists()
    register = mallory.get(f"/consent/persons/{person.pk}/").content.decode()
    assert f"/consent/persons/{person.pk}/new/" not in register
    sakura = client_for(sakura)
    assert sakura.get(f"/api/cases/persons/{person.pk}").status_code == 404
    assert sakura.get(f"/cases/persons/{person.pk}/").status_code == 404


def test_the_actions_refuse_a_recipient_in_japanese(pref, shared):
    person, _ = shared
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        actions.do_record_consent(
            request=None, membership=pref.memberships.mallory, person=person, recipient_kind="organisation",
            recipient_organisation=pref.orgs.sakuragawa, purpose="支援", scopes=["基本情報"], valid_from=today,
            valid_until=today + dt.timedelta(days=30), method="oral", obtained_at=timezone.now(), note="メモ")
    assert "本人の記録を登録した組織だけ" in error.value.messages[0]
    with pytest.raises(ValidationError):
        actions.do_record_disclosure(request=None, membership=pref.memberships.mallory, person=person,
                                     recipient=pref.orgs.sakuragawa, scopes=["基本情報"], legal_basis="apppi-69-2-3",
                                     justification="理由", valid_until=today + dt.timedelta(days=30))


def test_a_recipient_cannot_open_a_case_or_rewrite_the_holders_record(pref, client_for, shared):
    person, _ = shared
    mallory = client_for(pref.users.mallory)
    created = mallory.post("/api/cases/cases", {"person_id": person.pk}, content_type="application/json")
    assert created.status_code == 404
    assert mallory.get(f"/cases/persons/{person.pk}/cases/new/").status_code == 404
    assert "ケースを開始" not in mallory.get(f"/cases/persons/{person.pk}/").content.decode()
    assert not Case.objects.filter(person=person).exists()
    rewrite = mallory.put(f"/api/cases/persons/{person.pk}", {"name": "書き換え", "version": person.version},
                          content_type="application/json")
    assert rewrite.status_code == 404
    person.refresh_from_db()
    assert person.name == "保健 花子"


def test_a_case_a_recipient_opened_earlier_grants_nothing_over_the_person(pref, client_for, shared):
    """A case 若葉町 opened on the person before cases were limited to the holder: its own case, but neither
    edit rights over the holder's person record nor access to it once the consent ends."""
    person, consent = shared
    Case.objects.create(organisation=pref.orgs.wakaba, person=person, number="若葉-2026-0099", number_year=2026,
                        number_seq=99, lead=pref.users.mallory, created_by=pref.users.mallory)
    mallory = pref.memberships.mallory
    assert not case_access.can_edit_object(mallory, person)
    actions.do_withdraw_consent(request=None, membership=pref.memberships.hana, consent=consent,
                                version=consent.version, method="oral")
    assert not case_access.persons_visible_to(mallory).filter(pk=person.pk).exists()
    client = client_for(pref.users.mallory)
    assert client.get(f"/api/cases/persons/{person.pk}").status_code == 404
    assert client.get(f"/cases/persons/{person.pk}/").status_code == 404


def test_consents_a_recipient_recorded_earlier_grant_nothing_and_the_holder_ends_them(pref, client_for, shared,
                                                                                      sakura):
    """Rows a recipient recorded before the rule (or by SQL) pass nothing on, are listed on the holder's
    register, and the holder ends them there."""
    person, _ = shared
    today = timezone.localdate()
    onward = Consent.objects.create(
        person=person, owner=pref.orgs.wakaba, recipient_kind="organisation", recipient_organisation=pref.orgs.sakuragawa,
        purpose="転居先", scopes=["基本情報"], valid_from=today, valid_until=today + dt.timedelta(days=30),
        method="oral", obtained_by=pref.users.mallory, obtained_at=timezone.now(), recorded_by=pref.users.mallory)
    disclosed = Disclosure.objects.create(
        person=person, owner=pref.orgs.wakaba, recipient=pref.orgs.sakuragawa, scopes=["基本情報"],
        legal_basis="apppi-69-2-3", justification="理由", disclosed_by=pref.users.mallory,
        valid_until=today + dt.timedelta(days=30))
    sakura_m = sakura.memberships.get()
    assert not case_access.persons_visible_to(sakura_m).filter(pk=person.pk).exists()
    hiro = client_for(pref.users.hiro)
    register = hiro.get(f"/consent/persons/{person.pk}/").content.decode()
    assert f"/consent/{onward.pk}/" in register and "同意を得た組織: 若葉町" in register
    assert f"/consent/disclosures/{disclosed.pk}/end/" in register
    withdrawn = hiro.post(f"/api/consent/consents/{onward.pk}/withdraw", {"method": "oral", "version": onward.version},
                          content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    ended = hiro.post(f"/api/consent/disclosures/{disclosed.pk}/end", {"reason": "提供元が誤って記録"},
                      content_type="application/json")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert AuditEvent.objects.filter(action="consent.withdrawn", actor=pref.users.hiro,
                                     person_id=str(person.pk)).exists()


def test_after_the_holder_withdraws_nobody_it_shared_with_keeps_reading(pref, client_for, shared):
    person, consent = shared
    mallory = client_for(pref.users.mallory)
    assert mallory.get(f"/cases/persons/{person.pk}/").status_code == 200
    actions.do_withdraw_consent(request=None, membership=pref.memberships.hana, consent=consent,
                                version=consent.version, method="oral")
    assert mallory.get(f"/cases/persons/{person.pk}/").status_code == 404
    assert mallory.get(f"/api/consent/persons/{person.pk}").status_code == 404
    assert Person.objects.filter(organisation=pref.orgs.wakaba).count() == 0


def test_the_holders_register_lists_every_other_grant_and_where_it_ends(pref, client_for, world):
    from renkei.conferences import actions as conf

    person, case = world["person"], world["case"]
    actions.do_open_breakglass(request=None, membership=pref.memberships.mallory, person=person,
                               reason="夜間に警察から保護の連絡があったため", legal_basis="apppi-27-1-2")
    case.co_workers.add(pref.users.sam, through_defaults={"membership": pref.memberships.sam})
    conf.do_add_team_member(request=None, membership=pref.memberships.alice, case=case, role="medical",
                            member_membership=pref.memberships.hana)
    page = client_for(pref.users.alice).get(f"/consent/persons/{person.pk}/").content.decode()
    for kind in ("緊急アクセス", "ケースの協働者", "支援チームの構成員"):
        assert f'data-grant="{kind}"' in page, kind
    assert "若葉 マロリー（若葉町）" in page and "センター サム" in page and "中央 はな（みどり県中央保健所）" in page
    assert f"/cases/{case.pk}/edit/" in page and f"/conferences/cases/{case.pk}/team/" in page
    # ended where the list says: the co-worker taken off the case loses the person at once
    assert case_access.persons_visible_to(pref.memberships.sam).filter(pk=person.pk).exists()
    case.refresh_from_db()
    case_actions.do_update_case(request=None, membership=pref.memberships.alice, case=case, version=case.version,
                                lead=case.lead, co_workers=[], complexity=case.complexity, needs=case.needs,
                                summary=case.summary)
    assert not case_access.persons_visible_to(pref.memberships.sam).filter(pk=person.pk).exists()
    assert 'data-grant="ケースの協働者"' not in client_for(pref.users.alice).get(
        f"/consent/persons/{person.pk}/").content.decode()
    # only the holder sees the list
    assert "data-grant=" not in client_for(pref.users.mallory).get(f"/consent/persons/{person.pk}/").content.decode()
