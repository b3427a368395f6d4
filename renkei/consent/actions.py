"""Recording and withdrawing consents, recording legal-basis disclosures, break-glass access.

Each runs in one transaction, validates (ValidationError with a Japanese message, nothing changed),
writes, and logs an audit entry naming the person.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.audit.actions import log_event
from renkei.cases.access import BASIC
from renkei.cases.versioning import StaleVersion, parse_version, save_versioned
from renkei.core import attachments
from renkei.core.dates import wareki
from renkei.notices import actions as notices_actions
from renkei.notices import notify as notices

from . import ending, reference
from .access import can_manage, holds_record
from .models import BreakGlassAccess, Consent, Disclosure

PURPOSE = "同意・情報提供の記録"


def _require_manage(membership):
    if not can_manage(membership):
        raise ValidationError("同意を記録・撤回する権限がありません。")


def _require_holder(membership, person):
    """Sharing is the holder's: only the organisation that holds the person's record passes it on."""
    if person is None or person.organisation_id != membership.organisation_id:
        raise ValidationError("本人の記録を登録した組織だけが、同意や情報提供を記録できます。"
                              "共有を受けた記録を他の機関に提供することはできません。")


def _require_ender(membership, record, message):
    """The organisation that recorded it, or the holder of the person's record, ends a consent or disclosure."""
    if record.owner_id != membership.organisation_id and record.person.organisation_id != membership.organisation_id:
        raise ValidationError(message)


def _clean_scopes(scopes) -> list[str]:
    chosen = [s for s in (scopes or []) if s]
    unknown = [s for s in chosen if s not in reference.scope_codes()]
    if unknown:
        raise ValidationError(f"共有する情報の範囲が正しくありません: {'、'.join(unknown)}")
    if not chosen:
        raise ValidationError("共有する情報の範囲を1つ以上選んでください。")
    return reference.with_required(chosen)


def _log(action, request, membership, obj, person, groups, legal_basis, data=None):
    log_event(action, request=request, actor=membership.user, organisation=membership.organisation, obj=obj,
              person=person, field_groups=groups, purpose=PURPOSE, legal_basis=legal_basis, data=data)


@transaction.atomic
def do_record_consent(*, request, membership, person, recipient_kind, purpose, scopes, valid_from, valid_until,
                      method, obtained_at, recipient_organisation=None, recipient_type=None, recipient_team=None,
                      obtained_by=None, attachment=None, note="") -> Consent:
    """Record a consent. The recipient is an organisation, an organisation type, or a support team of one
    of the person's cases (its active staff members, each in the organisation of their team membership).
    Only the organisation that holds the person's record records consents about them."""
    _require_manage(membership)
    _require_holder(membership, person)
    errors = []
    if recipient_kind not in dict(reference.recipient_kind_choices()):
        errors.append("提供先の種類を選んでください。")
    elif recipient_kind == "organisation":
        recipient_type = recipient_team = None
        if recipient_organisation is None:
            errors.append("提供先の機関を選んでください。")
        elif recipient_organisation.pk == membership.organisation_id:
            errors.append("自組織は提供先にできません（自組織内の利用に同意の記録は不要です）。")
    elif recipient_kind == "support_team":
        recipient_organisation = recipient_type = None
        if recipient_team is None:
            errors.append("提供先の支援チームを選んでください。")
        elif recipient_team.case.person_id != person.pk:
            errors.append("この本人のケースの支援チームを選んでください。")
    else:
        recipient_organisation = recipient_team = None
        if recipient_type is None:
            errors.append("提供先の機関の種別を選んでください。")
    purpose = (purpose or "").strip()
    if not purpose:
        errors.append("利用目的を入力してください。")
    if method not in dict(reference.method_choices()):
        errors.append("同意の方法を選んでください。")
    today = timezone.localdate()
    if valid_from is None or valid_until is None:
        errors.append("有効期間の開始日と終了日を入力してください。")
    else:
        if valid_until < valid_from:
            errors.append("有効期間の終了日は開始日より後にしてください。")
        elif valid_until < today:
            errors.append("有効期間の終了日が過去の日付です。")
        elif (valid_until - valid_from).days > reference.max_consent_days():
            errors.append(f"有効期間は{reference.max_consent_days()}日以内にしてください（更新は新しい同意として記録します）。")
    if obtained_at is None:
        errors.append("同意を得た日時を入力してください。")
    elif obtained_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append("同意を得た日時が未来になっています。")
    note = (note or "").strip()
    if not attachment and not note:
        errors.append("同意書の写しを添付するか、同意の内容をメモに記録してください。")
    if attachment:
        try:
            attachments.check_upload(attachment)
        except ValidationError as error:
            errors.extend(error.messages)
    try:
        scopes = _clean_scopes(scopes)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    consent = Consent(person=person, owner=membership.organisation, recipient_kind=recipient_kind,
                      recipient_organisation=recipient_organisation, recipient_type=recipient_type,
                      recipient_team=recipient_team, purpose=purpose,
                      scopes=scopes, valid_from=valid_from, valid_until=valid_until, method=method,
                      obtained_by=obtained_by or membership.user, obtained_at=obtained_at, note=note,
                      recorded_by=membership.user)
    if attachment:
        consent.attachment = attachments.store(attachment, user=membership.user, folder="consent")
    consent.save()
    _log("consent.recorded", request, membership, consent, person, [BASIC], consent.legal_basis_label,
         {"recipient": consent.recipient_name, "scopes": scopes, "valid_from": valid_from,
          "valid_until": valid_until, "method": method, "attachment": consent.attachment_id is not None})
    return consent


