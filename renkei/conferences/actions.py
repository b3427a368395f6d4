"""State changes of support teams, conferences and action items.

Each runs in one transaction, validates (ValidationError with a Japanese message, nothing changed),
writes, and logs an audit entry naming the person. Team changes also appear in the case timeline (a
連絡調整 record entry through the cases actions) and in the team's own history (`TeamEvent`).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation
from renkei.audit import reads
from renkei.audit.actions import log_event
from renkei.cases.access import BASIC, can_edit
from renkei.cases.actions import do_add_entry
from renkei.cases.versioning import StaleVersion

from . import access, reference
from .access import MINUTES
from .models import ActionItem, Attendee, Conference, SupportTeam, TeamEvent, TeamMember

PURPOSE = "支援チーム・会議による多機関連携"


def _log(action, request, m, *, obj, person, groups, legal_basis="", data=None):
    log_event(action, request=request, actor=m.user, organisation=m.organisation, obj=obj, person=person,
              field_groups=groups, purpose=PURPOSE, legal_basis=legal_basis, data=data)


def log_read(request, m, action, obj, person, groups, legal_basis="") -> None:
    """Every read of person-level data is on record (pages, API, PDFs), with the field groups visible and
    the basis (renkei.audit.reads)."""
    reads.log_read(request, action, obj=obj, person=person, field_groups=groups, membership=m, purpose=PURPOSE,
                   legal_basis=legal_basis)


def log_listing(request, m, action, conferences, items=(), minutes=()) -> None:
    """One entry for a list of conferences and action items: the persons of their cases; 会議記録 among
    the field groups when minutes (or action items, which come from them) are shown."""
    conferences, items = list(conferences), list(items)
    persons = [c.case.person_id for c in conferences] + [i.conference.case.person_id for i in items]
    groups = [BASIC, MINUTES] if minutes or items else [BASIC]
    reads.log_listing(request, action, persons, field_groups=groups, membership=m, purpose=PURPOSE,
                      data={"conferences": [c.pk for c in conferences], "items": [i.pk for i in items],
                            "minutes": [c.pk for c in minutes]})


def _require_manage(m):
    if not access.may_manage(m):
        raise ValidationError("支援チーム・会議を運営する権限がありません。")


def _timeline(request, m, case, text):
    if can_edit(m):
        do_add_entry(request=request, membership=m, case=case, kind="coordination", body=text, automatic=True)


# --- support team ------------------------------------------------------------------------------------------
def team_for(case) -> SupportTeam:
    team, _ = SupportTeam.objects.get_or_create(case=case)
    return team


def _clean_member(team, *, membership, name, organisation, organisation_label, role):
    name = (name or "").strip()
    organisation_label = (organisation_label or "").strip()
    errors = []
    if role not in reference.team_role_names():
        errors.append("チームでの役割を選んでください。")
    if membership is None and not name:
        errors.append("職員を選ぶか、職員でない人の氏名を入力してください。")
    if membership is not None and name:
        errors.append("職員を選んだときは氏名を入力しないでください。")
    if membership is None and name and organisation is None and not organisation_label:
        errors.append("職員でない人の所属（例: 青葉市民生委員児童委員協議会）を入力してください。")
    if membership is not None:
        if not membership.is_active or not membership.user.is_active:
            errors.append("この職員は無効になっています。")
        elif team.members.filter(user=membership.user, organisation=membership.organisation,
                                 removed_at__isnull=True).exists():
            errors.append(f"{membership.user}さん（{membership.organisation.name}）はすでにチームの構成員です。")
    if errors:
        raise ValidationError(errors)
    return name, organisation_label


@transaction.atomic
def do_add_team_member(*, request, membership, case, role, member_membership: Membership | None = None,
                       name="", organisation: Organisation | None = None, organisation_label="") -> TeamMember:
    _require_manage(membership)
    team = team_for(case)
    name, organisation_label = _clean_member(team, membership=member_membership, name=name,
                                             organisation=organisation, organisation_label=organisation_label,
                                             role=role)
    member = TeamMember.objects.create(
        team=team, user=member_membership.user if member_membership else None,
        organisation=member_membership.organisation if member_membership else organisation,
        name=name, organisation_label="" if member_membership else organisation_label, role=role,
        added_by=membership.user)
    text = f"支援チームに {member.display_name}（{member.organisation_name}・{member.role_name}）を加えました。"
    TeamEvent.objects.create(team=team, member=member, kind="added", text=text, by=membership.user)
    _log("team.member_added", request, membership, obj=member, person=case.person, groups=[BASIC],
         data={"case": case.number, "member": member.display_name, "organisation": member.organisation_name,
               "role": role})
    _timeline(request, membership, case, text)
    return member


@transaction.atomic
def do_change_member_role(*, request, membership, member: TeamMember, role) -> TeamMember:
    _require_manage(membership)
    if role not in reference.team_role_names():
        raise ValidationError("チームでの役割を選んでください。")
    if role == member.role:
        return member
    old = member.role_name
    member.role = role
    member.save(update_fields=["role"])
    case = member.team.case
    text = f"支援チームの {member.display_name}（{member.organisation_name}）の役割を {old} から {member.role_name} に変更しました。"
    TeamEvent.objects.create(team=member.team, member=member, kind="role_changed", text=text, by=membership.user)
    _log("team.member_role_changed", request, membership, obj=member, person=case.person, groups=[BASIC],
         data={"case": case.number, "member": member.display_name, "role": role})
    _timeline(request, membership, case, text)
    return member


@transaction.atomic
def do_remove_team_member(*, request, membership, member: TeamMember, reason="") -> TeamMember:
    _require_manage(membership)
    if member.removed_at is not None:
        raise ValidationError("この構成員はすでにチームから外れています。")
    member.removed_at, member.removed_by = timezone.now(), membership.user
    member.save(update_fields=["removed_at", "removed_by"])
    case = member.team.case
    reason = (reason or "").strip()
    text = f"支援チームから {member.display_name}（{member.organisation_name}・{member.role_name}）が外れました。" + (
        f"理由: {reason}" if reason else "")
    TeamEvent.objects.create(team=member.team, member=member, kind="removed", text=text, by=membership.user)
    _log("team.member_removed", request, membership, obj=member, person=case.person, groups=[BASIC],
         data={"case": case.number, "member": member.display_name, "reason": reason})
    _timeline(request, membership, case, text)
    return member


@transaction.atomic
def do_set_purpose(*, request, membership, case, purpose, goals="", version=None) -> SupportTeam:
    """Write the shared purpose; a change asks every member to acknowledge it again. With `version` (the
    purpose version the form was opened on) a colleague's newer purpose refuses the save (StaleVersion)."""
    _require_manage(membership)
    purpose, goals = (purpose or "").strip(), (goals or "").strip()
    if not purpose:
        raise ValidationError("チームで共有する目的を入力してください。")
    if len(purpose) > 1000 or len(goals) > 4000:
        raise ValidationError("目的は1000字、目標は4000字までで入力してください。")
    team = SupportTeam.objects.select_for_update().get(pk=team_for(case).pk)
    if version is not None and str(version) != str(team.purpose_version):
        raise StaleVersion(team, "ほかの人が先にチームの目的を変更しました。保存されていません。両方の内容を確認してください。")
    if team.purpose == purpose and team.goals == goals:
        return team
    team.purpose, team.goals = purpose, goals
    team.purpose_version += 1
    team.purpose_updated_by, team.purpose_updated_at = membership.user, timezone.now()
    team.save()
    text = f"支援チームの目的を{'書きました' if team.purpose_version == 1 else '変更しました'}:「{purpose}」"
    TeamEvent.objects.create(team=team, kind="purpose", text=text, by=membership.user)
    _log("team.purpose_set", request, membership, obj=team, person=case.person, groups=[BASIC],
         data={"case": case.number, "version": team.purpose_version})
    _timeline(request, membership, case, text)
    return team


