"""Who may see support teams, conferences, minutes and action items. Every query goes through here.

- A case's team page: whoever sees the case (cases access layer), and active team members whose
  organisation may see the person's 基本情報 (consent or legal basis, through `renkei.consent.access`).
- The team grant (registered with the cases access layer): an active team member sees the case and
  the person only within the scopes consent or a legal basis covers for their organisation. Team
  membership alone never bypasses consent.
- A conference: whoever sees its case, its attendees, its convener, and team members who see 基本情報.
- Minutes, decisions and action items of a conference: the case's own organisation; in a conference
  kind that shares without consent (支援会議), the convener and attendees who agreed to the rules
  (secrecy); in the other kinds, those whose organisation holds consent for 会議記録 (and, when they
  attend, who agreed to the rules).
Everything answers Http404 alike for missing and forbidden.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from renkei.cases.access import BASIC, NOTHING, RECORDS, cases_visible_to, register_grant
from renkei.cases.grant_cache import grant_tables
from renkei.cases.models import Case
from renkei.consent.access import (
    basis_label,
    register_person_grants,
    register_support_teams,
    scopes_shared_with,
)

from . import reference
from .models import ActionItem, Conference, SupportTeam, TeamMember

MINUTES = reference.minutes_scope()


def _active(m) -> bool:
    return m is not None and m.is_active


def may_attend(m) -> bool:
    return _active(m) and (m.has_perm("conference.attend") or m.has_perm("person.view"))


def may_manage(m) -> bool:
    return _active(m) and m.has_perm("conference.manage")


def _places(m) -> QuerySet:
    return TeamMember.objects.filter(user=m.user, organisation=m.organisation, removed_at__isnull=True)


def active_team_members(m) -> QuerySet:
    """The acting member's own places in support teams (as this user, in this organisation)."""
    if not _active(m):
        return TeamMember.objects.none()
    return _places(m)


def member_case_ids(m, scope: str) -> list[int]:
    """Cases whose team has `m` as an active member and whose person `m` may see `scope` of."""
    ids = []
    for member in active_team_members(m).select_related("team__case__person"):
        case = member.team.case
        if case.organisation_id == m.organisation_id or scope in scopes_shared_with(m, case.person):
            ids.append(case.pk)
    return ids


# --- grants for the cases access layer ------------------------------------------------------------------
def _team_case_grant(m, prefix="") -> Q:
    return Q(**{f"{prefix}pk__in": member_case_ids(m, RECORDS)}) if _active(m) else NOTHING


def _team_person_grant(m, prefix="") -> Q:
    if not _active(m):
        return NOTHING
    ids = member_case_ids(m, BASIC)
    return Q(**{f"{prefix}pk__in": Case.objects.filter(pk__in=ids).values("person")}) if ids else NOTHING


# --- support teams as consent recipients (registered with the consent layer, which is lower) ----------------
def _member_team_ids(m) -> QuerySet:
    return _places(m).values("team_id")


def _consent_recipients(consent) -> QuerySet:
    """The staff members a support-team consent reaches now (active members with a login)."""
    if consent.recipient_kind != "support_team":
        return TeamMember.objects.none()
    return (TeamMember.objects.filter(team_id=consent.recipient_team_id, removed_at__isnull=True, user__isnull=False)
            .select_related("user", "organisation"))


def _teams_of_person(person) -> QuerySet:
    teams = SupportTeam.objects.filter(case__person=person) if person is not None else SupportTeam.objects.none()
    return teams.select_related("case")


def _team_label(team) -> str:
    members = team.members.filter(removed_at__isnull=True, user__isnull=False).count()
    return f"ケース {team.case.number} の支援チーム（職員の構成員 {members}名）"


