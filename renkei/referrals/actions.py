"""Every change of a referral: create (draft), the closed-loop transitions (data/referrals.json), and
the escalation request. Each runs in one transaction, validates (Japanese ValidationError), writes the
transition, a 連絡調整 entry on the case, its audit entry, and the notifications."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone

from renkei.accounts.models import Organisation
from renkei.audit import reads
from renkei.audit.actions import log_event
from renkei.cases import access as cases_access
from renkei.cases.access import BASIC

from . import access, notify, reference, sharing, tarai
from .models import Referral, ReferralEvent
from .timeline import record_on_case

PURPOSE = "連携依頼（本人の支援のための機関間連携）"


class LiveReferralExists(ValidationError):
    """A second live referral for the same person and receiver; `existing` is the live one when the
    worker may see it."""

    def __init__(self, existing, visible: bool):
        if visible:
            message = (f"この本人には、{existing.to_organisation.name}への進行中の連携依頼（#{existing.pk}・"
                       f"{existing.status_name}）がすでにあります。新しく依頼せず、その依頼を確認してください。")
        else:
            message = (f"この本人には、他の組織から{existing.to_organisation.name}への進行中の連携依頼がすでにあります。"
                       "依頼先に確認してください。")
        super().__init__(message)
        self.existing = existing if visible else None


def _log(action, membership, request, referral, data=None):
    log_event(action, request=request, actor=membership.user, organisation=membership.organisation, obj=referral,
              person=referral.person, field_groups=list(referral.scopes) or [BASIC], purpose=PURPOSE,
              legal_basis=sharing.basis_label(referral), data=data)


def log_read(request, membership, action: str, referral, groups=None) -> None:
    """A read of a referral: on the referral's own basis (its consents or disclosure)."""
    reads.log_read(request, action, obj=referral, person=referral.person, membership=membership, purpose=PURPOSE,
                   field_groups=list(referral.scopes) or [BASIC], legal_basis=sharing.basis_label(referral),
                   data={"groups": groups} if groups else None)


def _check_live(membership, person, to_organisation, exclude_id=None) -> None:
    live = Referral.objects.filter(person=person, to_organisation=to_organisation,
                                   status__in=reference.live_statuses()).exclude(pk=exclude_id).first()
    if live is not None:
        visible = access.referrals_visible_to(membership).filter(pk=live.pk).exists()
        raise LiveReferralExists(live, visible)


def _clean(membership, case, *, to_organisation, service, need, purpose, urgency, asks, scopes, kind):
    if service is not None:
        linked = getattr(service.organization, "organisation", None)
        if linked is None:
            raise ValidationError("このサービスの機関は Renkei を利用していないため、連携依頼を送れません。"
                                  "電話などで連絡し、経過記録に残してください。")
        if to_organisation is not None and to_organisation != linked:
            raise ValidationError("依頼先の機関とサービスが一致しません。")
        to_organisation = linked
        if need is None:
            need = next((st.taxonomy_term for st in service.service_terms.select_related("taxonomy_term")
                         if st.taxonomy_term.taxonomy.code == "service-kind"), None)
    if to_organisation is None or not to_organisation.is_active:
        raise ValidationError("依頼先の機関を選んでください。")
    if to_organisation == membership.organisation:
        raise ValidationError("自組織には連携依頼を送れません。庁内の担当者はケースの協働者に加えてください。")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError("本人にとっての目的を入力してください（できるだけ本人の言葉で）。")
    if urgency not in reference.urgency_names():
        raise ValidationError("緊急度を選んでください。")
    asks = [a for a in dict.fromkeys(asks or [])]
    if not asks or any(a not in reference.ask_names() for a in asks):
        raise ValidationError("依頼する内容を1つ以上選んでください。")
    known = {code for code, _ in sharing.scope_choices()}
    if any(s not in known for s in scopes or []):
        raise ValidationError("共有する情報の範囲に選べない項目があります。")
    if kind not in reference.kind_names():
        raise ValidationError("依頼の種類が正しくありません。")
    return {"to_organisation": to_organisation, "service": service, "need": need, "purpose": purpose,
            "urgency": urgency, "asks": asks, "scopes": sharing.with_required(scopes or []), "kind": kind}


