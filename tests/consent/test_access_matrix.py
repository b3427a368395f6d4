"""The access matrix, built from the URL resolver so that a new route is covered by construction.

1. Every page and API route of the project whose path carries a person, case, consultation, record entry,
   search document or consent id answers 404 to an outsider (another organisation's caseworker without
   consent), for GET and for POST.
2. For every such GET route of the person-record apps (cases pages and API, consent register, audit
   report), each relationship gets what its shared scopes allow — a route is a *read* when a same-
   organisation viewer may open it — and every allowed read wrote an audit entry naming the person.
"""

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent import actions
from renkei.consent.models import BreakGlassAccess, Consent

ID_PARAMS = {"person_id": "person", "case_id": "case", "consultation_id": "consultation", "entry_id": "entry",
             "document_id": "doc", "consent_id": "consent"}
RECORD_KINDS = {"case", "consultation", "entry", "doc"}
OTHER_ID = "999999"
# A body most write endpoints accept, so that the access check (not the schema) answers; extra keys are ignored.
API_BODY = {"person_id": 1, "version": 1, "to_status": "assessment", "kind": "other", "body": "x", "reason": "x",
            "method": "oral", "recipient_id": 1, "legal_basis": "law", "scopes": ["基本情報"], "purpose": "x",
            "valid_from": "2026-01-01", "valid_until": "2030-01-01", "name": "x", "birth_date": "1990-01-01",
            "lead_id": 1, "complexity": "normal", "category": "x", "content": "x"}


def _sample(schema: dict, components: dict):
    """A minimal instance of a JSON schema (OpenAPI), so the access check — not the schema — answers."""
    if "$ref" in schema:
        return _sample(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return _sample(next((s for s in schema["anyOf"] if s.get("type") != "null"), {}), components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: _sample(v, components) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if kind == "array":
        return [_sample(schema.get("items", {}), components)]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    return {"date": "2026-01-01", "date-time": "2026-01-01T10:00:00+09:00"}.get(schema.get("format"), "x")


def api_body(pattern: str, method: str = "post"):
    from renkei.core.api import api

    openapi = api.get_openapi_schema()
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
    operation = openapi["paths"].get(path, {}).get(method, {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    # schema names may repeat across apps (ninja keeps one), so the generic body fills what a sample misses
    return API_BODY | (_sample(schema, openapi["components"]["schemas"]) if schema else {})


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def person_routes() -> list[str]:
    """Every route with a person-data id, deduplicated (ninja lists one path per method)."""
    found = []
    for pattern in _routes():
        names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        if any(name in ID_PARAMS for name in names) and pattern not in found:
            found.append(pattern)
    return found


def concrete(pattern: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        return str(ids[ID_PARAMS[name]]) if name in ID_PARAMS else OTHER_ID
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, pattern.replace("^", "").replace("$", "").replace("\\Z", ""))


def kind_of(pattern: str) -> str:
    names = [n for n in re.findall(r"<(?:\w+:)?(\w+)>", pattern) if n in ID_PARAMS]
    return ID_PARAMS[names[0]]


@pytest.fixture
def ids(world, pref):
    consent = actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="organisation",
        recipient_organisation=pref.orgs.housing, purpose="住まいの支援", scopes=["基本情報"],
        valid_from=timezone.localdate(), valid_until=timezone.localdate() + dt.timedelta(days=60),
        method="oral", obtained_at=timezone.now(), note="口頭で説明し同意を得た")
    return {"person": world["person"].pk, "case": world["case"].pk, "consultation": world["consultation"].pk,
            "entry": world["entry"].pk, "doc": world["doc"].pk, "consent": consent.pk}


def test_the_matrix_covers_the_person_data_routes_of_every_app():
    routes = person_routes()
    for expected in ("cases/persons/<int:person_id>/", "cases/<int:case_id>/", "api/cases/persons/<person_id>",
                     "api/cases/entries/<entry_id>", "audit/person/<int:person_id>/", "consent/<int:consent_id>/",
                     "api/consent/persons/<person_id>", "consent/breakglass/<int:person_id>/"):
        assert expected in routes, expected
    assert len(routes) >= 30


def test_an_outsider_gets_404_on_every_person_data_route(pref, client_for, ids):
    client = client_for(pref.users.mallory)
    checked = 0
    for pattern in person_routes():
        url = concrete(pattern, ids)
        answers = {}
        api = pattern.startswith("api/")
        for method in ("get", "post", "put", "patch", "delete") if api else ("get", "post"):
            if method == "get":
                response = client.get(url)
            elif api:
                response = getattr(client, method)(url, api_body(pattern, method), content_type="application/json")
            else:
                response = client.post(url)
            answers[method] = response.status_code
        # 405: the route does not take that method; 422: the payload does not fit the endpoint's schema —
        # both are answered before any lookup, so they reveal nothing about the record
        assert set(answers.values()) <= {404, 405, 422} and 404 in answers.values(), (pattern, answers)
        checked += 1
    assert checked == len(person_routes())


# --- relationships --------------------------------------------------------------------------------------
def _consent(pref, world, org, scopes, **dates):
    today = timezone.localdate()
    return actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="organisation",
        recipient_organisation=org, purpose="支援のため", scopes=scopes, valid_from=today,
        valid_until=today + dt.timedelta(days=dates.get("days", 60)), method="written", obtained_at=timezone.now(),
        note="同意書あり")


def setup_relationship(name, pref, world):
    """Returns (user, scopes the user should see)."""
    if name == "same organisation (viewer)":
        return pref.users.carol, {"person", "records"}
    if name == "consent for 基本情報":
        _consent(pref, world, pref.orgs.vn, ["基本情報"])
        return pref.users.dave, {"person"}
    if name == "consent for 相談・経過記録":
        _consent(pref, world, pref.orgs.vn, ["相談・経過記録"])
        return pref.users.dave, {"person", "records"}
    if name == "consent for another scope (医療情報 only with another organisation)":
        _consent(pref, world, pref.orgs.housing, ["医療情報"])
        return pref.users.dave, set()
    if name == "consent withdrawn":
        consent = _consent(pref, world, pref.orgs.vn, ["相談・経過記録"])
        actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent, method="oral")
        return pref.users.dave, set()
    if name == "consent expired":
        consent = _consent(pref, world, pref.orgs.vn, ["相談・経過記録"])
        Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=90),
                                                     valid_until=timezone.localdate() - dt.timedelta(days=1))
        return pref.users.dave, set()
    if name == "peer supporter named with 相談・経過記録":
        _consent(pref, world, pref.orgs.peers, ["相談・経過記録"])
        return pref.users.erin, {"person"}
    if name == "without consent":
        return pref.users.sam, set()
    if name == "break-glass":
        now = timezone.now()
        BreakGlassAccess.objects.create(person=world["person"], user=pref.users.mallory,
                                        organisation=pref.orgs.wakaba, reason="夜間の警察からの保護連絡",
                                        legal_basis="apppi-27-1-2", expires_at=now + dt.timedelta(hours=4))
        return pref.users.mallory, {"person", "records"}
    raise AssertionError(name)


