"""Demo: SCENARIOS.md scenario 2 — the support team of 川口 美和 (中央保健所's case), its shared purpose,
the 退院前会議 at 県立みどり病院 with each attendee's agreement, and action items for several owners
(data/demo.json). Her written consent to the attending organisations (基本情報・支援計画・会議記録) is
recorded too, so the partners can read the minutes. Idempotent: rows are found by stable keys."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.cases.models import Case, Person
from renkei.consent.models import Consent

from . import reference
from .models import ActionItem, Attendee, Conference, SupportTeam, TeamEvent, TeamMember

DATA = Path(__file__).parent / "data" / "demo.json"


def _at(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text)) if text else None


def _consents(ctx, person, spec):
    for code in spec["recipients"]:
        _, changed = ctx.upsert(Consent, {"person": person, "owner": ctx.orgs["chuo-hc"], "recipient_kind": "organisation",
                                          "recipient_organisation": ctx.orgs[code], "purpose": spec["purpose"]}, {
            "scopes": spec["scopes"], "valid_from": dt.date.fromisoformat(spec["valid_from"]),
            "valid_until": dt.date.fromisoformat(spec["valid_until"]), "method": spec["method"],
            "obtained_by": ctx.users[spec["obtained_by"]], "obtained_at": _at(spec["obtained_at"]),
            "note": spec["note"], "recorded_by": ctx.users[spec["obtained_by"]]})
        ctx.note(changed)


def _team(ctx, case, spec) -> SupportTeam:
    by = ctx.users[spec["set_by"]]
    team, changed = ctx.upsert(SupportTeam, {"case": case}, {
        "purpose": spec["purpose"], "goals": spec["goals"], "purpose_version": 1, "purpose_updated_by": by,
        "purpose_updated_at": _at(spec["set_at"]), "created_at": _at(spec["set_at"])})
    ctx.note(changed)
    for m in spec["members"]:
        user = ctx.users.get(m.get("user"))
        lookup = {"team": team, "user": user, "organisation": ctx.orgs.get(m.get("org")), "name": m.get("name", "")}
        acknowledged = _at(m["acknowledged"])
        member, changed = ctx.upsert(TeamMember, lookup, {
            "organisation_label": m.get("organisation_label", ""), "role": m["role"], "added_by": by,
            "added_at": _at(spec["set_at"]), "acknowledged_version": 1 if acknowledged else 0,
            "acknowledged_at": acknowledged, "acknowledgement_recorded_by": (user or by) if acknowledged else None})
        ctx.note(changed)
        if not TeamEvent.objects.filter(team=team, member=member, kind="added").exists():
            TeamEvent.objects.create(team=team, member=member, kind="added", by=by, at=_at(spec["set_at"]),
                                     text=f"支援チームに {member.display_name}（{member.organisation_name}・"
                                          f"{member.role_name}）を加えました。")
            ctx.note(True)
    return team


def _conference(ctx, case, spec):
    convener = ctx.users[spec["convener"]]
    conference, changed = ctx.upsert(Conference, {"case": case, "kind": spec["kind"], "starts_at": _at(spec["starts_at"])}, {
        "title": spec["title"], "ends_at": _at(spec["ends_at"]), "place": spec["place"], "is_remote": False,
        "organisation": ctx.orgs[spec["org"]], "convener": convener, "agenda": spec["agenda"],
        "minutes": spec["minutes"], "decisions": spec["decisions"], "created_at": _at(spec["starts_at"])})
    ctx.note(changed)
    team = SupportTeam.objects.get(case=case)
    for a in spec["attendees"]:
        user, org = ctx.users[a["user"]], ctx.orgs[a["org"]]
        _, changed = ctx.upsert(Attendee, {"conference": conference, "user": user, "organisation": org}, {
            "team_member": TeamMember.objects.filter(team=team, user=user, organisation=org).first(),
            "role_label": a["role_label"], "agreed_at": _at(spec["agreed_at"]),
            "agreed_rules": reference.rules_for(spec["kind"]), "agreement_recorded_by": convener,
            "added_at": _at(spec["starts_at"])})
        ctx.note(changed)
    for item in spec["items"]:
        due = dt.date.fromisoformat(item["due"])
        done = item["status"] == "done"
        _, changed = ctx.upsert(ActionItem, {"conference": conference, "description": item["description"]}, {
            "owner": ctx.users[item["owner"]], "due_date": due, "status": item["status"],
            "completed_at": _at(f"{item['due']}T17:00") if done else None, "created_by": convener,
            "created_at": _at(spec["ends_at"])})
        ctx.note(changed)


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    p = data["person"]
    person = Person.objects.filter(organisation=ctx.orgs[p["org"]], name=p["name"],
                                   birth_date=dt.date.fromisoformat(p["birth_date"])).first()
    case = Case.objects.filter(person=person, organisation=ctx.orgs[p["org"]]).first() if person else None
    if case is None:
        return
    for m in data["team"]["members"] + data["conference"]["attendees"]:
        if m.get("user") and not Membership.objects.filter(user=ctx.users[m["user"]], organisation=ctx.orgs[m["org"]]).exists():
            raise ValueError(f"demo: {m['user']} is not a member of {m['org']}")
    _consents(ctx, person, data["consent"])
    _team(ctx, case, data["team"])
    _conference(ctx, case, data["conference"])
