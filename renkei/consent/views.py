"""Pages of the consent register, disclosures and break-glass. Thin: access.py to fetch, actions.py to change."""

from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renkei.accounts.access import require_perm
from renkei.audit import reads
from renkei.cases import versioning
from renkei.cases.access import BASIC
from renkei.cases.versioning import StaleVersion
from renkei.core import attachments, query, refused
from renkei.notices import access as notices_access

from . import access, actions, breakglass, reference
from .forms import (
    BreakGlassForm,
    BreakGlassSearchForm,
    ConsentForm,
    DisclosureForm,
    EndBreakGlassForm,
    EndDisclosureForm,
    WithdrawForm,
)


def _errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def _log_read(request, action, obj, person, groups=(BASIC,)):
    reads.log_read(request, action, obj=obj, person=person, field_groups=groups, purpose="同意・情報提供の確認")


CONSENT_TABS = [("active", "有効"), ("expiring", "期限が近い"), ("ended", "撤回・期限切れ"), ("all", "すべて")]


@query.reads(status=query.Choice("表示", CONSENT_TABS, default="active"))
def consent_list(request):
    """Consents this organisation obtained: in force, ending soon, ended."""
    require_perm(request, "consent.manage")
    m = request.membership
    status = request.query.status
    consents = access.consents_visible_to(m).filter(owner=m.organisation)
    if status == "expiring":
        consents = access.expiring_consents(m.organisation)
    elif status == "active":
        consents = access.in_force(consents)
    elif status == "ended":
        consents = consents.exclude(pk__in=access.in_force(consents).values("pk"))
    consents = list(consents.select_related("person", "recipient_organisation", "recipient_type")[:500])
    disclosures = list(access.disclosures_visible_to(m).filter(owner=m.organisation)[:200])
    reads.log_listing(request, "consent.register_viewed", [c.person for c in consents] + [d.person for d in disclosures],
                      field_groups=[BASIC], purpose="同意の管理", always=True,
                      data={"status": status, "consents": [c.pk for c in consents],
                            "disclosures": [d.pk for d in disclosures]})
    return render(request, "consent/consent_list.html", {
        "consents": consents, "status": status, "warning_days": reference.expiry_warning_days(),
        "disclosures": disclosures})


def person_register(request, person_id):
    """One person's consents and disclosures (print-friendly)."""
    m = request.membership
    person = access.get_person_for_consent(m, person_id)
    consents = access.consents_visible_to(m).filter(person=person)
    disclosures = access.disclosures_visible_to(m).filter(person=person)
    _log_read(request, "consent.listed", person, person)
    return render(request, "consent/person_register.html", {
        "person": person, "consents": consents, "disclosures": disclosures, "can_manage": access.can_manage(m),
        "may_share": access.may_share(m, person),
        "grants": access.person_grants(m, person),
        "end_form": EndDisclosureForm() if access.can_manage(m) else None,
        "shared_scopes": sorted(access.scopes_shared_with(m, person), key=reference.scope_codes().index)})