@transaction.atomic
def do_acknowledge_purpose(*, request, membership, case, member: TeamMember | None = None) -> TeamMember:
    """A member acknowledges the current purpose; a manager may record it for a member who is not staff."""
    team = team_for(case)
    if team.purpose_version == 0:
        raise ValidationError("まだ目的が書かれていません。")
    if member is None:
        member = access.active_team_members(membership).filter(team=team).first()
        if member is None:
            raise ValidationError("このチームの構成員ではないため、目的の確認は記録できません。")
    elif member.user_id is not None and member.user_id != membership.user_id:
        raise ValidationError("職員の構成員は、本人がログインして目的を確認します。")
    else:
        _require_manage(membership)
    if member.acknowledged_version == team.purpose_version:
        return member
    member.acknowledged_version, member.acknowledged_at = team.purpose_version, timezone.now()
    member.acknowledgement_recorded_by = membership.user
    member.save(update_fields=["acknowledged_version", "acknowledged_at", "acknowledgement_recorded_by"])
    TeamEvent.objects.create(team=team, member=member, kind="acknowledged", by=membership.user,
                             text=f"{member.display_name}（{member.organisation_name}）が目的を確認しました。")
    _log("team.purpose_acknowledged", request, membership, obj=member, person=case.person, groups=[BASIC],
         data={"case": case.number, "version": team.purpose_version, "member": member.display_name})
    return member