@transaction.atomic
def do_create_referral(*, request, membership, case, to_organisation=None, service=None, need=None, purpose="",
                       urgency="routine", asks=(), scopes=(), basis="consent", consent_ids=(), legal_basis="",
                       justification="", kind="referral", escalation_rule="", citation="",
                       send=False) -> Referral:
    """A draft referral from a case the worker may see; with `send`, it is requested at once."""
    if not access.can_send(membership):
        raise Http404
    cases_access.require_edit(membership)
    case = cases_access.get_case_for_user(membership, case.pk)
    if case.organisation_id != membership.organisation_id:
        raise ValidationError("連携依頼は、自組織のケースから送ってください。")
    values = _clean(membership, case, to_organisation=to_organisation, service=service, need=need,
                    purpose=purpose, urgency=urgency, asks=asks, scopes=scopes, kind=kind)
    if basis not in ("consent", "legal"):
        raise ValidationError("共有の根拠（本人同意か法的根拠か）を選んでください。")
    _check_live(membership, case.person, values["to_organisation"])
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case, person=case.person, from_organisation=membership.organisation, requester=membership.user,
                basis=basis, consent_ids=[int(i) for i in consent_ids or [] if str(i).isdigit()],
                legal_basis=legal_basis or "", justification=(justification or "").strip(),
                escalation_rule=escalation_rule, citation=citation, created_at=now, last_modified=now, **values)
    except IntegrityError:
        _check_live(membership, case.person, values["to_organisation"])
        raise
    ReferralEvent.objects.create(referral=referral, to_status="draft", by=membership.user,
                                 organisation=membership.organisation, at=now)
    _log("referral.created", membership, request, referral,
         data={"to": values["to_organisation"].code, "kind": kind, "asks": values["asks"]})
    if send:
        referral = do_transition(request=request, membership=membership, referral=referral, to_status="requested")
    return referral


def _establish_basis(request, membership, referral) -> dict:
    if referral.basis == "consent":
        ids = sharing.check_consents(referral.person, referral.to_organisation, referral.consent_ids,
                                     referral.scopes)
        return {"consent_ids": ids, "legal_basis": "consent", "disclosure_ref": ""}
    disclosure = sharing.record_disclosure(
        request=request, membership=membership, person=referral.person, organisation=referral.to_organisation,
        legal_basis=referral.legal_basis, justification=referral.justification, scopes=referral.scopes)
    return {"consent_ids": [], "disclosure_ref": str(disclosure.pk)}


def _refuse(referral, to_status, side) -> None:
    names = reference.status_names()
    t = reference.transition(referral.status, to_status)
    if to_status not in names:
        raise ValidationError("変更先の状態が正しくありません。")
    if t is None:
        raise ValidationError(f"「{names[referral.status]}」の連携依頼を「{names[to_status]}」にはできません。")
    if side is None:
        raise Http404
    if t["by"] != side:
        who = "依頼元" if t["by"] == reference.REQUESTER else "依頼先"
        raise ValidationError(f"「{names[to_status]}」にできるのは{who}だけです。")