def team_member_grants(m, person) -> list[dict]:
    """The holder's list of grants (consent register): members of the person's support teams from other
    organisations; a member whom the team consent no longer reaches says since when and why."""
    from . import lapse

    members = list(TeamMember.objects.filter(team__case__person=person, removed_at__isnull=True)
                   .exclude(organisation_id=m.organisation_id).select_related("team__case", "organisation", "user")
                   .order_by("added_at"))
    ended = {}
    for team in {member.team_id: member.team for member in members}.values():
        ended |= lapse.ended_for(team, [member for member in members if member.team_id == team.pk])
    rows = []
    for member in members:
        basis = f"ケース {member.team.case.number}"
        if (end := ended.get(member.pk)) is not None:
            basis += f"（{end.cause_name}により閲覧できません）"
        rows.append({"kind": "支援チームの構成員", "who": f"{member.display_name}（{member.organisation_name}）",
                     "since": member.added_at, "until": end.at.date() if end else None, "basis": basis,
                     "end_url": reverse("conferences:team", args=[member.team.case_id]), "end_label": "チームの画面で外す"})
    return rows


def register() -> None:
    """ConferencesConfig.ready: the team grants and the tables they read; the support teams as recipients
    of a consent, and their members in the holder's list of grants."""
    register_grant("case", _team_case_grant)
    register_grant("person", _team_person_grant)
    grant_tables(TeamMember)
    grant_tables(SupportTeam, ["case"])
    register_support_teams(member_teams=_member_team_ids, members=_consent_recipients, of_person=_teams_of_person,
                           label=_team_label)
    register_person_grants(30, team_member_grants)


# --- teams ------------------------------------------------------------------------------------------------
@dataclass
class TeamAccess:
    case: Case
    full: bool  # sees the case through the cases access layer (not only as a team member)
    can_manage: bool


def _attended_case_id(m, case_id) -> int:
    """The case id as an integer for a member who may attend conferences; 404 otherwise (alike)."""
    if not may_attend(m):
        raise Http404
    try:
        return int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None


def get_case_team_access(m, case_id) -> TeamAccess:
    """The case, if `m` may see its team page; 404 otherwise."""
    case_id = _attended_case_id(m, case_id)
    case = cases_visible_to(m).filter(pk=case_id).first()
    if case is not None:
        return TeamAccess(case, True, may_manage(m))
    if case_id in member_case_ids(m, BASIC):
        case = Case.objects.select_related("person", "organisation", "lead").get(pk=case_id)
        return TeamAccess(case, False, False)
    raise Http404


@dataclass
class EndedAccess:
    case: Case
    member: TeamMember
    ended: object  # lapse.Ended: when and why the team consent stopped reaching the member


def get_ended_team_access(m, case_id) -> EndedAccess:
    """The member's view of a team page they no longer see: `m` is an active member of the case's team whom
    a team consent reached and who, since it ended, sees the person through nothing else. Only the case
    number, the holder and how the access ended are shown (what the notice already told them). 404 for
    everyone else, alike for missing and forbidden."""
    from . import lapse

    case_id = _attended_case_id(m, case_id)
    member = (active_team_members(m).filter(team__case_id=case_id, user__isnull=False)
              .select_related("team__case__organisation", "team__case__lead", "team__case__person", "organisation")
              .first())
    ended = lapse.ended_for(member.team, [member]).get(member.pk) if member is not None else None
    if ended is None:
        raise Http404
    return EndedAccess(member.team.case, member, ended)


def team_of(case) -> SupportTeam | None:
    return SupportTeam.objects.filter(case=case).first()