# --- conferences --------------------------------------------------------------------------------------------
def _clean_conference(membership, data: dict) -> dict:
    errors = []
    kind = reference.kind(data.get("kind") or "")
    if kind is None:
        errors.append("会議の種類を選んでください。")
    elif kind["conveners"] and membership.organisation.type.code not in kind["conveners"]:
        errors.append(f"{kind['name']}を招集できるのは市町村です（{membership.organisation.name}は招集できません）。")
    starts_at = data.get("starts_at")
    if not starts_at:
        errors.append("日時を入力してください。")
    ends_at = data.get("ends_at")
    if starts_at and ends_at and ends_at < starts_at:
        errors.append("終了は開始より後にしてください。")
    place = (data.get("place") or "").strip()
    if not place and not data.get("is_remote"):
        errors.append("場所を入力するか、オンラインを選んでください。")
    if errors:
        raise ValidationError(errors)
    return {"kind": kind["code"], "title": (data.get("title") or "").strip(), "starts_at": starts_at,
            "ends_at": ends_at, "place": place, "is_remote": bool(data.get("is_remote")),
            "agenda": (data.get("agenda") or "").strip()}


@transaction.atomic
def do_create_conference(*, request, membership, case, data: dict) -> Conference:
    _require_manage(membership)
    values = _clean_conference(membership, data)
    conference = Conference.objects.create(case=case, organisation=membership.organisation,
                                           convener=membership.user, **values)
    Attendee.objects.create(conference=conference, user=membership.user, organisation=membership.organisation,
                            role_label="招集者")
    _log("conference.created", request, membership, obj=conference, person=case.person, groups=[BASIC, MINUTES],
         data={"case": case.number, "kind": conference.kind})
    return conference


def _check_version(conference, version):
    if version is not None and str(version) != str(conference.version):
        raise StaleVersion(conference, "ほかの人がこの会議の記録を先に更新しました。保存されていません。"
                                       "両方の内容を確認してください。")


@transaction.atomic
def do_update_conference(*, request, membership, conference: Conference, data: dict, version=None) -> Conference:
    _require_manage(membership)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    _check_version(conference, version)
    values = _clean_conference(membership, {**data, "kind": data.get("kind") or conference.kind})
    values["minutes"] = (data.get("minutes") or "").strip()
    values["decisions"] = (data.get("decisions") or "").strip()
    changed = [k for k, v in values.items() if getattr(conference, k) != v]
    for k in changed:
        setattr(conference, k, values[k])
    if changed:
        conference.version += 1
        conference.updated_at = timezone.now()
        conference.save()
        _log("conference.updated", request, membership, obj=conference, person=conference.case.person,
             groups=[MINUTES], data={"fields": changed})
    return conference


@transaction.atomic
def do_add_attendee(*, request, membership, conference, member_membership: Membership | None = None,
                    team_member: TeamMember | None = None, name="", organisation_label="", role_label="") -> Attendee:
    _require_manage(membership)
    name, organisation_label = (name or "").strip(), (organisation_label or "").strip()
    user = org = None
    if team_member is not None:
        user, org = team_member.user, team_member.organisation
        if user is None:
            name, organisation_label = team_member.name, team_member.organisation_label
        role_label = role_label or team_member.role_name
    elif member_membership is not None:
        user, org = member_membership.user, member_membership.organisation
    elif not name:
        raise ValidationError("出席者を選ぶか、氏名を入力してください。")
    elif not organisation_label:
        raise ValidationError("出席者の所属を入力してください。")
    if user is not None and conference.attendees.filter(user=user, organisation=org).exists():
        raise ValidationError(f"{user}さんはすでに出席者に入っています。")
    attendee = Attendee.objects.create(conference=conference, team_member=team_member, user=user, organisation=org,
                                       name="" if user else name, organisation_label="" if user else organisation_label,
                                       role_label=(role_label or "").strip())
    _log("conference.attendee_added", request, membership, obj=attendee, person=conference.case.person,
         groups=[BASIC], data={"conference": conference.pk, "attendee": attendee.display_name,
                               "organisation": attendee.organisation_name})
    return attendee