def _withdrawn_first(consent) -> StaleVersion:
    """The refusal of a withdrawal based on an older version: what the colleague recorded first."""
    if consent.withdrawn_at is not None:
        at = timezone.localtime(consent.withdrawn_at)
        what = (f"{wareki(at.date())} {at:%H:%M}に{consent.withdrawn_by}さんが撤回（{consent.withdrawal_method_name}）"
                "を記録しています")
    else:
        what = "この同意の記録が変わっています"
    return StaleVersion(consent, f"ほかの職員が先にこの同意を更新しました（{what}）。あなたの撤回は記録されていません。"
                                 "両方の内容を確認してください。")


@transaction.atomic
def do_withdraw_consent(*, request, membership, consent, version, method, note="", at=None) -> Consent:
    """Withdrawal takes effect at once: every grant reads the register on each request. `version` is the
    consent's version the worker's form or request was based on: a colleague's change (their withdrawal)
    made since refuses this one (StaleVersion, nothing written) instead of recording it twice."""
    _require_manage(membership)
    consent = Consent.objects.select_related("person", "withdrawn_by").get(pk=consent.pk)
    _require_ender(membership, consent, "他の組織が得た同意は撤回の記録ができません。"
                                        "同意を得た組織か、本人の記録を登録した組織に連絡してください。")
    expected = parse_version(version)
    if consent.version != expected:
        raise _withdrawn_first(consent)
    if consent.withdrawn_at is not None:
        raise ValidationError("この同意はすでに撤回されています。")
    if method not in dict(reference.withdrawal_method_choices()):
        raise ValidationError("撤回の方法を選んでください。")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("撤回の日時が未来になっています。")
    try:
        consent = save_versioned(consent, expected, {"withdrawn_at": at, "withdrawn_by": membership.user,
                                                     "withdrawal_method": method,
                                                     "withdrawal_note": (note or "").strip()}, touch=None)
    except StaleVersion as stale:  # withdrawn by a colleague between the read above and this write
        raise _withdrawn_first(stale.current) from None
    _log("consent.withdrawn", request, membership, consent, consent.person, [BASIC], consent.legal_basis_label,
         {"recipient": consent.recipient_name, "method": method, "version": consent.version})
    ending.basis_ended(request=request, membership=membership, cause="withdrawn", consent=consent)
    return consent