RELATIONSHIPS = ["same organisation (viewer)", "consent for 基本情報", "consent for 相談・経過記録",
                 "consent for another scope (医療情報 only with another organisation)", "consent withdrawn",
                 "consent expired", "peer supporter named with 相談・経過記録", "without consent", "break-glass"]
READ_APPS = ("cases/", "api/cases/", "consent/persons/", "api/consent/persons/", "audit/")


def read_routes(client_same_org, ids):
    """GET routes a same-organisation viewer may open: the reads. Others (edit forms, manager pages)
    need permissions no partner has, and must answer 404 to every relationship below."""
    reads, others = [], []
    for pattern in person_routes():
        if not pattern.startswith(READ_APPS) or kind_of(pattern) == "consent":
            continue
        url = concrete(pattern, ids)
        status = client_same_org.get(url).status_code
        (reads if status in (200, 302) else others).append((pattern, url))
    return reads, others


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_each_relationship_sees_what_its_scopes_allow_and_every_read_is_audited(pref, client_for, world, ids,
                                                                                relationship):
    reads, others = read_routes(client_for(pref.users.carol), ids)
    assert len(reads) >= 8
    user, allowed = setup_relationship(relationship, pref, world)
    client = client_for(user)
    for pattern, url in reads:
        need = "records" if kind_of(pattern) in RECORD_KINDS else "person"
        before = AuditEvent.objects.filter(actor=user, person_id=str(world["person"].pk)).count()
        status = client.get(url).status_code
        if need in allowed:
            assert status in (200, 302), (relationship, pattern, status)
            after = AuditEvent.objects.filter(actor=user, person_id=str(world["person"].pk)).count()
            assert after > before, (relationship, pattern, "read without an audit entry")
        else:
            assert status == 404, (relationship, pattern, status)
    # Under break-glass the worker's own role applies to the opened record (a caseworker may record the
    # emergency response); everyone else must get 404 on the edit and manager routes.
    if user not in (pref.users.carol, pref.users.mallory):
        for pattern, url in others:
            assert client.get(url).status_code in (404, 405), (relationship, pattern)
