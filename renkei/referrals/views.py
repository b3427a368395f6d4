"""Referral pages: inbox, new referral, a referral with its transitions, a case's referrals,
notifications and per-agency figures. Thin: access.py to fetch, actions.py to change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renkei.accounts.access import require_perm
from renkei.audit import reads
from renkei.cases import access as cases_access
from renkei.core import query
from renkei.notices import actions as notice_actions

from . import access, actions, alternatives, escalation, lapse, overdue, present, reference, stats, tarai
from . import inbox as boxes
from .forms import RebaseForm, ReferralForm, TransitionForm


def _m(request):
    m = getattr(request, "membership", None)
    if not (access.can_send(m) or access.can_respond(m)):
        raise Http404
    return m


def _reader(request):
    """Notices are read by whoever they were made for — also staff who neither send nor answer referrals
    (a peer supporter told that a support team's consent ended); each sees only their own."""
    m = getattr(request, "membership", None)
    if m is None or not m.is_active:
        raise Http404
    return m


def _messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def inbox(request):
    m = _m(request)
    received, sent = boxes.received(m), boxes.sent(m)
    actions.log_listing(request, m, "referral.listed", boxes.referrals_in(received, sent))
    return render(request, "referrals/inbox.html", {"received": received, "sent": sent,
                                                     "can_send": access.can_send(m),
                                                     "can_respond": access.can_respond(m)})


def referral_detail(request, referral_id):
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    view = present.shared_view(m, referral)
    actions.log_read(request, m, "referral.viewed", referral, groups=view["groups"])
    side = access.side_of(m, referral)
    alts = alternatives.next_best(referral, m) if side == reference.REQUESTER and referral.is_unsuccessful else []
    chain = tarai.chain_for(m, referral.person) if view["own"] else None
    return render(request, "referrals/detail.html", {
        "referral": referral, "view": view, "side": side, "transitions": access.allowed_transitions(m, referral),
        "form": TransitionForm(initial={"expected_status": referral.status}), "events": referral.events.select_related(
            "by", "organisation"), "alternatives": alts, "chain": chain, "overdue": overdue.check(referral),
        "reasons": reference.selectable_reasons(), "needs_reason": reference.data()["needs_reason"],
        "rebase_form": RebaseForm(referral) if access.can_rebase(m, referral) else None,
    })


@require_POST
def referral_rebase(request, referral_id):
    """The sender's next step for a referral held because its basis ended: record a new basis."""
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    if not access.can_rebase(m, referral):
        raise Http404
    form = RebaseForm(referral, request.POST)
    if not form.is_valid():
        messages.error(request, "新しい根拠の内容が正しくありません。選び直してください。")
        return redirect("referrals:detail", referral.pk)
    d = form.cleaned_data
    try:
        referral = actions.do_rebase(request=request, membership=m, referral=referral, basis=d["basis"],
                                     consent_ids=d["consent_ids"], legal_basis=d["legal_basis"],
                                     justification=d["justification"], note=d["note"])
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
    else:
        messages.success(request, f"共有の根拠を記録し直し、連携依頼を「{referral.status_name}」に戻しました。")
    return redirect("referrals:detail", referral.pk)


@require_POST
def referral_transition(request, referral_id):
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "変更の内容が正しくありません。画面を読み込み直してください。")
        return redirect("referrals:detail", referral.pk)
    d = form.cleaned_data
    try:
        referral = actions.do_transition(request=request, membership=m, referral=referral, to_status=d["to_status"],
                                         reason=d["reason"], reason_text=d["reason_text"], outcome=d["outcome"],
                                         note=d["note"], expected_status=d["expected_status"])
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
    else:
        messages.success(request, f"連携依頼を「{referral.status_name}」にしました。")
    return redirect("referrals:detail", referral.pk)


@query.reads(to_organisation=query.Id("依頼先の機関"), service=query.Uuid("依頼先のサービス"), need=query.Uuid("ニーズ"),
             escalate=query.Flag("上位機関への依頼"))
def referral_create(request, case_id):
    m = _m(request)
    if not access.can_send(m):
        raise Http404
    cases_access.require_edit(m)
    case = cases_access.get_case_for_user(m, case_id)
    initial = {k: getattr(request.query, k) for k in ("to_organisation", "service", "need") if getattr(request.query, k)}
    if request.query.escalate:
        initial |= escalation.initial_for(m, case)
    form = ReferralForm(m, case, request.POST or None, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            referral = actions.do_create_referral(
                request=request, membership=m, case=case, to_organisation=d["to_organisation"], service=d["service"],
                need=d["need"], purpose=d["purpose"], urgency=d["urgency"], asks=d["asks"], scopes=d["scopes"],
                basis=d["basis"], consent_ids=d["consent_ids"], legal_basis=d["legal_basis"],
                justification=d["justification"], send=d["send"], **escalation.kind_fields(m, case, request.POST))
        except actions.LiveReferralExists as error:
            existing = error.existing
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            for message in _messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, "連携依頼を送りました。" if referral.status == "requested" else "下書きを保存しました。")
            return redirect("referrals:detail", referral.pk)
    cases_access.get_person_for_user(m, case.person_id)
    reads.log_read(request, "case.form_viewed", obj=case, person=case.person, field_groups=[cases_access.BASIC],
                   membership=m)
    return render(request, "referrals/create.html", {
        "form": form, "case": case, "existing": existing, "escalation": escalation.suggestion(m, case)
        if request.query.escalate or request.POST.get("escalation_rule") else None,
    })


def case_referrals(request, case_id):
    m = _m(request)
    case = cases_access.get_case_for_user(m, case_id)
    referrals = [lapse.check(r) for r in access.referrals_visible_to(m).filter(case=case).order_by("-created_at")]
    actions.log_read_case(request, m, case)
    return render(request, "referrals/case.html", {
        "case": case, "referrals": referrals, "held": [r for r in referrals if r.is_basis_held], "chain": tarai.chain_for(m, case.person),
        "escalation": escalation.suggestion(m, case), "can_send": access.can_send(m) and cases_access.can_edit(m),
    })


def notifications(request):
    m = _reader(request)
    items = list(access.notifications_for(m)[:100])
    actions.log_notices(request, m, items)
    return render(request, "referrals/notifications.html", {"items": items})


@require_POST
def notification_read(request, notification_id):
    m = _reader(request)
    note = access.get_notification_for_user(m, notification_id)
    notice_actions.do_mark_read(membership=m, notification=note)
    referral_id = actions.referral_of_notice(note)
    if referral_id is not None:
        if access.referrals_visible_to(m).filter(pk=referral_id).exists():
            return redirect("referrals:detail", referral_id)
    elif note.url.startswith("/") and not note.url.startswith("//"):
        return redirect(note.url)
    return redirect("referrals:notifications")


def stats_page(request):
    require_perm(request, "report.view")
    return render(request, "referrals/stats.html", {"figures": stats.all_figures(),
                                                     "min_answered": reference.performance_min_answered()})