@transaction.atomic
def do_record_disclosure(*, request, membership, person, recipient, scopes, legal_basis, justification="",
                         valid_until=None, at=None) -> Disclosure:
    """Record a provision of `person`'s data to `recipient` on a legal basis other than consent.
    The recipient sees the chosen scopes until `valid_until`. Only the holder of the person's record
    discloses it."""
    _require_manage(membership)
    _require_holder(membership, person)
    errors = []
    basis = reference.legal_basis(legal_basis or "")
    justification = (justification or "").strip()
    if basis is None or not basis["disclosure"]:
        errors.append("法的根拠を選んでください（本人同意による共有は同意として記録します）。")
    if recipient is None:
        errors.append("提供先の機関を選んでください。")
    elif recipient.pk == membership.organisation_id:
        errors.append("自組織は提供先にできません。")
    if basis is not None and basis["disclosure"]:
        if reference.org_kind(membership.organisation) not in basis["discloser"]:
            errors.append(f"「{basis['name']}」は{'行政機関等' if membership.organisation.is_public else '民間の事業者'}"
                          "からの提供には使えません。")
        if recipient is not None and reference.org_kind(recipient) not in basis["recipients"]:
            errors.append(f"「{basis['name']}」では{'行政機関等' if recipient.is_public else '民間の事業者'}"
                          "に提供できません。")
        if basis["justification_required"] and not justification:
            errors.append(f"「{basis['name']}」による提供には理由の記載が必要です。")
    at = at or timezone.now()
    if valid_until is None:
        errors.append("提供先が閲覧できる期限を入力してください。")
    elif valid_until < timezone.localdate(at):
        errors.append("閲覧できる期限は提供日以降にしてください。")
    try:
        scopes = _clean_scopes(scopes)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure.objects.create(person=person, owner=membership.organisation, recipient=recipient,
                                           scopes=scopes, legal_basis=basis["code"], justification=justification,
                                           disclosed_by=membership.user, at=at, valid_until=valid_until)
    _log("disclosure.recorded", request, membership, disclosure, person, scopes, disclosure.legal_basis_label,
         {"recipient": recipient.name, "legal_basis": basis["code"], "valid_until": valid_until})
    return disclosure


@transaction.atomic
def do_end_disclosure(*, request, membership, disclosure, reason, at=None) -> Disclosure:
    """End a legal-basis disclosure before its date (the need ended, or it was recorded in error). Takes
    effect at once: the recipient's access is read from the register on every request."""
    _require_manage(membership)
    disclosure = Disclosure.objects.select_for_update().select_related("person").get(pk=disclosure.pk)
    _require_ender(membership, disclosure, "他の組織が行った提供は終了できません。"
                                           "提供した組織か、本人の記録を登録した組織に連絡してください。")
    if disclosure.ended_at is not None:
        raise ValidationError("この提供はすでに終了しています。")
    if disclosure.valid_until < timezone.localdate():
        raise ValidationError("この提供は閲覧できる期限を過ぎて、すでに終わっています。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("提供を終了する理由を入力してください。")
    at = at or timezone.now()
    disclosure.ended_at, disclosure.ended_by, disclosure.end_reason = at, membership.user, reason
    disclosure.save(update_fields=["ended_at", "ended_by", "end_reason"])
    _log("disclosure.ended", request, membership, disclosure, disclosure.person, disclosure.scopes,
         disclosure.legal_basis_label, {"recipient": disclosure.recipient.name, "reason": reason,
                                        "valid_until": disclosure.valid_until})
    ending.basis_ended(request=request, membership=membership, cause="ended", disclosure=disclosure)
    return disclosure


def supervisors_of(organisation):
    return [m.user for m in Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True)
            .select_related("user") if m.has_perm("audit.view")]


