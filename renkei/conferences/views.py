"""Pages of support teams, conferences and action items. Thin: access.py to fetch, actions.py to change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renkei.cases import versioning
from renkei.cases.access import BASIC
from renkei.consent import access as consent_access
from renkei.core import refused
from renkei.core.pdf import pdf_response, render_pdf

from . import access, actions, lapse, reference
from .access import MINUTES
from .forms import (
    ActionItemForm,
    AttendeeForm,
    ConferenceEditForm,
    ConferenceForm,
    PurposeForm,
    RoleForm,
    StatusForm,
    TeamMemberForm,
)
from .models import TeamMember


def _m(request):
    m = request.membership
    if not access.may_attend(m):
        raise Http404
    return m


def _flash_errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


# --- list -----------------------------------------------------------------------------------------------
def conference_list(request):
    m = _m(request)
    conferences = list(access.conferences_visible_to(m).order_by("-starts_at", "-id")[:100])
    items = list(access.open_items_owned_by(request.user).select_related("conference__case"))
    actions.log_listing(request, m, "conference.listed", conferences, items)
    return render(request, "conferences/list.html", {"conferences": conferences, "items": items,
                                                      "status_choices": reference.status_choices()})


# --- team -----------------------------------------------------------------------------------------------
def _team_context(request, m, ta):
    team = access.team_of(ta.case)
    members = list(team.members.select_related("user", "organisation").filter(removed_at__isnull=True)) if team \
        else []
    ended = lapse.ended_for(team, members) if team else {}
    for tm in members:  # whose access ended with the team consent: when, why (renkei.conferences.lapse)
        tm.access_ended = ended.get(tm.pk)
    me = next((tm for tm in members if tm.user_id == m.user_id and tm.organisation_id == m.organisation_id), None)
    return {"case": ta.case, "person": ta.case.person, "team": team, "members": members, "me": me,
            "can_manage": ta.can_manage, "full": ta.full,
            "ended_members": [tm for tm in members if tm.access_ended],
            "may_record_consent": ta.full and consent_access.may_share(m, ta.case.person),
            "events": team.events.select_related("by")[:50] if team else [],
            "conferences": access.conferences_visible_to(m).filter(case=ta.case)}


def _team_ended(request, m, case_id):
    """The member's view of a team whose consent no longer reaches them: when and why, and what next."""
    ea = access.get_ended_team_access(m, case_id)
    lapse.check(ea.member.team)
    actions.log_read(request, m, "team.access_ended_viewed", ea.case, ea.case.person, [BASIC])
    return render(request, "conferences/team_ended.html", {"case": ea.case, "member": ea.member,
                                                           "ended": ea.ended})


def team(request, case_id):
    m = _m(request)
    try:
        ta = access.get_case_team_access(m, case_id)
    except Http404:
        return _team_ended(request, m, case_id)
    if (team := access.team_of(ta.case)) is not None:
        lapse.check(team)  # a team consent past its date is told on read too
    actions.log_read(request, m, "team.viewed", ta.case, ta.case.person, [BASIC])
    context = _team_context(request, m, ta)
    if ta.can_manage:
        context |= {"member_form": refused.restore(request, TeamMemberForm()), "role_choices": reference.team_role_choices()}
    return render(request, "conferences/team.html", context)


def _managed_case(request, case_id):
    m = _m(request)
    ta = access.get_case_team_access(m, case_id)
    if not ta.can_manage:
        raise Http404
    return m, ta.case


@require_POST
def team_member_add(request, case_id):
    m, case = _managed_case(request, case_id)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            member = actions.do_add_team_member(request=request, membership=m, case=case, role=d["role"],
                                                member_membership=d["membership"], name=d["name"],
                                                organisation_label=d["organisation_label"])
        except ValidationError as error:
            _flash_errors(request, error)
            refused.keep(request, form, reverse("conferences:team", args=[case.pk]), error)
        else:
            messages.success(request, f"{member.display_name}さんをチームに加えました。")
    else:
        messages.error(request, "入力を確認してください。")
        refused.keep(request, form, reverse("conferences:team", args=[case.pk]))
    return redirect("conferences:team", case.pk)


@require_POST
def team_member_role(request, case_id, member_id):
    m, case = _managed_case(request, case_id)
    member = access.get_member_for_manager(m, case, member_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("チームでの役割を選んでください。")
        actions.do_change_member_role(request=request, membership=m, member=member, role=form.cleaned_data["role"])
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, "役割を変更しました。")
    return redirect("conferences:team", case.pk)