def consent_create(request, person_id):
    require_perm(request, "consent.manage")
    m = request.membership
    person = access.get_person_for_sharing(m, person_id)
    form = ConsentForm(m, request.POST or None, request.FILES or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            consent = actions.do_record_consent(request=request, membership=m, person=person, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"同意を記録しました（{consent.recipient_name}、{consent.valid_until}まで）。")
            return redirect("consent:person_register", person.pk)
    _log_read(request, "person.form_viewed", person, person)
    return render(request, "consent/consent_form.html", {"form": form, "person": person})


def _withdrawal_values(consent) -> dict:
    return {"method": consent.withdrawal_method, "note": consent.withdrawal_note, "version": consent.version}


def _withdraw_conflict(form, consent):
    """A withdrawal refused because a colleague recorded one first comes back (core/refused.py) based on
    its old version: the stored withdrawal beside what was typed (renkei.cases.versioning). Once the
    consent is withdrawn nothing is left to save (`final`: no take button)."""
    if not form.is_bound or str(form["version"].value()) == str(consent.version):
        return None
    return versioning.conflict(form, _withdrawal_values(consent), consent.version,
                               final=consent.withdrawn_at is not None)


def consent_detail(request, consent_id):
    m = request.membership
    consent = access.get_consent_for_user(m, consent_id)
    _log_read(request, "consent.viewed", consent, consent.person)
    can_withdraw = (access.can_manage(m) and consent.withdrawn_at is None
                    and m.organisation_id in (consent.owner_id, consent.person.organisation_id))
    withdraw_form = refused.restore(request, WithdrawForm(initial={"version": consent.version}))
    return render(request, "consent/consent_detail.html", {
        "consent": consent, "person": consent.person, "can_withdraw": can_withdraw,
        "team_recipients": access.team_recipients(consent), "withdraw_form": withdraw_form,
        "conflict": _withdraw_conflict(withdraw_form, consent),
        "scope_info": {s["code"]: s for s in reference.scopes()}})


@require_POST
def consent_withdraw(request, consent_id):
    """Record the withdrawal. Refused (another worker recorded one first, or bad input), what was typed
    comes back on the consent's page with the message (core/refused.py)."""
    m = request.membership
    consent = access.get_managed_consent(m, consent_id)
    form = WithdrawForm(request.POST)
    page = reverse("consent:consent_detail", args=[consent.pk])
    try:
        if not form.is_valid():
            raise ValidationError("撤回の方法を選んでください。" if "method" in form.errors
                                  else "版番号（version）が正しくありません。画面を読み込み直してください。")
        d = form.cleaned_data
        actions.do_withdraw_consent(request=request, membership=m, consent=consent, version=d["version"],
                                    method=d["method"], note=d["note"])
    except StaleVersion as stale:
        messages.error(request, stale.messages[0])
        refused.keep(request, form, page, stale)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        refused.keep(request, form, page, error)
    else:
        messages.success(request, f"同意の撤回を記録しました。{consent.recipient_name}は直ちに閲覧できなくなります。")
    return redirect("consent:consent_detail", consent.pk)


@require_POST
def disclosure_end(request, disclosure_id):
    """End a legal-basis disclosure before its date; the recipient loses access on the next request."""
    m = request.membership
    disclosure = access.get_managed_disclosure(m, disclosure_id)
    form = EndDisclosureForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("提供を終了する理由を入力してください。")
        actions.do_end_disclosure(request=request, membership=m, disclosure=disclosure, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{disclosure.recipient.name}への提供を終了しました。提供先は直ちに閲覧できなくなります。")
    return redirect("consent:person_register", disclosure.person_id)


def consent_attachment(request, consent_id):
    """The scanned consent form: decrypted, as a download, only through this access-checked, audited view
    (never a static or media URL; renkei.core.attachments)."""
    m = request.membership
    consent = access.get_consent_for_user(m, consent_id)
    if not consent.attachment:
        raise Http404
    try:
        response = attachments.download_response(consent.attachment)
    except (FileNotFoundError, InvalidToken):
        raise Http404 from None
    _log_read(request, "consent.attachment_viewed", consent, consent.person)
    return response


def disclosure_create(request, person_id):
    require_perm(request, "consent.manage")
    m = request.membership
    person = access.get_person_for_sharing(m, person_id)
    form = DisclosureForm(m, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = actions.do_record_disclosure(request=request, membership=m, person=person,
                                                      **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{disclosure.recipient.name}への提供を記録しました（{disclosure.legal_basis_name}）。")
            return redirect("consent:person_register", person.pk)
    _log_read(request, "person.form_viewed", person, person)
    return render(request, "consent/disclosure_form.html", {
        "form": form, "person": person, "bases": reference.disclosure_bases()})


# --- break-glass -----------------------------------------------------------------------------------------
@query.reads(BreakGlassSearchForm)
def breakglass_search(request):
    require_perm(request, "breakglass.use")
    m = request.membership
    form = BreakGlassSearchForm(request.GET or None)
    persons = []
    if form.is_valid():
        d = form.cleaned_data
        persons = breakglass.find_for_breakglass(m, d["name"], d["birth_date"])
        reads.log_listing(request, "breakglass.searched", persons, field_groups=[BASIC], always=True,
                          purpose="緊急アクセスのための本人の検索", data={"found": len(persons)})
    return render(request, "consent/breakglass_search.html", {"form": form, "persons": persons,
                                                              "hours": reference.breakglass_hours()})


@query.reads(BreakGlassSearchForm)
def breakglass_open(request, person_id):
    require_perm(request, "breakglass.use")
    m = request.membership
    search = BreakGlassSearchForm(request.GET)  # the exact search that found the person (the page's own URL)
    if not search.is_valid():
        raise Http404
    person = breakglass.get_person_for_breakglass(m, person_id, search.cleaned_data["name"],
                                                  search.cleaned_data["birth_date"])
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_open_breakglass(request=request, membership=m, person=person, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.warning(request, f"緊急アクセスを開始しました（{reference.breakglass_hours():g}時間）。"
                                      "管理者に通知されました。")
            return redirect("cases:person_detail", person.pk)
    return render(request, "consent/breakglass_open.html", {
        "form": form, "person": person, "search": search, "hours": reference.breakglass_hours()})


def breakglass_end(request, access_id):
    """The holder of the person's record ends a break-glass access early: GET shows what will end (the
    confirmation), POST ends it with a reason. 404 alike for missing and forbidden."""
    m = request.membership
    glass = access.get_breakglass_for_ending(m, access_id)
    form = EndBreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_end_breakglass(request=request, membership=m, access=glass, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{glass.user}さん（{glass.organisation.name}）の緊急アクセスを終了しました。"
                                      "相手は直ちに本人の記録を見られなくなります。")
            return redirect("consent:person_register", glass.person_id)
    _log_read(request, "breakglass.end_form_viewed", glass, glass.person)
    return render(request, "consent/breakglass_end.html", {
        "glass": glass, "person": glass.person, "form": form,
        "active": glass.ended_at is None and glass.expires_at > timezone.now()})


@require_POST
def notification_ack(request, notification_id):
    require_perm(request, "audit.view")
    m = request.membership
    notification = notices_access.get_notice_for_user(m, notification_id, kinds=[actions.BREAKGLASS_NOTICE])
    actions.do_acknowledge_notification(request=request, membership=m, notification=notification)
    messages.success(request, "緊急アクセスを確認済みにしました。")
    return redirect("core:dashboard")