@transaction.atomic
def do_open_breakglass(*, request, membership, person, reason, legal_basis) -> BreakGlassAccess:
    """Open `person`'s record outside one's access, for `reference.breakglass_hours()` hours. Notifies
    the organisation's supervisors (in the product and by e-mail, without the person's name)."""
    if membership is None or not membership.has_perm("breakglass.use"):
        raise ValidationError("緊急アクセスの権限がありません。")
    errors = []
    reason = (reason or "").strip()
    basis = reference.legal_basis(legal_basis or "")
    if basis is None or not basis["breakglass"]:
        errors.append("緊急アクセスの法的根拠を選んでください。")
    if len(reason) < 10:
        errors.append("緊急アクセスの理由を具体的に（10文字以上）入力してください。")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        person=person, user=membership.user, organisation=membership.organisation, reason=reason,
        legal_basis=basis["code"], started_at=now, expires_at=now + dt.timedelta(hours=reference.breakglass_hours()))
    _log("breakglass.opened", request, membership, access, person, reference.scope_codes(), access.legal_basis_label,
         {"reason": reason, "legal_basis": basis["code"], "expires_at": access.expires_at,
          "person_organisation": person.organisation.name})
    text = (f"{membership.user}さんが緊急アクセスで記録を開きました（根拠: {basis['name']}、"
            f"{wareki(timezone.localtime(now))} {timezone.localtime(now):%H:%M}、{reference.breakglass_hours():g}時間有効）。")
    supervisors = [u for u in supervisors_of(membership.organisation) if u.pk != membership.user_id] \
        or supervisors_of(membership.organisation)
    notices.notify(supervisors, organisation=membership.organisation, kind=BREAKGLASS_NOTICE,
                   key=breakglass_notice_key(access), message=text, person=person,
                   url=reverse("audit:event_list") + "?breakglass=on", subject=None)  # mailed below, with the link
    addresses = [u.email for u in supervisors if u.email]
    if addresses:
        url = reverse("core:dashboard")
        transaction.on_commit(lambda: send_mail(
            "【Renkei】緊急アクセスがありました", text + f"\n内容の確認: {url}\n（本人の氏名はメールに記載していません）",
            None, addresses, fail_silently=True))
    return access


@transaction.atomic
def do_end_breakglass(*, request, membership, access, reason) -> BreakGlassAccess:
    """The holder of the person's record ends a break-glass access before its time (its consent managers,
    from the register). Takes effect at once: the access's end becomes now (the grant epoch moves with the
    row, renkei.cases.grant_cache), and its holder is told."""
    _require_manage(membership)
    access = BreakGlassAccess.objects.select_for_update().select_related("person", "user", "organisation").get(
        pk=access.pk)
    if not holds_record(membership, access.person):
        raise ValidationError("緊急アクセスを終了できるのは、本人の記録を持つ組織だけです。")
    now = timezone.now()
    if access.ended_at is not None:
        raise ValidationError("この緊急アクセスはすでに終了しています。")
    if access.expires_at <= now:
        raise ValidationError("この緊急アクセスは時間が過ぎて、すでに終わっています。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("緊急アクセスを終了する理由を入力してください。")
    planned = access.expires_at
    access.ended_at, access.ended_by, access.end_reason, access.expires_at = now, membership.user, reason, now
    access.save(update_fields=["ended_at", "ended_by", "end_reason", "expires_at"])
    _log("breakglass.ended", request, membership, access, access.person, [BASIC], "",
         {"reason": reason, "planned_end": planned, "holder": f"{access.user}（{access.organisation.name}）"})
    notices.notify([access.user], organisation=access.organisation, kind="breakglass_ended",
                   key=f"breakglass-ended:{access.pk}", person=access.person_id,
                   message=f"緊急アクセス（{wareki(timezone.localtime(access.started_at))} 開始）は、本人の記録を持つ"
                           f"{membership.organisation.name}によって終了されました。理由: {reason}")
    return access


BREAKGLASS_NOTICE = "breakglass"


def breakglass_notice_key(access) -> str:
    return f"breakglass:{access.pk}"


def breakglass_id_of(notice) -> int | None:
    """The id of the break-glass access a supervisor's notice is about (its key names it)."""
    prefix, _, pk = notice.key.partition(":")
    return int(pk) if notice.kind == BREAKGLASS_NOTICE and prefix == "breakglass" and pk.isdigit() else None


def breakglass_of_notice(notice) -> BreakGlassAccess | None:
    pk = breakglass_id_of(notice)
    return BreakGlassAccess.objects.filter(pk=pk).select_related("person").first() if pk is not None else None


@transaction.atomic
def do_acknowledge_notification(*, request, membership, notification):
    if notification.recipient_id != membership.user_id:
        raise ValidationError("この通知は確認できません。")
    if notices_actions.do_mark_read(membership=membership, notification=notification):
        access = breakglass_of_notice(notification)
        log_event("breakglass.reviewed", request=request, actor=membership.user,
                  organisation=membership.organisation, obj=access,
                  person=access.person if access else None,
                  purpose="緊急アクセスの確認（管理者）")
    return notification
