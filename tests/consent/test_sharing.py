"""Consent-scoped sharing across organisations, through the access layer (pages and API alike)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.cases import access as cases_access
from renkei.consent import access, actions
from renkei.consent.models import Consent

BASIC, RECORDS = "基本情報", "相談・経過記録"


def person_url(w):
    return reverse("cases:person_detail", args=[w["person"].pk])


def record_urls(w):
    return [reverse("cases:case_detail", args=[w["case"].pk]),
            reverse("cases:consultation_detail", args=[w["consultation"].pk]),
            f"/api/cases/cases/{w['case'].pk}", f"/api/cases/cases/{w['case'].pk}/entries",
            f"/api/cases/consultations/{w['consultation'].pk}", f"/api/cases/entries/{w['entry'].pk}"]


def test_scope_names_match_the_access_layer():
    from renkei.consent import reference

    assert reference.scope_codes()[:2] == [cases_access.BASIC, cases_access.RECORDS]


def test_a_partner_with_basic_information_sees_name_and_contact_but_not_records(pref, client_for, world, consent_to):
    consent_to(world["person"], organisation=pref.orgs.vn)
    client = client_for(pref.users.dave)
    page = client.get(person_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "山田 太郎" in html and "090-0000-0000" in html
    assert world["case"].number not in html and "ケース番号" not in html
    assert client.get(f"/api/cases/persons/{world['person'].pk}").json()["name"] == "山田 太郎"
    for url in record_urls(world):
        assert client.get(url).status_code == 404, url


def test_a_consent_to_an_organisation_type_covers_every_organisation_of_that_type(pref, client_for, world,
                                                                                consent_to):
    consent_to(world["person"], org_type=pref.orgs.vn.type, scopes=[RECORDS])
    assert client_for(pref.users.dave).get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 200
    assert client_for(pref.users.henry).get(person_url(world)).status_code == 404


def test_a_consent_to_one_organisation_does_not_cover_another(pref, client_for, world, consent_to):
    consent_to(world["person"], organisation=pref.orgs.housing, scopes=[RECORDS])
    assert client_for(pref.users.dave).get(person_url(world)).status_code == 404
    assert client_for(pref.users.henry).get(person_url(world)).status_code == 200
    assert client_for(pref.users.mallory).get(person_url(world)).status_code == 404


def test_records_scope_shows_the_records_of_the_consenting_organisation_only(pref, client_for, world, consent_to):
    from renkei.cases import actions as case_actions

    consent_to(world["person"], organisation=pref.orgs.hc)
    # the 保健所 sees the person and logs its own consultation (only the holder opens cases on them)
    hc_consultation = case_actions.do_log_consultation(request=None, membership=pref.memberships.hana, data={
        "occurred_at": timezone.now(), "channel": "phone", "consulter": "family", "category": "rehabilitation",
        "content": "保健所への電話", "person": world["person"]})
    consent_to(world["person"], organisation=pref.orgs.vn, scopes=[RECORDS])
    client = client_for(pref.users.dave)
    for url in record_urls(world):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("cases:consultation_detail", args=[hc_consultation.pk])).status_code == 404


def test_a_partner_cannot_write_even_with_records_shared(pref, client_for, world, consent_to):
    consent_to(world["person"], organisation=pref.orgs.vn, scopes=[RECORDS])
    client = client_for(pref.users.dave)
    assert client.post(reverse("cases:entry_create", args=[world["case"].pk]),
                       {"kind": "visit", "body": "x"}).status_code == 404
    assert client.post(f"/api/cases/cases/{world['case'].pk}/entries", {"kind": "visit", "body": "x"},
                       content_type="application/json").status_code == 404


def test_withdrawal_removes_access_on_the_next_request(pref, client_for, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn, scopes=[RECORDS])
    client = client_for(pref.users.dave)
    assert client.get(person_url(world)).status_code == 200
    actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                version=consent.version, method="oral")
    assert client.get(person_url(world)).status_code == 404
    for url in record_urls(world):
        assert client.get(url).status_code == 404, url


def test_an_expired_or_not_yet_valid_consent_gives_no_access(pref, client_for, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn, scopes=[RECORDS], days=10)
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=40),
                                                 valid_until=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(pref.users.dave)
    assert client.get(person_url(world)).status_code == 404
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() + dt.timedelta(days=1),
                                                 valid_until=timezone.localdate() + dt.timedelta(days=30))
    assert client.get(person_url(world)).status_code == 404
    assert access.scopes_shared_with(pref.memberships.dave, world["person"]) == set()


def test_a_peer_supporter_sees_basic_information_only_when_assigned_to_the_persons_support_team(
        pref, client_for, world, consent_to):
    from renkei.conferences import actions as conf

    client = client_for(pref.users.erin)
    consent_to(world["person"], org_type=pref.orgs.peers.type, scopes=[RECORDS])
    assert client.get(person_url(world)).status_code == 404
    consent_to(world["person"], organisation=pref.orgs.peers, scopes=[RECORDS])
    assert client.get(person_url(world)).status_code == 404  # a consent to the peer group assigns nobody
    member = conf.do_add_team_member(request=None, membership=pref.memberships.alice, case=world["case"],
                                     role="peer_support", member_membership=pref.memberships.erin)
    consent_to(world["person"], recipient_kind="support_team", recipient_team=member.team, scopes=[RECORDS])
    assert client.get(person_url(world)).status_code == 200
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 404
    assert access.scopes_shared_with(pref.memberships.erin, world["person"]) == {BASIC}


def test_reads_through_a_consent_are_logged_with_the_consent_and_the_visible_field_groups(
        pref, client_for, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    client_for(pref.users.dave).get(person_url(world))
    event = AuditEvent.objects.filter(action="person.viewed", actor=pref.users.dave).get()
    assert event.legal_basis == f"consent:{consent.pk}"
    assert event.field_groups == [BASIC]
    assert event.person_id == str(world["person"].pk)


def test_own_organisation_reads_carry_no_sharing_basis(pref, client_for, world):
    client_for(pref.users.alice).get(person_url(world))
    event = AuditEvent.objects.filter(action="person.viewed", actor=pref.users.alice).get()
    assert event.legal_basis == "" and event.field_groups == [BASIC, RECORDS]


def test_the_public_interface(pref, world, consent_to):
    person = world["person"]
    consent = consent_to(person, org_type=pref.orgs.vn.type, scopes=[RECORDS])
    assert list(access.active_consents(person, pref.orgs.vn)) == [consent]
    assert list(access.active_consents(person, pref.orgs.vn, scopes=["医療情報"])) == []
    assert access.sharing_basis(person, pref.orgs.vn, RECORDS) == consent
    assert access.sharing_basis(person, pref.orgs.housing, BASIC) is None
    assert access.scopes_shared_with(pref.memberships.dave, person) == {BASIC, RECORDS}
    assert access.scopes_shared_with(pref.memberships.alice, person) >= {BASIC, RECORDS, "医療情報"}
    assert access.scopes_shared_with(pref.memberships.henry, person) == set()
    assert access.basis_label(pref.memberships.dave, person) == f"consent:{consent.pk}"


def test_shared_persons_appear_in_the_partners_search(pref, client_for, world, consent_to):
    client = client_for(pref.users.dave)
    assert "山田" not in client.get(reverse("cases:search"), {"q": "やまだ"}).content.decode()
    consent_to(world["person"], organisation=pref.orgs.vn)
    assert "山田" in client.get(reverse("cases:search"), {"q": "やまだ"}).content.decode()


def _read_basis(client, world, user):
    before = AuditEvent.objects.filter(action="person.viewed", actor=user).count()
    assert client.get(person_url(world)).status_code == 200
    events = AuditEvent.objects.filter(action="person.viewed", actor=user).order_by("-id")
    assert events.count() == before + 1
    return events.first()


def test_the_basis_of_a_read_follows_a_later_consent_at_once_though_the_sources_are_kept(
        pref, client_for, world, consent_to):
    """The audit's sharing sources are reused across requests (renkei.cases.grant_cache): a consent recorded
    after a read is the basis of the next one, and a withdrawal ends the read."""
    first = consent_to(world["person"], organisation=pref.orgs.vn, days=30)
    client = client_for(pref.users.dave)
    assert _read_basis(client, world, pref.users.dave).legal_basis == f"consent:{first.pk}"
    later = consent_to(world["person"], organisation=pref.orgs.vn, days=90)
    assert _read_basis(client, world, pref.users.dave).legal_basis == f"consent:{later.pk}"
    actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=later,
                                version=later.version, method="oral", note="本人の申出")
    assert _read_basis(client, world, pref.users.dave).legal_basis == f"consent:{first.pk}"


def test_too_many_sharing_sources_to_keep_give_the_same_bases(pref, client_for, world, consent_to, monkeypatch):
    from renkei.cases import grant_cache

    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    monkeypatch.setattr(access, "READ_SOURCES_LIMIT", 0)
    grant_cache.clear()
    event = _read_basis(client_for(pref.users.dave), world, pref.users.dave)
    assert event.legal_basis == f"consent:{consent.pk}" and event.field_groups == [BASIC]