def get_member_for_manager(m, case, member_id) -> TeamMember:
    try:
        return TeamMember.objects.select_related("team", "user", "organisation").get(
            pk=int(member_id), team__case=case, removed_at__isnull=True)
    except (TeamMember.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# --- conferences --------------------------------------------------------------------------------------------
def conferences_visible_to(m) -> QuerySet:
    if not may_attend(m):
        return Conference.objects.none()
    q = (Q(case__in=cases_visible_to(m).values("pk"))
         | Q(attendees__user=m.user, attendees__organisation=m.organisation)
         | Q(convener=m.user, organisation=m.organisation)
         | Q(case__in=member_case_ids(m, BASIC)))
    ids = Conference.objects.filter(q).values("pk")
    return Conference.objects.filter(pk__in=ids).select_related("case", "case__person", "organisation", "convener")


def get_conference_for_user(m, conference_id) -> Conference:
    try:
        return conferences_visible_to(m).get(pk=int(conference_id))
    except (Conference.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_manage_conference(m, conference) -> bool:
    return may_manage(m) and conference.organisation_id == m.organisation_id


def get_conference_for_manager(m, conference_id) -> Conference:
    conference = get_conference_for_user(m, conference_id)
    if not can_manage_conference(m, conference):
        raise Http404
    return conference


def _own(m, case) -> bool:
    return case.organisation_id == m.organisation_id and m.has_perm("person.view")


def _attendee(m, conference):
    return conference.attendees.filter(user=m.user, organisation=m.organisation).first()


def _is_convener(m, conference) -> bool:
    return conference.convener_id == m.user_id and conference.organisation_id == m.organisation_id


@dataclass
class MinutesAccess:
    allowed: bool
    legal_basis: str = ""
    warning: str = ""
    person_visible: bool = False


def minutes_access(m, conference) -> MinutesAccess:
    """Whether `m` may read the minutes, decisions and action items of `conference`, on what basis, and
    the Japanese warning shown when not."""
    case = conference.case
    if _own(m, case):
        return MinutesAccess(True, "", "", True)
    attendee = _attendee(m, conference)
    shared = scopes_shared_with(m, case.person)
    person_visible = BASIC in shared
    if conference.shares_without_consent:
        basis = conference.kind_info.get("legal_basis", "")
        if _is_convener(m, conference) or (attendee is not None and attendee.has_agreed):
            return MinutesAccess(True, f"{basis}:conference:{conference.pk}", "", True)
        return MinutesAccess(False, "", "この会議（支援会議）の記録は、守秘義務を含む情報の取扱いルールへの同意が"
                                        "記録された構成員だけが見られます。招集者に同意の記録を依頼してください。",
                             person_visible)
    scope = conference.kind_info.get("consent_scope", MINUTES)
    if scope not in shared:
        return MinutesAccess(False, "", f"{m.organisation.name}には本人の同意（{scope}）が確認できないため、"
                                        "この会議の議事録・決定事項・宿題は表示できません。同意の範囲を確認してください。",
                             person_visible)
    if attendee is not None and not attendee.has_agreed:
        return MinutesAccess(False, "", "情報の取扱いルールへの同意がまだ記録されていないため、議事録は表示できません。"
                                        "招集者に同意の記録を依頼してください。", person_visible)
    return MinutesAccess(True, basis_label(m, case.person, scope), "", True)


# --- action items ---------------------------------------------------------------------------------------------
def action_items_visible_to(m) -> QuerySet:
    """Items the member owns, and items of conferences their organisation convened or whose case it holds."""
    if not may_attend(m):
        return ActionItem.objects.none()
    q = Q(owner=m.user)
    if may_manage(m):
        q |= Q(conference__organisation=m.organisation)
    if m.has_perm("person.view"):
        q |= Q(conference__case__organisation=m.organisation)
    return ActionItem.objects.filter(q).select_related("conference", "conference__case", "owner")


def get_action_item_for_user(m, item_id) -> ActionItem:
    try:
        return action_items_visible_to(m).get(pk=int(item_id))
    except (ActionItem.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_update_item(m, item) -> bool:
    return item.owner_id == m.user_id or can_manage_conference(m, item.conference)


def open_items_owned_by(user) -> QuerySet:
    return (ActionItem.objects.filter(owner=user, status__in=reference.open_statuses())
            .select_related("conference").order_by("due_date", "id"))
