"""Who sees what. Every person-data URL of this app, for users inside and outside the owning organisation."""

import pytest
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases import access


@pytest.fixture
def world(pref, make_person, make_consultation, make_case, make_entry):
    person = make_person()
    consultation = make_consultation(person=person)
    case = make_case(person)
    entry = make_entry(case)
    return {"person": person, "consultation": consultation, "case": case, "entry": entry,
            "doc": entry.search_document}


def page_urls(w):
    p, c, k, e = w["person"].pk, w["consultation"].pk, w["case"].pk, w["entry"].pk
    return [
        ("get", reverse("cases:person_detail", args=[p])), ("get", reverse("cases:person_edit", args=[p])),
        ("post", reverse("cases:person_edit", args=[p])), ("get", reverse("cases:case_create", args=[p])),
        ("get", reverse("cases:consultation_create") + f"?person={p}"),
        ("get", reverse("cases:consultation_detail", args=[c])),
        ("post", reverse("cases:consultation_link", args=[c])),
        ("get", reverse("cases:case_detail", args=[k])), ("get", reverse("cases:case_edit", args=[k])),
        ("post", reverse("cases:case_status", args=[k])), ("post", reverse("cases:entry_create", args=[k])),
        ("get", reverse("cases:entry_amend", args=[e])), ("post", reverse("cases:entry_error", args=[e])),
        ("get", reverse("cases:search_open", args=[w["doc"].pk])),
    ]


def api_urls(w):
    p, c, k, e = w["person"].pk, w["consultation"].pk, w["case"].pk, w["entry"].pk
    return [
        ("get", f"/api/cases/persons/{p}"), ("put", f"/api/cases/persons/{p}"),
        ("get", f"/api/cases/consultations?person_id={p}"),
        ("get", f"/api/cases/consultations/{c}"), ("post", f"/api/cases/consultations/{c}/link"),
        ("get", f"/api/cases/cases/{k}"), ("put", f"/api/cases/cases/{k}"), ("post", f"/api/cases/cases/{k}/status"),
        ("get", f"/api/cases/cases/{k}/entries"), ("post", f"/api/cases/cases/{k}/entries"),
        ("get", f"/api/cases/entries/{e}"), ("put", f"/api/cases/entries/{e}"),
        ("post", f"/api/cases/entries/{e}/entered-in-error"),
    ]


API_BODIES = {
    "put": {"name": "x", "version": 1, "body": "x", "reason": "x", "lead_id": 1, "complexity": "normal"},
    "post": {"person_id": 1, "version": 1, "to_status": "assessment", "kind": "other", "body": "x", "reason": "x"},
}


@pytest.mark.parametrize("username", ["mallory", "walter", "dave", "henry", "erin", "sam"])
def test_other_organisations_staff_get_404_on_every_person_url_and_api(pref, client_for, world, username):
    client = client_for(getattr(pref.users, username))
    for method, url in page_urls(world):
        assert getattr(client, method)(url).status_code == 404, (username, method, url)
    for method, url in api_urls(world):
        response = getattr(client, method)(url, API_BODIES.get(method, {}), content_type="application/json") \
            if method != "get" else client.get(url)
        assert response.status_code == 404, (username, method, url)


@pytest.mark.parametrize("username", ["mallory", "dave", "erin"])
def test_outsiders_find_nothing(pref, client_for, world, username):
    client = client_for(getattr(pref.users, username))
    expected = 200  # partners and peers may search what is shared with them (renkei.consent): here nothing
    response = client.get(reverse("cases:search"), {"q": "やまだ"})
    assert response.status_code == expected
    assert "山田" not in response.content.decode()
    data = client.get("/api/cases/search", {"q": "訪問"})
    assert data.status_code == expected
    if expected == 200:
        assert data.json()["persons"] == [] and data.json()["hits"] == []


def test_a_viewer_may_read_but_not_write(pref, client_for, world):
    client = client_for(pref.users.carol)
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 200
    assert client.get(reverse("cases:person_edit", args=[world["person"].pk])).status_code == 404
    assert client.post(reverse("cases:entry_create", args=[world["case"].pk]),
                       {"kind": "other", "body": "x", "occurred_at": "2026-01-01T10:00"}).status_code == 404
    assert client.post(f"/api/cases/cases/{world['case'].pk}/entries", {"kind": "other", "body": "x"},
                       content_type="application/json").status_code == 404


def test_a_co_worker_from_the_health_centre_sees_the_case_and_its_person(pref, client_for, world):
    from renkei.cases import actions

    case = world["case"]
    actions.do_update_case(request=None, membership=pref.memberships.alice, case=case, version=1,
                           lead=pref.users.alice, co_workers=[pref.users.hana], complexity="complex", needs={},
                           summary="")
    client = client_for(pref.users.hana)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:person_detail", args=[world["person"].pk])).status_code == 200
    assert client.get(f"/api/cases/cases/{case.pk}/entries").status_code == 200
    # …but hiro, hana's supervisor at the health centre, is not on the team.
    assert client_for(pref.users.hiro).get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("url_name,arg,action,groups", [
    ("cases:person_detail", "person", "person.viewed", ["基本情報", "相談・経過記録"]),
    ("cases:case_detail", "case", "case.viewed", ["基本情報", "相談・経過記録"]),
    ("cases:consultation_detail", "consultation", "consultation.viewed", ["相談・経過記録"]),
])
def test_every_page_read_writes_an_audit_entry_naming_the_person(pref, client_for, world, url_name, arg, action,
                                                                 groups):
    client_for(pref.users.carol).get(reverse(url_name, args=[world[arg].pk]))
    event = AuditEvent.objects.filter(action=action).latest("id")
    assert (event.actor, event.person_id, event.field_groups) == (pref.users.carol, str(world["person"].pk), groups)
    assert event.organisation == pref.orgs.aoba and event.purpose


@pytest.mark.parametrize("path,action", [
    ("/api/cases/persons/{person}", "person.viewed"), ("/api/cases/cases/{case}", "case.viewed"),
    ("/api/cases/consultations/{consultation}", "consultation.viewed"), ("/api/cases/entries/{entry}", "record.viewed"),
    ("/api/cases/cases/{case}/entries", "record.listed"),
])
def test_every_api_read_writes_an_audit_entry(pref, client_for, world, path, action):
    url = path.format(**{k: v.pk for k, v in world.items()})
    assert client_for(pref.users.alice).get(url).status_code == 200
    assert AuditEvent.objects.filter(action=action, person_id=str(world["person"].pk), actor=pref.users.alice).exists()


def test_writes_are_audited_with_person_and_field_groups(pref, world):
    for action in ["person.created", "consultation.created", "case.opened", "record.created"]:
        event = AuditEvent.objects.get(action=action)
        assert event.person_id == str(world["person"].pk) and event.field_groups


def test_a_later_layer_can_add_visibility_in_one_place(pref, world):
    from django.db.models import Q

    mallory = pref.memberships.mallory
    assert not access.persons_visible_to(mallory).exists()

    def consent_grant(m, prefix=""):
        return Q(**{f"{prefix}pk": world["person"].pk}) if m.organisation_id == pref.orgs.wakaba.pk else access.NOTHING

    access.register_grant("person", consent_grant)
    try:
        assert list(access.persons_visible_to(mallory)) == [world["person"]]
        assert not access.cases_visible_to(mallory).exists()
    finally:
        access.unregister_grant("person", consent_grant)
