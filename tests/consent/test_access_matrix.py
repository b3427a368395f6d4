"""The access matrix, built from the URL resolver so that a new route is covered by construction.

1. Every path parameter of every page and API route is classified: either it names person-level data
   (`ID_PARAMS`: a person, case, consultation, record entry, search document, consent, disclosure,
   referral, support-team member, conference, attendee, action item, discharge plan, pathway step,
   visit-support request, outreach visit, break-glass access) or it names something that is not (`NOT_PERSON_PARAMS`: staff,
   the agency directory, one's own notifications, the 地域づくり records). A route with a new parameter fails the test until
   it is classified, so new routes cannot slip through.
2. Every route with a person-data id — of every app: cases, consent, audit, referrals (pages, API, FHIR),
   conferences, discharge — answers 404 to an outsider (another organisation's caseworker without
   consent), for GET and for every write method, with real ids of real records.
3. Every GET person-data route the owning organisation's worker opens wrote an audit entry naming the
   person.
4. For every such GET route of the person-record apps (cases pages and API, consent register, audit
   report), each relationship gets what its shared scopes allow — a route is a *read* when a same-
   organisation viewer may open it — and every allowed read wrote an audit entry naming the person.
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation, OrganisationType, User
from renkei.audit.models import AuditEvent
from renkei.cases.models import Case
from renkei.consent import actions
from renkei.consent.models import BreakGlassAccess, Consent

ID_PARAMS = {"person_id": "person", "case_id": "case", "consultation_id": "consultation", "entry_id": "entry",
             "document_id": "doc", "consent_id": "consent", "disclosure_id": "disclosure",
             "referral_id": "referral", "member_id": "member", "conference_id": "conference",
             "attendee_id": "attendee", "item_id": "item", "plan_id": "plan", "number": "version",
             "step_id": "step", "request_id": "visit_request", "visit_id": "visit", "access_id": "breakglass",
             "report_id": "admission_report", "admission_id": "admission"}
# Path parameters that name no person-level data of someone else: staff memberships (staff management),
# the HSDS agency directory, and one's own notifications (looked up by the requesting user).
NOT_PERSON_PARAMS = {"membership_id", "organization_id", "service_id", "schedule_id", "sal_id", "taxonomy_id",
                     "term_id", "notification_id",
                     # 地域づくり: groups, their support log, 普及啓発 and meetings hold no person data (counts and
                     # organisations only); their 404 for other offices is tested in tests/network.
                     "group_id", "support_id", "outreach_id", "meeting_id"}
# Kinds whose routes show a registered person (the visit-support programme names the patient only by the
# request's own fields, so its reads are audited against the request, not a person).
PERSONLESS_KINDS = {"visit_request"}
# Entry forms whose GET shows only the person's name above an empty (or own-write) form; the write they
# lead to is audited. Any other GET route that answers 200 must write a read entry naming the person.
ENTRY_FORMS = {"cases/persons/<int:person_id>/cases/new/",
               "consent/persons/<int:person_id>/new/", "consent/persons/<int:person_id>/disclosures/new/",
               "referrals/case/<int:case_id>/new/", "conferences/cases/<int:case_id>/team/purpose/",
               "conferences/cases/<int:case_id>/new/", "discharge/cases/<int:case_id>/plan/new/",
               "discharge/cases/<int:case_id>/visits/new/"}
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
        # the required fields, and those the generic body would fill with a value the schema may refuse (a code)
        return {k: _sample(v, components) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", []) or k in API_BODY}
    if kind == "array":
        return [_sample(schema.get("items", {}), components)]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    return {"date": "2026-01-01", "date-time": "2026-01-01T10:00:00+09:00"}.get(schema.get("format"), "x")


def api_body(pattern: str, method: str = "post"):
    from renkei.api import api

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


def _params(pattern: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", pattern)


def person_routes() -> list[str]:
    """Every route with a person-data id, deduplicated (ninja lists one path per method)."""
    found = []
    for pattern in _routes():
        if any(name in ID_PARAMS for name in _params(pattern)) and pattern not in found:
            found.append(pattern)
    return found


def concrete(pattern: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        return str(ids[ID_PARAMS[name]]) if name in ID_PARAMS else OTHER_ID
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, pattern.replace("^", "").replace("$", "").replace("\\Z", ""))


def kind_of(pattern: str) -> str:
    names = [n for n in _params(pattern) if n in ID_PARAMS]
    return ID_PARAMS[names[0]]


def _hospital(pref):
    org = Organisation.objects.create(code="midori-hospital", name="県立みどり病院", kana="ケンリツミドリビョウイン",
                                      type=OrganisationType.objects.get(code="psychiatric_hospital"), is_public=True,
                                      municipality=pref.orgs.aoba)
    officer = User.objects.create_user(username="yoshida", password=pref.password, display_name="吉田 翔",
                                       kana="ヨシダ ショウ")
    Membership.objects.create(user=officer, organisation=org, role="partner", title="退院後生活環境相談員")
    return org, officer


def _other_apps_records(pref, world) -> dict:
    """One real record of every other person-data kind, around world's case (青葉市, alice). The sharing
    they need goes to organisations none of the relationships below acts in (保健所, the hospital)."""
    from renkei.admissions import actions as admissions
    from renkei.conferences import actions as conf
    from renkei.discharge import actions as plans
    from renkei.discharge import work_actions as work
    from renkei.referrals import actions as referrals

    alice, case, today = pref.memberships.alice, world["case"], timezone.localdate()
    later = (timezone.localtime() + dt.timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    referral = referrals.do_create_referral(
        request=None, membership=alice, case=case, to_organisation=pref.orgs.hc, purpose="同行訪問の依頼",
        asks=["accept"], scopes=["基本情報", "相談・経過記録"], basis="legal", legal_basis="apppi-69-2-3",
        justification="保健所の精神保健福祉法に基づく相談支援のため（相当の理由あり）", send=True)
    disclosure = referral.person.disclosures.get()
    member = conf.do_add_team_member(request=None, membership=alice, case=case, role="medical",
                                     member_membership=pref.memberships.hana)
    conference = conf.do_create_conference(request=None, membership=alice, case=case, data={
        "kind": "pre_discharge", "starts_at": later, "place": "青葉市役所 会議室", "agenda": "退院後の生活"})
    attendee = conf.do_add_attendee(request=None, membership=alice, conference=conference,
                                    member_membership=pref.memberships.hana, role_label="保健所")
    item = conf.do_add_action_item(request=None, membership=alice, conference=conference, description="訪問の日程",
                                   owner=pref.users.hana, due_date=today + dt.timedelta(days=7))
    hospital, officer = _hospital(pref)
    actions.do_record_consent(
        request=None, membership=alice, person=world["person"], recipient_kind="organisation",
        recipient_organisation=hospital, purpose="退院後支援計画の作成と実施", scopes=["支援計画"], valid_from=today,
        valid_until=today + dt.timedelta(days=200), method="written", obtained_at=timezone.now(), note="同意書")
    plan = plans.do_create_plan(request=None, membership=alice, case=case, data={
        "hospital": hospital.pk, "ward": "第3病棟", "discharge_officer": officer.pk,
        "expected_discharge_on": today + dt.timedelta(days=30), "wishes": "一人暮らしをしたい。",
        "family_views": "母は応援している。", "needs": "服薬の継続。",
        "support_items": [{"content": "相談支援", "organisation_id": pref.orgs.aoba.pk, "contact": ""}],
        "crisis_plan": "眠れない日が続いたら病院へ電話する。", "contacts": "青葉市 障害福祉課"})
    step = work.do_start_pathway(request=None, membership=alice, case=case).steps.first()
    visit = work.do_plan_visit(request=None, membership=alice, case=case, kind="outreach", planned_at=later,
                               purpose="生活の確認", category="rehabilitation", staff=[pref.users.alice, pref.users.bob])
    visit_request = work.do_receive_request(request=None, membership=pref.memberships.sam, data={
        "patient_name": "石田 勝", "patient_age": 67, "hospital": hospital.pk, "ward": "第2病棟",
        "admission_type": "medical_protection_mayor", "source": "discharge_officer", "requester_name": "吉田 翔",
        "received_on": today, "request_note": "話し相手として面会を希望"})
    # a break-glass access that ran out (the holder's page to end one early still shows it; it opens nothing)
    glass = BreakGlassAccess.objects.create(
        person=world["person"], user=pref.users.sam, organisation=pref.orgs.centre, reason="夜間の保護の連絡のため",
        legal_basis="apppi-27-1-2", started_at=timezone.now() - dt.timedelta(hours=3),
        expires_at=timezone.now() - dt.timedelta(hours=1))
    # a 警察官通報 the 保健所 received about the person (seen there through the referral's disclosure), decided
    # 措置入院: the register and the inpatient's documents are the 保健所's alone
    report = admissions.do_receive_report(request=None, membership=pref.memberships.hana, data={
        "kind": "23", "received_at": timezone.now() - dt.timedelta(hours=3), "reporter": "みどり中央警察署",
        "person_id": world["person"].pk, "place": "駅前", "symptoms": "興奮して大声を出している"})
    admission = admissions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": "measure", "hospital": "県立みどり病院", "admitted_at": timezone.now() - dt.timedelta(hours=1),
        "person_id": world["person"].pk})
    return {"admission_report": report.pk, "admission": admission.pk, "breakglass": glass.pk, "disclosure": disclosure.pk, "referral": referral.pk, "member": member.pk, "conference": conference.pk,
            "attendee": attendee.pk, "item": item.pk, "plan": plan.pk, "version": 1, "step": step.pk,
            "visit": visit.pk, "visit_request": visit_request.pk}


@pytest.fixture
def ids(world, pref):
    consent = actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="organisation",
        recipient_organisation=pref.orgs.housing, purpose="住まいの支援", scopes=["基本情報"],
        valid_from=timezone.localdate(), valid_until=timezone.localdate() + dt.timedelta(days=60),
        method="oral", obtained_at=timezone.now(), note="口頭で説明し同意を得た")
    return {"person": world["person"].pk, "case": world["case"].pk, "consultation": world["consultation"].pk,
            "entry": world["entry"].pk, "doc": world["doc"].pk, "consent": consent.pk} | _other_apps_records(pref,
                                                                                                       world)


def test_every_path_parameter_is_classified_so_no_person_data_route_slips_through():
    unknown = {(pattern, name) for pattern in _routes() for name in _params(pattern)
               if name not in ID_PARAMS and name not in NOT_PERSON_PARAMS}
    assert not unknown, f"classify these path parameters in ID_PARAMS or NOT_PERSON_PARAMS: {sorted(unknown)}"
    assert ENTRY_FORMS <= set(person_routes()), ENTRY_FORMS - set(person_routes())


def test_the_matrix_covers_the_person_data_routes_of_every_app():
    routes = person_routes()
    for expected in ("cases/persons/<int:person_id>/", "cases/<int:case_id>/", "api/cases/persons/<person_id>",
                     "api/cases/entries/<entry_id>", "audit/person/<int:person_id>/", "consent/<int:consent_id>/",
                     "api/consent/persons/<person_id>", "consent/breakglass/<int:person_id>/",
                     "consent/disclosures/<int:disclosure_id>/end/", "api/consent/disclosures/<disclosure_id>/end",
                     "consent/breakglass/accesses/<int:access_id>/end/",
                     "api/consent/breakglass/accesses/<access_id>/end",
                     "referrals/<int:referral_id>/", "referrals/case/<int:case_id>/",
                     "api/referrals/<int:referral_id>", "api/fhir/ServiceRequest/<int:referral_id>",
                     "api/fhir/Task/<int:referral_id>", "conferences/cases/<int:case_id>/team/",
                     "conferences/<int:conference_id>/", "conferences/<int:conference_id>/minutes.pdf",
                     "api/conferences/<conference_id>", "conferences/actions/<int:item_id>/status/",
                     "discharge/plans/<int:plan_id>/", "discharge/plans/<int:plan_id>/pdf/",
                     "api/discharge/plans/<plan_id>", "discharge/visit-support/<int:request_id>/",
                     "discharge/visits/<int:visit_id>/", "api/discharge/steps/<step_id>",
                     "admissions/reports/<int:report_id>/", "api/admissions/reports/<report_id>",
                     "admissions/inpatients/<int:admission_id>/", "api/admissions/inpatients/<admission_id>"):
        assert expected in routes, expected
    apps = {pattern.split("/")[0] if not pattern.startswith("api/") else "/".join(pattern.split("/")[:2])
            for pattern in routes}
    assert {"cases", "consent", "audit", "referrals", "conferences", "discharge", "admissions", "api/cases",
            "api/consent", "api/referrals", "api/fhir", "api/conferences", "api/discharge", "api/admissions"} <= apps
    assert len(routes) >= 100


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


def test_the_owner_opens_the_records_of_every_app_and_every_read_names_the_person(pref, client_for, world, ids):
    """With real ids, the owning organisation's worker reads through every app (so the outsider's 404s
    above are about access, not about missing records); each read is on record naming the person."""
    client = client_for(pref.users.alice)
    person = str(world["person"].pk)
    opened, unaudited = set(), []
    for pattern in person_routes():
        before = AuditEvent.objects.filter(actor=pref.users.alice, person_id=person).count()
        if client.get(concrete(pattern, ids)).status_code != 200:
            continue
        opened.add(pattern)
        after = AuditEvent.objects.filter(actor=pref.users.alice, person_id=person).count()
        if kind_of(pattern) not in PERSONLESS_KINDS and pattern not in ENTRY_FORMS and after == before:
            unaudited.append(pattern)
    assert not unaudited, f"reads without an audit entry naming the person: {unaudited}"
    for expected in ("referrals/<int:referral_id>/", "referrals/case/<int:case_id>/", "api/referrals/<int:referral_id>",
                     "api/fhir/ServiceRequest/<int:referral_id>", "api/fhir/Task/<int:referral_id>",
                     "conferences/cases/<int:case_id>/team/", "conferences/<int:conference_id>/",
                     "api/conferences/<conference_id>", "discharge/cases/<int:case_id>/",
                     "discharge/plans/<int:plan_id>/", "api/discharge/plans/<plan_id>",
                     "discharge/visits/<int:visit_id>/", "consent/persons/<int:person_id>/",
                     "consent/breakglass/accesses/<int:access_id>/end/"):
        assert expected in opened, expected


# --- relationships --------------------------------------------------------------------------------------
def _consent(pref, world, org, scopes, **dates):
    today = timezone.localdate()
    return actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="organisation",
        recipient_organisation=org, purpose="支援のため", scopes=scopes, valid_from=today,
        valid_until=today + dt.timedelta(days=dates.get("days", 60)), method="written", obtained_at=timezone.now(),
        note="同意書あり")


def _sakura(pref):
    user = User.objects.create_user(username="sakura", password=pref.password, display_name="桜川 さくら",
                                    kana="サクラガワ サクラ")
    Membership.objects.create(user=user, organisation=pref.orgs.sakuragawa, role="caseworker")
    return user


def setup_relationship(name, pref, world):
    """Returns (user, scopes the user should see) or (user, scopes, the membership to act in)."""
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
        actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                    version=consent.version, method="oral")
        return pref.users.dave, set()
    if name == "consent expired":
        consent = _consent(pref, world, pref.orgs.vn, ["相談・経過記録"])
        Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=90),
                                                     valid_until=timezone.localdate() - dt.timedelta(days=1))
        return pref.users.dave, set()
    if name == "peer supporter without an assignment (the consent names the peer group)":
        _consent(pref, world, pref.orgs.peers, ["相談・経過記録"])
        return pref.users.erin, set()
    if name == "peer supporter assigned to the person's support team":
        from renkei.conferences import actions as conf

        member = conf.do_add_team_member(request=None, membership=pref.memberships.alice, case=world["case"],
                                         role="peer_support", member_membership=pref.memberships.erin)
        today = timezone.localdate()
        actions.do_record_consent(
            request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="support_team",
            recipient_team=member.team, purpose="支援チームでの支援", scopes=["基本情報"], valid_from=today,
            valid_until=today + dt.timedelta(days=60), method="written", obtained_at=timezone.now(), note="同意書")
        return pref.users.erin, {"person"}
    if name == "recipient that tried to pass the person on (consent recorded by the recipient)":
        _consent(pref, world, pref.orgs.wakaba, ["基本情報", "相談・経過記録"])
        sakura, today = _sakura(pref), timezone.localdate()
        with pytest.raises(ValidationError):
            actions.do_record_consent(
                request=None, membership=pref.memberships.mallory, person=world["person"],
                recipient_kind="organisation", recipient_organisation=pref.orgs.sakuragawa, purpose="転居先",
                scopes=["基本情報", "相談・経過記録"], valid_from=today, valid_until=today + dt.timedelta(days=30),
                method="oral", obtained_at=timezone.now(), note="口頭")
        Consent.objects.create(  # as recorded before the rule: it passes nothing on
            person=world["person"], owner=pref.orgs.wakaba, recipient_kind="organisation",
            recipient_organisation=pref.orgs.sakuragawa, purpose="転居先", scopes=["基本情報", "相談・経過記録"],
            valid_from=today, valid_until=today + dt.timedelta(days=30), method="oral",
            obtained_by=pref.users.mallory, obtained_at=timezone.now(), recorded_by=pref.users.mallory)
        return sakura, set()
    if name == "recipient with its own case on the person, after the consent ended":
        consent = _consent(pref, world, pref.orgs.wakaba, ["基本情報", "相談・経過記録"])
        Case.objects.create(organisation=pref.orgs.wakaba, person=world["person"], number="若葉-2026-0099",
                            number_year=2026, number_seq=99, lead=pref.users.mallory, created_by=pref.users.mallory)
        actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                    version=consent.version, method="oral")
        return pref.users.mallory, set()
    if name == "co-worker of another organisation's case":
        world["case"].co_workers.add(pref.users.sam, through_defaults={"membership": pref.memberships.sam})
        return pref.users.sam, {"person", "records"}
    if name == "co-worker acting in their other membership (閲覧 at the センター)":
        # given to her 保健所 相談員 membership
        world["case"].co_workers.add(pref.users.hana, through_defaults={"membership": pref.memberships.hana})
        return pref.users.hana, set(), pref.all_memberships["hana"][1]
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
                 "consent expired", "peer supporter without an assignment (the consent names the peer group)",
                 "peer supporter assigned to the person's support team",
                 "recipient that tried to pass the person on (consent recorded by the recipient)",
                 "recipient with its own case on the person, after the consent ended",
                 "co-worker of another organisation's case",
                 "co-worker acting in their other membership (閲覧 at the センター)", "without consent", "break-glass"]
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
    user, allowed, *acting = setup_relationship(relationship, pref, world)
    client = client_for(user, *acting)
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
    if user not in (pref.users.carol, pref.users.mallory) and relationship != "co-worker of another organisation's case":
        for pattern, url in others:
            assert client.get(url).status_code in (404, 405), (relationship, pattern)