@transaction.atomic
def do_transition(*, request, membership, referral, to_status: str, reason: str = "", reason_text: str = "",
                  outcome: str = "", note: str = "", expected_status: str | None = None) -> Referral:
    """Move a referral along the transition table, by the side the table names."""
    try:
        referral = access.referrals_visible_to(membership).select_for_update(of=("self",)).get(pk=referral.pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    if expected_status and referral.status != expected_status:
        raise ValidationError(f"この連携依頼は、ほかの職員がすでに「{referral.status_name}」に変更しています。"
                              "画面を読み込み直してください。")
    side = access.side_of(membership, referral)
    _refuse(referral, to_status, side)
    if access.blocked_by_basis(referral, to_status):
        raise ValidationError(f"共有の根拠（{referral.reason_name}）が終了したため保留中です。依頼元が新しい同意か"
                              "別の根拠を記録するまで、再開・完了にはできません。")
    now = timezone.now()
    values = {"status": to_status, "last_modified": now}
    reason, reason_text, outcome = reason or "", (reason_text or "").strip(), (outcome or "").strip()
    if reference.needs_reason(to_status):
        if reason not in dict(reference.selectable_reasons()):
            raise ValidationError("お断り・不成立の理由を選んでください。")
        if reference.reason_needs_text(reason) and not reason_text:
            raise ValidationError("「その他」を選んだときは、理由を具体的に入力してください。")
        values.update(status_reason=reason, status_reason_text=reason_text)
    elif reason:
        raise ValidationError("理由はお断り・不成立のときだけ記録します。")
    elif referral.status_reason and to_status not in reference.terminal_statuses():
        values.update(status_reason="", status_reason_text="")
    if reference.needs_outcome(to_status):
        if not outcome:
            raise ValidationError("完了にするときは、結果（本人にとってどうなったか）を入力してください。")
        values["outcome"] = outcome
    if to_status == "requested":
        _check_live(membership, referral.person, referral.to_organisation, exclude_id=referral.pk)
        values.update(_establish_basis(request, membership, referral), requested_at=now)
    if to_status == "received":
        values.update(received_at=now, owner=membership.user)
    if to_status == "accepted":
        values.update(accepted_at=now, owner=membership.user)
        values["received_at"] = referral.received_at or now
    if to_status in ("accepted", "rejected") and referral.answered_at is None:
        values["answered_at"] = now
    if to_status in reference.terminal_statuses():
        values["ended_at"] = now
    from_status = referral.status
    values["version"] = referral.version + 1
    for name, value in values.items():
        setattr(referral, name, value)
    referral.save()
    event = ReferralEvent.objects.create(referral=referral, from_status=from_status, to_status=to_status,
                                         reason=reason, reason_text=reason_text, note=(note or "").strip(),
                                         by=membership.user, organisation=membership.organisation, at=now)
    entry = record_on_case(referral, event)
    _log(f"referral.{to_status.replace('-', '_')}", membership, request, referral,
         data={"from": from_status, "to": to_status, "reason": reason, "entry": entry.pk})
    _notify(referral, event)
    return referral


def _notify(referral, event) -> None:
    names = f"#{referral.pk}（{referral.from_organisation.name} → {referral.to_organisation.name}）"
    if event.to_status == "requested":
        notify.notify(notify.staff_with(referral.to_organisation, "referral.respond"),
                      organisation=referral.to_organisation, kind="new", referral=referral,
                      message=f"新しい連携依頼 {names}（{referral.urgency_name}）", key=f"new:{referral.pk}")
        return
    if event.to_status == "cancelled":
        if referral.owner_id:
            notify.notify([referral.owner], organisation=referral.to_organisation, kind="answered",
                          referral=referral, message=f"連携依頼 {names} は取り下げられました",
                          key=f"event:{event.pk}")
        return
    unsuccessful = event.to_status in ("rejected", "failed")
    message = f"連携依頼 {names}: {event.to_name}" + (f"（理由: {event.reason_name}）" if unsuccessful else "")
    notify.notify([referral.requester, referral.case.lead], organisation=referral.from_organisation,
                  kind="returned" if unsuccessful else "answered", referral=referral, message=message,
                  key=f"event:{event.pk}")
    if unsuccessful:
        chain = tarai.chain_of_sender(referral)
        if chain.flagged:
            first = chain.referrals[0]
            notify.notify([*notify.supervisors_of(referral.from_organisation), referral.requester],
                          organisation=referral.from_organisation, kind="tarai", referral=referral,
                          message=f"たらい回しの疑い: ケース {referral.case.number}（{'、'.join(chain.reasons)}）",
                          key=f"tarai:{referral.person_id}:{first.pk}")


def escalation_target(organisation, to_type: str):
    """Where the ladder leads: the 保健所 whose 管内 includes the municipality; the prefecture's
    精神保健福祉センター for a 保健所."""
    qs = Organisation.objects.filter(type__code=to_type, is_active=True).order_by("pk")
    if to_type == "health_centre":
        return qs.filter(jurisdiction=organisation).first() or qs.first()
    return qs.first()


def log_listing(request, membership, action: str, referrals, data: dict | None = None) -> None:
    """One entry for a page or API answer listing referrals: every person they name, each on the basis of
    their referral (its consents or disclosure) when it came from another organisation."""
    referrals = list({r.pk: r for r in referrals}.values())
    bases = {r.person_id: sharing.basis_label(r) for r in referrals
             if r.from_organisation_id != membership.organisation_id}
    persons = [r.person if "person" in r._state.fields_cache else r.person_id for r in referrals]  # no query each
    reads.log_listing(request, action, persons, field_groups=[BASIC], membership=membership,
                      purpose=PURPOSE, bases=bases, data={"referrals": [r.pk for r in referrals]} | (data or {}))


def log_read_case(request, membership, case) -> None:
    reads.log_read(request, "referral.case_list_viewed", obj=case, person=case.person, field_groups=[BASIC],
                   membership=membership, purpose=PURPOSE)


def referral_of_notice(notice) -> int | None:
    """The id of the referral a notice links to, if it does."""
    if not notice.url:
        return None
    try:
        match = resolve(notice.url)
    except Resolver404:
        return None
    return match.kwargs.get("referral_id") if match.view_name == "referrals:detail" else None


def log_notices(request, membership, notices) -> None:
    """One entry for the notices page: every person a notice concerns, those of a referral from another
    organisation on the referral's basis."""
    ids = {referral_of_notice(n) for n in notices} - {None}
    referrals = list(access.referrals_visible_to(membership).filter(pk__in=ids)) if ids else []
    bases = {r.person_id: sharing.basis_label(r) for r in referrals
             if r.from_organisation_id != membership.organisation_id}
    reads.log_listing(request, "referral.notifications_viewed", [n.person_id for n in notices if n.person_id],
                      field_groups=[BASIC], membership=membership, purpose=PURPOSE, bases=bases,
                      data={"notices": [n.pk for n in notices], "referrals": [r.pk for r in referrals]})


@transaction.atomic
def do_rebase(*, request, membership, referral, basis: str, consent_ids=(), legal_basis: str = "",
              justification: str = "", note: str = "") -> Referral:
    """The sender records a new basis (new consents, or a legal basis recorded as a disclosure) for a
    referral held because its basis ended; the referral returns to where it was before the hold."""
    from . import lapse

    try:
        referral = access.referrals_visible_to(membership).select_for_update(of=("self",)).get(pk=referral.pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    if access.side_of(membership, referral) != reference.REQUESTER:
        raise Http404
    if not referral.is_basis_held:
        raise ValidationError("この連携依頼は共有の根拠の終了による保留中ではありません。画面を読み込み直してください。")
    if basis not in ("consent", "legal"):
        raise ValidationError("共有の根拠（本人同意か法的根拠か）を選んでください。")
    referral.basis = basis
    referral.consent_ids = [int(i) for i in consent_ids or [] if str(i).isdigit()] if basis == "consent" else []
    referral.legal_basis = legal_basis or "" if basis == "legal" else ""
    referral.justification = (justification or "").strip() if basis == "legal" else ""
    values = _establish_basis(request, membership, referral)
    if basis == "legal":
        values["legal_basis"] = legal_basis
    now = timezone.now()
    from_status, to_status = referral.status, lapse.resume_status(referral)
    values.update(status=to_status, status_reason="", status_reason_text="", last_modified=now,
                  version=referral.version + 1)
    for name, value in values.items():
        setattr(referral, name, value)
    referral.save()
    note = (note or "").strip()
    event = ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, by=membership.user,
        organisation=membership.organisation, at=now,
        note=f"共有の根拠を記録し直しました（{sharing.basis_name(referral)}）" + (f"。{note}" if note else ""))
    entry = record_on_case(referral, event)
    _log("referral.basis_renewed", membership, request, referral,
         data={"from": from_status, "to": to_status, "basis": basis, "entry": entry.pk})
    names = f"#{referral.pk}（{referral.from_organisation.name} → {referral.to_organisation.name}）"
    receivers = [referral.owner] if referral.owner_id else notify.staff_with(referral.to_organisation,
                                                                              "referral.respond")
    notify.notify(receivers, organisation=referral.to_organisation, kind="answered", referral=referral,
                  message=f"連携依頼 {names}: 共有の根拠が記録し直され「{referral.status_name}」に戻りました",
                  key=f"event:{event.pk}")
    return referral