@require_POST
def team_member_remove(request, case_id, member_id):
    m, case = _managed_case(request, case_id)
    member = access.get_member_for_manager(m, case, member_id)
    try:
        actions.do_remove_team_member(request=request, membership=m, member=member,
                                      reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, f"{member.display_name}さんがチームから外れました。")
    return redirect("conferences:team", case.pk)


def _purpose_values(team) -> dict:
    return {"purpose": team.purpose if team else "", "goals": team.goals if team else "",
            "version": team.purpose_version if team else 0}


def team_purpose(request, case_id):
    m, case = _managed_case(request, case_id)
    team = access.team_of(case)
    initial = _purpose_values(team)
    form = PurposeForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and (taken := versioning.taken_version(request.POST)) is not None:
        form = PurposeForm(versioning.rebase(request.POST, taken), initial=initial)
        conflict = versioning.conflict(form, initial, initial["version"], taken=taken == initial["version"])
    elif request.method == "POST" and form.is_valid():
        try:
            actions.do_set_purpose(request=request, membership=m, case=case, **form.cleaned_data)
        except versioning.StaleVersion as stale:
            conflict = versioning.conflict(form, _purpose_values(stale.current), stale.current.purpose_version)
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "目的を保存しました。構成員に確認をお願いしています。")
            return redirect("conferences:team", case.pk)
    actions.log_read(request, m, "case.form_viewed", case, case.person, [BASIC])
    return render(request, "conferences/purpose_form.html", {"form": form, "case": case, "conflict": conflict})


@require_POST
def team_acknowledge(request, case_id):
    m = _m(request)
    ta = access.get_case_team_access(m, case_id)
    member = None
    if request.POST.get("member"):
        if not ta.can_manage:
            raise Http404
        member = access.get_member_for_manager(m, ta.case, request.POST["member"])
    try:
        actions.do_acknowledge_purpose(request=request, membership=m, case=ta.case, member=member)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, "目的の確認を記録しました。")
    return redirect("conferences:team", ta.case.pk)


# --- conferences ------------------------------------------------------------------------------------------
def conference_create(request, case_id):
    m, case = _managed_case(request, case_id)
    form = ConferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conference = actions.do_create_conference(request=request, membership=m, case=case, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "会議を登録しました。出席者を加え、情報の取扱いルールへの同意を記録してください。")
            return redirect("conferences:detail", conference.pk)
    actions.log_read(request, m, "case.form_viewed", case, case.person, [BASIC])
    return render(request, "conferences/conference_form.html", {"form": form, "case": case,
                                                                "kinds": reference.kinds()})


def conference_detail(request, conference_id):
    m = _m(request)
    conference = access.get_conference_for_user(m, conference_id)
    ma = access.minutes_access(m, conference)
    groups = [BASIC, MINUTES] if ma.allowed else ([BASIC] if ma.person_visible else [])
    actions.log_read(request, m, "conference.viewed", conference, conference.case.person, groups, ma.legal_basis)
    can_manage = access.can_manage_conference(m, conference)
    attendees = list(conference.attendees.select_related("user", "organisation", "agreement_recorded_by"))
    context = {"conference": conference, "case": conference.case, "access": ma, "can_manage": can_manage,
               "attendees": attendees, "rules": conference.rules,
               "items": conference.action_items.select_related("owner") if ma.allowed else [],
               "status_choices": reference.status_choices()}
    if can_manage:
        team = access.team_of(conference.case)
        members = team.members.filter(removed_at__isnull=True).select_related("user", "organisation") if team else []
        context |= {"attendee_form": refused.restore(request, AttendeeForm(team_members=members)),
                    "item_form": refused.restore(request, ActionItemForm(owners=actions.owner_choices(conference))),
                    "consent_warnings": _consent_warnings(conference, attendees)}
    return render(request, "conferences/detail.html", context)


def _consent_warnings(conference, attendees) -> dict:
    """For conference kinds that need consent: attendees whose organisation lacks consent for the minutes."""
    if conference.shares_without_consent:
        return {}
    from renkei.accounts.models import Membership
    from renkei.consent.access import scopes_shared_with, sharing_basis

    scope = conference.kind_info.get("consent_scope", MINUTES)
    case = conference.case
    warnings = {}
    for a in attendees:
        if not a.organisation_id or a.organisation_id == case.organisation_id:
            continue
        if a.user_id:  # staff: what they may see as members of their organisation (support-team consents too)
            m = Membership.objects.filter(user_id=a.user_id, organisation_id=a.organisation_id, is_active=True).first()
            covered = m is not None and scope in scopes_shared_with(m, case.person)
        else:
            covered = sharing_basis(case.person, a.organisation, scope) is not None
        if not covered:
            warnings[a.pk] = (f"{a.organisation.name}には本人の同意（{scope}）がありません。"
                              "この参加者は議事録を見られません。")
    return warnings


