"""When the basis of a referral's sharing ends — a consent withdrawn or past its date, a legal-basis
disclosure ended — the live referral moves at once to 保留 with the coded reason (data/referrals.json
`basis_hold`): both sides see it and are notified, the receiver can no longer resume or complete it,
and the sender is offered the next steps (a new consent, another basis, or withdrawing the referral).

Three ways in, one function (`hold_for_basis`): the consent layer's `basis_ended` hook (withdrawal,
early end of a disclosure, in the same transaction), the daily command `referrals_end_lapsed_bases`
(expiry by the clock), and `check(referral)` when a referral is read.

The same for support teams, in their own app: renkei.conferences.lapse.
"""


from django.db import transaction
from django.utils import timezone

from renkei.audit.actions import log_event
from renkei.cases import access as cases_access
from renkei.cases import grant_cache
from renkei.cases.access import BASIC

from . import notify, reference, sharing
from .models import Referral, ReferralEvent
from .timeline import record_on_case

PURPOSE = "連携依頼（共有の根拠の終了）"
AUTOMATIC = "Renkei（自動）"


def is_basis_held(referral) -> bool:
    return referral.status == reference.basis_hold()["to"] and referral.status_reason in \
        reference.basis_ended_reasons()


def resume_status(referral) -> str:
    """The status a basis-held referral returns to once a new basis is recorded."""
    event = referral.events.filter(to_status=reference.basis_hold()["to"],
                                   reason__in=reference.basis_ended_reasons()).order_by("-at", "-id").first()
    return event.from_status if event is not None and event.from_status else reference.basis_hold()["to"]


def _describe(referral, cause) -> str:
    if referral.basis == "consent":
        ids = "・".join(f"同意#{i}" for i in referral.consent_ids or [])
        what = {"withdrawn": "撤回されました", "expired": "有効期限が切れました"}.get(cause, "有効でなくなりました")
        return f"共有の根拠とした{ids}が{what}。依頼先は本人の情報を見られなくなりました。"
    return (f"共有の根拠とした法的根拠による提供（提供記録#{referral.disclosure_ref or '—'}）が終了しました。"
            "依頼先は本人の情報を見られなくなりました。")


def _receivers(referral) -> list:
    if referral.owner_id:
        return [referral.owner]
    return notify.staff_with(referral.to_organisation, "referral.respond")


@transaction.atomic
def hold_for_basis(referral, cause: str, *, request=None, membership=None) -> bool:
    """Put a live referral on hold because its basis ended; True when it changed. Idempotent."""
    hold = reference.basis_hold()
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "case", "person", "from_organisation", "to_organisation", "requester", "owner").get(pk=referral.pk)
    if referral.status not in hold["from"] or is_basis_held(referral) or sharing.still_holds(referral):
        return False
    now = timezone.now()
    reason = reference.basis_hold_reason(cause)
    text = _describe(referral, cause)
    from_status = referral.status
    referral.status, referral.status_reason, referral.status_reason_text = hold["to"], reason, text
    referral.last_modified, referral.version = now, referral.version + 1
    referral.save(update_fields=["status", "status_reason", "status_reason_text", "last_modified", "version"])
    actor = membership.user if membership is not None else None
    organisation = membership.organisation if membership is not None else referral.from_organisation
    event = ReferralEvent.objects.create(referral=referral, from_status=from_status, to_status=hold["to"],
                                         reason=reason, reason_text=text, by=actor, organisation=organisation,
                                         at=now)
    entry = record_on_case(referral, event)
    log_event("referral.on_hold", request=request, actor=actor, organisation=organisation, obj=referral,
              person=referral.person, field_groups=[BASIC], purpose=PURPOSE, actor_label="" if actor else AUTOMATIC,
              legal_basis=sharing.basis_label(referral),
              data={"from": from_status, "to": hold["to"], "reason": reason, "cause": cause, "entry": entry.pk})
    names = f"#{referral.pk}（{referral.from_organisation.name} → {referral.to_organisation.name}）"
    message = f"連携依頼 {names} を保留にしました（理由: {referral.reason_name}）"
    notify.notify([referral.requester, referral.case.lead], organisation=referral.from_organisation,
                  kind="basis_ended", referral=referral, key=f"event:{event.pk}",
                  message=message + "。新しい同意か別の根拠を記録するか、取り下げてください")
    notify.notify(_receivers(referral), organisation=referral.to_organisation, kind="basis_ended",
                  referral=referral, key=f"event:{event.pk}:receiver",
                  message=message + "。依頼元が新しい根拠を記録するまで対応を再開・完了できません")
    return True


def _holds(referral) -> bool:
    """`sharing.still_holds`, reused across reads while no grant table changed (the referral, consents and
    disclosures are grant tables) and no time boundary passed (local midnight ends a consent's period):
    renkei.cases.grant_cache."""
    return grant_cache.cached(("referrals.basis_holds", referral.pk), lambda: sharing.still_holds(referral),
                              cases_access._token)


def check(referral) -> Referral:
    """On read: a live referral whose basis lapsed (by the clock) is put on hold first."""
    if referral.status in reference.basis_hold()["from"] and not is_basis_held(referral) and not _holds(referral):
        cause = sharing.end_cause(referral)
        if cause is not None and hold_for_basis(referral, cause):
            referral.refresh_from_db()
    return referral


def on_basis_ended(*, request, membership, consent=None, disclosure=None, cause: str) -> None:
    """The consent layer's hook: hold every live referral resting on the ended consent or disclosure."""
    live = Referral.objects.filter(status__in=reference.basis_hold()["from"])
    if consent is not None:
        live = live.filter(person_id=consent.person_id, basis="consent")
        for referral in live:
            if consent.pk in (referral.consent_ids or []):
                hold_for_basis(referral, cause, request=request, membership=membership)
    if disclosure is not None:
        for referral in live.filter(person_id=disclosure.person_id, basis="legal",
                                    disclosure_ref=str(disclosure.pk)):
            hold_for_basis(referral, "ended", request=request, membership=membership)


def end_lapsed() -> int:
    """The daily run: hold live referrals whose basis lapsed by the clock."""
    held = 0
    for referral in Referral.objects.filter(status__in=reference.basis_hold()["from"]).exclude(
            status_reason__in=reference.basis_ended_reasons()).select_related("person", "to_organisation"):
        cause = sharing.end_cause(referral)
        if cause is not None and hold_for_basis(referral, cause):
            held += 1
    return held
