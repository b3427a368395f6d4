"""Demo referrals of みどり県 (data/demo_referrals.json): scenario 1 (青葉市 → 中央保健所 同行訪問 accepted;
a clinic referral completed), scenario 3 (若葉町: debt counselling refused out of area, housing failed,
a second housing agency refused → たらい回し), and one referral in every other state, one overdue.

Made through the same actions as the product (audit, timeline, notifications), then back-dated.
Idempotent: a demo referral is known by its case, receiver and purpose and never made twice."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from renkei.accounts.models import Membership, User
from renkei.cases.models import Case
from renkei.directory.models import TaxonomyTerm

from . import actions, overdue
from .models import Referral, ReferralEvent

DATA = Path(__file__).parent / "data" / "demo_referrals.json"
MARK = "demo:"


def _membership(ctx, username, org_code=None):
    user = ctx.users.get(username) or User.objects.filter(username=username).first()
    qs = Membership.objects.filter(user=user, is_active=True)
    if org_code:
        qs = qs.filter(organisation=ctx.orgs[org_code])
    return qs.select_related("organisation", "user").first()


def _extra_users(ctx, data) -> None:
    for spec in data["extra_users"]:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"], display_name=spec["display_name"], kana=spec["kana"])
            user.set_password(ctx.data["password"])
            user.save()
            ctx.note(True)
        ctx.users[user.username] = user
        _, changed = ctx.upsert(Membership, {"user": user, "organisation": ctx.orgs[spec["org"]]},
                                {"role": spec["role"], "title": spec["title"]})
        ctx.note(changed)


def _consent(m, case, to):
    from renkei.consent import access as consent_access
    from renkei.consent import actions as consent_actions

    scopes = ["基本情報", "相談・経過記録"]
    found = consent_access.active_consents(case.person, to, scopes).first()
    if found is not None:
        return found
    today = timezone.localdate()
    return consent_actions.do_record_consent(
        request=None, membership=m, person=case.person, recipient_kind="organisation", recipient_organisation=to,
        purpose="支援のための機関間の連携", scopes=scopes, valid_from=today - dt.timedelta(days=60),
        valid_until=today + dt.timedelta(days=300), method="written", obtained_at=timezone.now() - dt.timedelta(days=60),
        note="書面（デモ）")


def _make(ctx, spec) -> bool:
    org_code, name = spec["case"]
    case = Case.objects.filter(organisation=ctx.orgs[org_code], person__name=name).select_related("person").first()
    if case is None:
        return False
    to = ctx.orgs[spec["to"]]
    if Referral.objects.filter(case=case, to_organisation=to, purpose=spec["purpose"]).exists():
        return False  # made on an earlier load (the demo's natural key: case, receiver, purpose)
    m = _membership(ctx, spec["from_user"], org_code)
    need = TaxonomyTerm.objects.filter(taxonomy__code="service-kind", code=spec.get("need")).first()
    consent_ids = [_consent(m, case, to).pk] if spec["basis"] == "consent" else []
    referral = actions.do_create_referral(
        request=None, membership=m, case=case, to_organisation=to, need=need, purpose=spec["purpose"],
        asks=spec["asks"], scopes=spec["scopes"], basis=spec["basis"], consent_ids=consent_ids,
        legal_basis=spec.get("legal_basis", ""), justification=spec.get("justification", ""),
        kind=spec.get("kind", "referral"), send=not spec.get("draft"))
    for step in spec["steps"]:
        status, username = step[0], step[1]
        extra = step[2] if len(step) > 2 else {}
        side = _membership(ctx, username, spec["to"] if status != "cancelled" else org_code)
        referral = actions.do_transition(request=None, membership=side, referral=referral, to_status=status, **extra)
    _backdate(referral, spec)
    return True


def _backdate(referral, spec) -> None:
    if spec.get("draft") or "days_ago" not in spec:
        return
    shift = timezone.now() - dt.timedelta(days=spec["days_ago"]) - (referral.requested_at or timezone.now())
    fields = {}
    for name in ("created_at", "requested_at", "received_at", "accepted_at", "answered_at", "ended_at",
                 "last_modified"):
        value = getattr(referral, name)
        if value is not None:
            hours = {"received_at": 5, "accepted_at": 30, "answered_at": 30, "ended_at": 24 * 9,
                     "last_modified": 24 * 9}.get(name, 0)
            fields[name] = min(value + shift + dt.timedelta(hours=hours), timezone.now())
    Referral.objects.filter(pk=referral.pk).update(**fields)
    for event in referral.events.all():
        ReferralEvent.objects.filter(pk=event.pk).update(at=min(event.at + shift, timezone.now()))


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    # Earlier loads marked the first event's note with "demo:<key>", which the referral page showed.
    ReferralEvent.objects.filter(note__startswith=MARK).update(note="")
    _extra_users(ctx, data)
    for spec in data["referrals"]:
        ctx.note(_make(ctx, spec))
    overdue.flag_overdue()