def _conference_values(conference) -> dict:
    return {f: getattr(conference, f) for f in ("kind", "title", "starts_at", "ends_at", "place", "is_remote",
                                                "agenda", "minutes", "decisions", "version")}


def conference_edit(request, conference_id):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    initial = _conference_values(conference)
    form = ConferenceEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and (taken := versioning.taken_version(request.POST)) is not None:
        form = ConferenceEditForm(versioning.rebase(request.POST, taken), initial=initial)
        conflict = versioning.conflict(form, initial, conference.version, taken=taken == conference.version)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_update_conference(request=request, membership=m, conference=conference, data=d,
                                         version=d["version"])
        except versioning.StaleVersion as stale:
            conflict = versioning.conflict(form, _conference_values(stale.current), stale.current.version)
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "会議の記録を保存しました。")
            return redirect("conferences:detail", conference.pk)
    if request.method == "GET":
        actions.log_read(request, m, "conference.viewed", conference, conference.case.person, [BASIC, MINUTES])
    return render(request, "conferences/conference_form.html", {"form": form, "case": conference.case,
                                                                "conference": conference, "kinds": reference.kinds(),
                                                                "conflict": conflict})


@require_POST
def attendee_add(request, conference_id):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    team = access.team_of(conference.case)
    members = team.members.filter(removed_at__isnull=True) if team else TeamMember.objects.none()
    form = AttendeeForm(request.POST, team_members=members)
    if form.is_valid():
        d = form.cleaned_data
        team_member = members.filter(pk=d["team_member"]).first() if d["team_member"] else None
        try:
            attendee = actions.do_add_attendee(request=request, membership=m, conference=conference,
                                               member_membership=d["membership"], team_member=team_member,
                                               name=d["name"], organisation_label=d["organisation_label"],
                                               role_label=d["role_label"])
        except ValidationError as error:
            _flash_errors(request, error)
            refused.keep(request, form, reverse("conferences:detail", args=[conference.pk]), error)
        else:
            messages.success(request, f"{attendee.display_name}さんを出席者に加えました。")
    else:
        messages.error(request, "入力を確認してください。")
        refused.keep(request, form, reverse("conferences:detail", args=[conference.pk]))
    return redirect("conferences:detail", conference.pk)


@require_POST
def agreement(request, conference_id, attendee_id):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    attendee = conference.attendees.filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404
    try:
        actions.do_record_agreement(request=request, membership=m, conference=conference, attendee=attendee,
                                    agreed=request.POST.get("agreed") == "1")
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, f"{attendee.display_name}さんの同意を記録しました。")
    return redirect("conferences:detail", conference.pk)


@require_POST
def action_add(request, conference_id):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    form = ActionItemForm(request.POST, owners=actions.owner_choices(conference))
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_add_action_item(request=request, membership=m, conference=conference,
                                       description=d["description"], owner=form.owners.get(d["owner"]),
                                       due_date=d["due_date"])
        except ValidationError as error:
            _flash_errors(request, error)
            refused.keep(request, form, reverse("conferences:detail", args=[conference.pk]), error)
        else:
            messages.success(request, "宿題を登録しました。担当者のマイページに表示されます。")
    else:
        messages.error(request, "宿題の内容・担当者・期限を確認してください。")
        refused.keep(request, form, reverse("conferences:detail", args=[conference.pk]))
    return redirect("conferences:detail", conference.pk)


@require_POST
def action_status(request, item_id):
    m = _m(request)
    item = access.get_action_item_for_user(m, item_id)
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("状態を選んでください。")
        actions.do_set_action_status(request=request, membership=m, item=item, status=form.cleaned_data["status"])
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, f"宿題の状態を「{item.status_name}」にしました。")
    target = request.POST.get("next")
    if target == "dashboard":
        return redirect("core:dashboard")
    if target == "list":
        return redirect("conferences:list")
    return redirect("conferences:detail", item.conference_id)


def minutes_pdf(request, conference_id):
    m = _m(request)
    conference = access.get_conference_for_user(m, conference_id)
    ma = access.minutes_access(m, conference)
    if not ma.allowed:
        raise Http404
    actions.log_read(request, m, "conference.minutes_pdf", conference, conference.case.person, [BASIC, MINUTES],
                     ma.legal_basis)
    pdf = render_pdf("conferences/minutes_pdf.html", {
        "conference": conference, "case": conference.case, "person": conference.case.person,
        "attendees": conference.attendees.select_related("user", "organisation"), "rules": conference.rules,
        "items": conference.action_items.select_related("owner")}, request=request)
    return pdf_response(pdf, f"minutes-{conference.pk}.pdf")