def _support_meeting_disclosure(request, membership, conference, attendee):
    """In a 支援会議, sharing with an agreeing member of another organisation is recorded as a disclosure
    on the kind's legal basis (社会福祉法106条の6) through the consent app."""
    from renkei.consent.actions import do_record_disclosure

    kind = conference.kind_info
    org = attendee.organisation
    if org is None or org.pk == membership.organisation_id:
        return None
    day = timezone.localdate(conference.starts_at)
    justification = f"{conference.kind_name}「{conference}」（{day:%Y-%m-%d}開催）の構成員として情報を共有"
    return do_record_disclosure(
        request=request, membership=membership, person=conference.case.person, recipient=org,
        scopes=kind.get("disclosure_scopes", [BASIC]), legal_basis=kind["legal_basis"], justification=justification,
        valid_until=max(day, timezone.localdate()) + dt.timedelta(days=kind.get("disclosure_days", 90)))


@transaction.atomic
def do_record_agreement(*, request, membership, conference, attendee: Attendee, agreed: bool = True) -> Attendee:
    """The convener explained the rules; the attendee agreed. Records the rules as explained."""
    _require_manage(membership)
    if not agreed:
        raise ValidationError("情報の取扱いルールへの同意を確認してから記録してください。")
    if attendee.has_agreed:
        raise ValidationError(f"{attendee.display_name}さんの同意はすでに記録されています。")
    attendee.agreed_at, attendee.agreement_recorded_by = timezone.now(), membership.user
    attendee.agreed_rules = conference.rules
    legal_basis = ""
    if conference.shares_without_consent:
        disclosure = _support_meeting_disclosure(request, membership, conference, attendee)
        if disclosure is not None:
            attendee.disclosure_id = disclosure.pk
            legal_basis = disclosure.legal_basis_label
    attendee.save()
    _log("conference.agreement_recorded", request, membership, obj=attendee, person=conference.case.person,
         groups=[BASIC], legal_basis=legal_basis,
         data={"conference": conference.pk, "attendee": attendee.display_name, "rules": len(attendee.agreed_rules)})
    return attendee


def owner_choices(conference):
    """Users who may own an action item: attendees and active team members who are staff."""
    users = {a.user for a in conference.attendees.select_related("user") if a.user_id}
    team = access.team_of(conference.case)
    if team is not None:
        users |= {tm.user for tm in team.members.filter(removed_at__isnull=True, user__isnull=False)
                  .select_related("user")}
    return sorted(users, key=lambda u: (u.kana_folded, u.pk))


@transaction.atomic
def do_add_action_item(*, request, membership, conference, description, owner, due_date) -> ActionItem:
    _require_manage(membership)
    description = (description or "").strip()
    errors = []
    if not description:
        errors.append("宿題の内容を入力してください。")
    if owner is None or owner not in owner_choices(conference):
        errors.append("担当者を出席者またはチームの構成員から選んでください。")
    if due_date is None:
        errors.append("期限を入力してください。")
    if errors:
        raise ValidationError(errors)
    item = ActionItem.objects.create(conference=conference, description=description, owner=owner, due_date=due_date,
                                     created_by=membership.user)
    _log("conference.action_added", request, membership, obj=item, person=conference.case.person, groups=[MINUTES],
         data={"conference": conference.pk, "owner": owner.get_username(), "due": due_date})
    return item


@transaction.atomic
def do_set_action_status(*, request, membership, item: ActionItem, status) -> ActionItem:
    if not access.can_update_item(membership, item):
        raise ValidationError("この宿題の状態を変える権限がありません。")
    if status not in reference.status_names():
        raise ValidationError("状態を選んでください。")
    if status == item.status:
        return item
    old = item.status
    item.status = status
    item.completed_at = timezone.now() if status not in reference.open_statuses() else None
    item.updated_at = timezone.now()
    item.save(update_fields=["status", "completed_at", "updated_at"])
    _log("conference.action_status", request, membership, obj=item, person=item.conference.case.person,
         groups=[MINUTES], data={"from": old, "to": status})
    return item
