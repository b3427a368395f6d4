"""Demo みどり県 (data/demo.json): scenario 2's 退院後支援計画 for 川口 美和 (six months, crisis plan, review at
three months, agreed at the 退院前会議, handed to 若葉町 on relocation with her consent) and her community
transition pathway; scenario 5's 入院者訪問支援 request for 石田 勝 (67, 医療保護入院 with 市町村長同意, wish
confirmed by phone, two trained 訪問支援員, report); a planned accompanied outreach visit. Adds the
prefecture's programme officer and a 訪問支援員 as demo users. Idempotent: rows are found by stable keys."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from renkei.accounts.models import Department, Membership, User
from renkei.cases.models import Case, Person
from renkei.consent.models import Consent
from renkei.consent.reference import with_required

from . import reference
from .models import (
    DischargePlan,
    OutreachVisit,
    Pathway,
    PathwayStep,
    PlanAgreement,
    PlanHandover,
    PlanReview,
    PlanVersion,
    Supporter,
    VisitAssignment,
    VisitSupportRequest,
)

DATA = Path(__file__).parent / "data" / "demo.json"


def _at(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text)) if text else None


def _day(text):
    return dt.date.fromisoformat(text) if text else None


def _case(ctx, spec):
    person = Person.objects.filter(organisation=ctx.orgs[spec["org"]], name=spec["name"]).first()
    return Case.objects.filter(person=person, organisation=ctx.orgs[spec["org"]]).first() if person else None


def _user(ctx, spec, org_code):
    user = User.objects.filter(username=spec["username"]).first()
    if user is None:
        user = User(username=spec["username"], display_name=spec["display_name"], kana=spec["kana"])
        user.set_password(ctx.data["password"])
        user.save()
        ctx.note(True)
    org = ctx.orgs[org_code]
    dept = Department.objects.filter(organisation=org, name=spec.get("department", "")).first()
    _, changed = ctx.upsert(Membership, {"user": user, "organisation": org},
                            {"role": spec["role"], "department": dept, "title": spec.get("title", "")})
    ctx.note(changed)
    ctx.users[user.username] = user
    return user


def _plan(ctx, spec):
    case = _case(ctx, spec["person"])
    if case is None:
        return None
    hc, by = case.organisation, ctx.users[spec["by"]]
    consent = (Consent.objects.filter(person=case.person, owner=hc, scope_index__contains=f"|{reference.plan_scope()}|")
               .order_by("valid_from", "id").first())
    if consent is None:
        return None
    plan, changed = ctx.upsert(DischargePlan, {"case": case}, {
        "person": case.person, "organisation": hc, "consent": consent, "created_by": by,
        "created_at": _at(spec["created_at"])})
    ctx.note(changed)
    version = plan.versions.filter(number=1).first()
    if version is None:
        version = PlanVersion.objects.create(
            plan=plan, number=1, hospital=ctx.orgs[spec["hospital"]], ward=spec["ward"],
            discharge_officer=ctx.users[spec["officer"]], expected_discharge_on=_day(spec["expected_discharge_on"]),
            wishes=spec["wishes"], family_views=spec["family_views"], needs=spec["needs"],
            support_items=[{"content": i["content"], "organisation_id": ctx.orgs[i["org"]].pk,
                            "organisation": ctx.orgs[i["org"]].name, "contact": i["contact"]}
                           for i in spec["support_items"]],
            crisis_plan=spec["crisis_plan"], contacts=spec["contacts"], period_start=_day(spec["period_start"]),
            period_end=_day(spec["period_end"]), review_dates=spec["review_dates"], created_by=by,
            created_at=_at(spec["created_at"]))
        ctx.note(True)
    a = spec["agreement"]
    from renkei.conferences.models import Conference

    conference = Conference.objects.filter(case=case, kind=a["meeting_kind"]).order_by("starts_at").first()
    _, changed = ctx.upsert(PlanAgreement, {"version": version}, {
        "agreed_on": _day(a["agreed_on"]), "meeting_kind": a["meeting_kind"], "meeting_form": a["meeting_form"],
        "attendees": a["attendees"], "conference": conference, "recorded_by": by,
        "recorded_at": _at(spec["created_at"])})
    ctx.note(changed)
    r = spec["review"]
    _, changed = ctx.upsert(PlanReview, {"plan": plan, "held_on": _day(r["held_on"])}, {
        "version_number": 1, "scheduled_for": _day(spec["review_dates"][0]), "outcome": r["outcome"],
        "extension_consented": r["extension_consented"], "recorded_by": by, "recorded_at": _at(f"{r['held_on']}T17:00")})
    ctx.note(changed)
    h = spec["handover"]
    c = h["consent"]
    to_org = ctx.orgs[h["to"]]
    handover_consent, changed = ctx.upsert(Consent, {
        "person": case.person, "owner": hc, "recipient_kind": "organisation", "recipient_organisation": to_org,
        "purpose": c["purpose"]}, {
        "scopes": with_required([reference.plan_scope()]), "valid_from": _day(c["valid_from"]),
        "valid_until": _day(c["valid_until"]), "method": "written", "obtained_by": by,
        "obtained_at": _at(c["obtained_at"]), "note": c["note"], "recorded_by": by})
    ctx.note(changed)
    _, changed = ctx.upsert(PlanHandover, {"plan": plan, "to_organisation": to_org}, {
        "from_organisation": hc, "consent": handover_consent, "note": h["note"], "handed_by": by,
        "handed_at": _at(h["at"])})
    ctx.note(changed)
    _, changed = ctx.upsert(DischargePlan, {"pk": plan.pk}, {"status": "handed_over", "current_number": 1})
    ctx.note(changed)
    return case


def _pathway(ctx, case, spec):
    pathway, changed = ctx.upsert(Pathway, {"case": case}, {
        "template_version": reference.load("pathway")["version"], "started_by": case.lead,
        "started_at": case.opened_at})
    ctx.note(changed)
    for order, step in enumerate(reference.pathway_steps(), start=1):
        status = "done" if step["code"] in spec["done"] else (
            "in_progress" if step["code"] in spec["in_progress"] else "todo")
        owner = ctx.orgs.get(spec["owners"].get(step["code"]))
        _, changed = ctx.upsert(PathwayStep, {"pathway": pathway, "code": step["code"]}, {
            "name": step["name"], "partner": step["partner"], "order": order, "status": status,
            "owner_organisation": owner})
        ctx.note(changed)


def _visit_support(ctx, spec):
    operator = ctx.orgs[spec["operator"]]
    office = _user(ctx, spec["office_user"], spec["operator"])
    for u in spec["supporter_users"]:
        _user(ctx, u, u["org"])
    supporters = {}
    for s in spec["supporters"]:
        supporter, changed = ctx.upsert(Supporter, {"operator": operator, "name": s["name"]}, {
            "kana": s["kana"], "user": ctx.users.get(s["user"]) if s["user"] else None,
            "affiliation": s["affiliation"], "trained_on": _day(s["trained_on"]), "secrecy_pledged": s["pledged"],
            "registered_on": _day(s["trained_on"]) or dt.date(2026, 7, 1)})
        ctx.note(changed)
        supporters[s["name"]] = supporter
    r = spec["request"]
    person = Person.objects.filter(organisation=ctx.orgs[r["person"]["org"]], name=r["person"]["name"]).first()
    req, changed = ctx.upsert(VisitSupportRequest, {"operator": operator, "patient_name": r["patient_name"],
                                                    "received_on": _day(r["received_on"])}, {
        "person": person, "patient_age": r["patient_age"], "hospital": ctx.orgs[r["hospital"]], "ward": r["ward"],
        "admission_type": r["admission_type"], "source": r["source"], "requester_name": r["requester_name"],
        "request_note": r["request_note"], "wish_confirmed_on": _day(r["wish_confirmed_on"]),
        "wish_method": r["wish_method"], "wish_confirmed_by": office, "wish_note": r["wish_note"],
        "visit_at": _at(r["visit_at"]), "hospital_contact": r["hospital_contact"],
        "report": r["report"], "reported_on": _day(r["reported_on"]), "report_by": supporters[r["supporters"][0]].user,
        "status": "reported", "created_by": office, "created_at": _at(f"{r['received_on']}T10:00")})
    ctx.note(changed)
    for name in r["supporters"]:
        _, changed = ctx.upsert(VisitAssignment, {"request": req, "supporter": supporters[name]}, {
            "assigned_by": office, "assigned_at": _at(f"{r['wish_confirmed_on']}T15:00")})
        ctx.note(changed)


def _outreach(ctx, spec):
    case = _case(ctx, spec["case"])
    if case is None:
        return
    visit, changed = ctx.upsert(OutreachVisit, {"case": case, "planned_at": _at(spec["planned_at"])}, {
        "organisation": case.organisation, "kind": spec["kind"], "place": spec["place"], "purpose": spec["purpose"],
        "category": spec["category"], "created_by": ctx.users[spec["staff"][0]]})
    ctx.note(changed)
    for field, names in (("staff", spec["staff"]), ("companions", spec["companions"])):
        wanted = {ctx.users[n].pk for n in names}
        if set(getattr(visit, field).values_list("pk", flat=True)) != wanted:
            getattr(visit, field).set(wanted)
            ctx.note(True)


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    case = _plan(ctx, data["plan"])
    if case is not None:
        _pathway(ctx, case, data["pathway"])
    _visit_support(ctx, data["visit_support"])
    _outreach(ctx, data["outreach"])
