"""JSON API of support teams and case conferences (`/api/conferences/`). Same access and action functions
as the pages; Japanese messages; 404 alike for missing and forbidden; 400 for invalid input."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from renkei.accounts.models import Membership
from renkei.cases.access import BASIC
from renkei.cases.versioning import StaleVersion
from renkei.core.api_errors import Conflict, Error, bad_request
from renkei.core.api_types import Date, DateTime, Id, Text, codes

from . import access, actions, lapse, reference
from .access import MINUTES
from .models import Attendee, Conference, TeamMember

PurposeVersion = Annotated[int, Field(ge=0, le=2_147_483_647)]

router = Router(tags=["支援チーム・会議"])


def _codes(choices):
    return codes(code for code, _label in choices)


class AccessEndedOut(Schema):
    """A member from another organisation whom the team consent reached and who no longer sees the person."""

    at: dt.datetime
    cause: str
    cause_name: str
    consent_id: int


class MemberOut(Schema):
    id: int
    name: str
    organisation: str
    user_id: int | None
    role: str
    role_name: str
    acknowledged: bool
    access_ended: AccessEndedOut | None = None


class TeamOut(Schema):
    case_id: int
    case_number: str
    purpose: str
    goals: str
    purpose_version: int
    members: list[MemberOut]


class MemberIn(Schema):
    role: _codes(reference.team_role_choices())
    membership_id: Id | None = None
    name: Text.of(TeamMember, "name") = ""
    organisation_label: Text.of(TeamMember, "organisation_label") = ""


class PurposeIn(Schema):
    purpose: Text(1000)
    goals: Text(4000) = ""
    # The purpose version the writer has seen (TeamOut.purpose_version): a colleague's newer purpose
    # answers 409 with both versions instead of being overwritten. Omitted: the save is not checked.
    version: PurposeVersion | None = None


class AttendeeOut(Schema):
    id: int
    name: str
    organisation: str
    role_label: str
    agreed_at: dt.datetime | None


class ItemOut(Schema):
    id: int
    conference_id: int
    description: str
    owner_id: int
    owner: str
    due_date: dt.date
    status: str
    status_name: str
    overdue: bool


class ConferenceOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_name: str
    title: str
    starts_at: dt.datetime
    place: str
    is_remote: bool
    convener: str
    rules: list[str]
    shares_without_consent: bool
    attendees: list[AttendeeOut]
    minutes_visible: bool
    warning: str = ""
    agenda: str | None = None
    minutes: str | None = None
    decisions: str | None = None
    action_items: list[ItemOut] | None = None
    version: int


class ConferenceIn(Schema):
    kind: _codes(reference.kind_choices())
    title: Text.of(Conference, "title") = ""
    starts_at: DateTime
    ends_at: DateTime | None = None
    place: Text.of(Conference, "place") = ""
    is_remote: bool = False
    agenda: Text() = ""


class ConferenceUpdate(ConferenceIn):
    minutes: Text() = ""
    decisions: Text() = ""
    version: Id


class AttendeeIn(Schema):
    membership_id: Id | None = None
    team_member_id: Id | None = None
    name: Text.of(Attendee, "name") = ""
    organisation_label: Text.of(Attendee, "organisation_label") = ""
    role_label: Text.of(Attendee, "role_label") = ""


class ItemIn(Schema):
    description: Text(2000)
    owner_id: Id
    due_date: Date


class StatusIn(Schema):
    status: _codes(reference.status_choices())


def _m(request):
    m = request.membership
    if not access.may_attend(m):
        raise Http404
    return m


def _bad(error: ValidationError):
    return Status(400, bad_request(error))


def _conflict(stale: StaleVersion, theirs: dict, payload: Schema):
    """409 with the stored version and what the writer sent (never saved over a colleague's version)."""
    return Status(409, {"detail": stale.messages[0], "theirs": theirs, "yours": payload.dict()})


def _membership(membership_id):
    if membership_id is None:
        return None
    m = Membership.objects.filter(pk=membership_id, is_active=True).select_related("user", "organisation").first()
    if m is None:
        raise ValidationError("指定した職員が見つかりません。")
    return m


def _ended_out(ended):
    return None if ended is None else {"at": ended.at, "cause": ended.cause, "cause_name": ended.cause_name,
                                       "consent_id": ended.consent.pk}


def _team_out(case):
    team = access.team_of(case)
    members = list(team.members.filter(removed_at__isnull=True).select_related("user", "organisation")) if team \
        else []
    ended = lapse.ended_for(team, members) if team else {}
    return {"case_id": case.pk, "case_number": case.number, "purpose": team.purpose if team else "",
            "goals": team.goals if team else "", "purpose_version": team.purpose_version if team else 0,
            "members": [{"id": tm.pk, "name": tm.display_name, "organisation": tm.organisation_name,
                         "user_id": tm.user_id, "role": tm.role, "role_name": tm.role_name,
                         "acknowledged": tm.has_acknowledged, "access_ended": _ended_out(ended.get(tm.pk))}
                        for tm in members]}


def _item_out(item):
    return {"id": item.pk, "conference_id": item.conference_id, "description": item.description,
            "owner_id": item.owner_id, "owner": str(item.owner), "due_date": item.due_date, "status": item.status,
            "status_name": item.status_name, "overdue": item.is_overdue}


def _conference_out(m, conference, request=None, log=True):
    ma = access.minutes_access(m, conference)
    if log:
        groups = [BASIC, MINUTES] if ma.allowed else ([BASIC] if ma.person_visible else [])
        actions.log_read(request, m, "conference.viewed", conference, conference.case.person, groups, ma.legal_basis)
    out = {"id": conference.pk, "case_id": conference.case_id, "kind": conference.kind,
           "kind_name": conference.kind_name, "title": str(conference), "starts_at": conference.starts_at,
           "place": conference.place, "is_remote": conference.is_remote, "convener": str(conference.convener),
           "rules": conference.rules, "shares_without_consent": conference.shares_without_consent,
           "attendees": [{"id": a.pk, "name": a.display_name, "organisation": a.organisation_name,
                          "role_label": a.role_label, "agreed_at": a.agreed_at}
                         for a in conference.attendees.select_related("user", "organisation")],
           "minutes_visible": ma.allowed, "warning": ma.warning, "version": conference.version}
    if ma.allowed:
        out |= {"agenda": conference.agenda, "minutes": conference.minutes, "decisions": conference.decisions,
                "action_items": [_item_out(i) for i in conference.action_items.select_related("owner")]}
    return out


# --- teams --------------------------------------------------------------------------------------------------
@router.get("/cases/{case_id}/team", response={200: TeamOut, 404: Error}, summary="ケースの支援チームと目的")
def get_team(request, case_id: Id):
    m = _m(request)
    ta = access.get_case_team_access(m, case_id)
    if (team := access.team_of(ta.case)) is not None:
        lapse.check(team)  # a team consent past its date is told on read too
    actions.log_read(request, m, "team.viewed", ta.case, ta.case.person, [BASIC])
    return _team_out(ta.case)


def _managed_case(request, case_id):
    m = _m(request)
    ta = access.get_case_team_access(m, case_id)
    if not ta.can_manage:
        raise Http404
    return m, ta.case


@router.post("/cases/{case_id}/team/members", response={201: TeamOut, 400: Error, 404: Error},
             summary="構成員を加える")
def add_member(request, case_id: Id, payload: MemberIn):
    m, case = _managed_case(request, case_id)
    try:
        actions.do_add_team_member(request=request, membership=m, case=case, role=payload.role,
                                   member_membership=_membership(payload.membership_id), name=payload.name,
                                   organisation_label=payload.organisation_label)
    except ValidationError as error:
        return _bad(error)
    return Status(201, _team_out(case))


@router.post("/cases/{case_id}/team/members/{member_id}/remove", response={200: TeamOut, 400: Error, 404: Error},
             summary="構成員をチームから外す")
def remove_member(request, case_id: Id, member_id: Id):
    m, case = _managed_case(request, case_id)
    member = access.get_member_for_manager(m, case, member_id)
    try:
        actions.do_remove_team_member(request=request, membership=m, member=member)
    except ValidationError as error:
        return _bad(error)
    return _team_out(case)


@router.put("/cases/{case_id}/team/purpose", response={200: TeamOut, 400: Error, 404: Error, 409: Conflict},
            summary="チームの目的と目標を書く")
def set_purpose(request, case_id: Id, payload: PurposeIn):
    m, case = _managed_case(request, case_id)
    try:
        actions.do_set_purpose(request=request, membership=m, case=case, purpose=payload.purpose, goals=payload.goals,
                               version=payload.version)
    except StaleVersion as stale:
        return _conflict(stale, _team_out(case), payload)
    except ValidationError as error:
        return _bad(error)
    return _team_out(case)


@router.post("/cases/{case_id}/team/acknowledge", response={200: TeamOut, 400: Error, 404: Error},
             summary="目的を確認したことを記録する")
def acknowledge(request, case_id: Id):
    m = _m(request)
    ta = access.get_case_team_access(m, case_id)
    try:
        actions.do_acknowledge_purpose(request=request, membership=m, case=ta.case)
    except ValidationError as error:
        return _bad(error)
    return _team_out(ta.case)


# --- conferences -------------------------------------------------------------------------------------------
@router.get("/", response=list[ConferenceOut], summary="見られる会議の一覧（議事録は見られるものだけ）")
def list_conferences(request):
    m = _m(request)
    conferences = list(access.conferences_visible_to(m).order_by("-starts_at")[:100])
    out = [_conference_out(m, c, request, log=False) for c in conferences]
    actions.log_listing(request, m, "conference.listed", conferences,
                        minutes=[c for c, o in zip(conferences, out, strict=True) if o["minutes_visible"]])
    return out


@router.post("/cases/{case_id}/conferences", response={201: ConferenceOut, 400: Error, 404: Error},
             summary="会議を招集する")
def create_conference(request, case_id: Id, payload: ConferenceIn):
    m, case = _managed_case(request, case_id)
    try:
        conference = actions.do_create_conference(request=request, membership=m, case=case, data=payload.dict())
    except ValidationError as error:
        return _bad(error)
    return Status(201, _conference_out(m, conference, log=False))


@router.get("/{conference_id}", response={200: ConferenceOut, 404: Error}, summary="会議")
def get_conference(request, conference_id: Id):
    m = _m(request)
    return _conference_out(m, access.get_conference_for_user(m, conference_id), request)


@router.put("/{conference_id}", response={200: ConferenceOut, 400: Error, 404: Error, 409: Conflict},
            summary="会議の記録（議題・議事録・決定事項）を更新する")
def update_conference(request, conference_id: Id, payload: ConferenceUpdate):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    try:
        conference = actions.do_update_conference(request=request, membership=m, conference=conference,
                                                  data=payload.dict(), version=payload.version)
    except StaleVersion as stale:
        return _conflict(stale, _conference_out(m, stale.current, log=False), payload)
    except ValidationError as error:
        return _bad(error)
    return _conference_out(m, conference, log=False)


@router.post("/{conference_id}/attendees", response={201: ConferenceOut, 400: Error, 404: Error},
             summary="出席者を加える")
def add_attendee(request, conference_id: Id, payload: AttendeeIn):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    team = access.team_of(conference.case)
    team_member = None
    if payload.team_member_id is not None:
        team_member = team.members.filter(pk=payload.team_member_id, removed_at__isnull=True).first() if team else None
        if team_member is None:
            return Status(400, bad_request(ValidationError("指定したチームの構成員が見つかりません。")))
    try:
        actions.do_add_attendee(request=request, membership=m, conference=conference,
                                member_membership=_membership(payload.membership_id), team_member=team_member,
                                name=payload.name, organisation_label=payload.organisation_label,
                                role_label=payload.role_label)
    except ValidationError as error:
        return _bad(error)
    return Status(201, _conference_out(m, conference, log=False))


@router.post("/{conference_id}/attendees/{attendee_id}/agreement", response={200: ConferenceOut, 400: Error, 404: Error},
             summary="出席者の情報の取扱いルールへの同意を記録する")
def record_agreement(request, conference_id: Id, attendee_id: Id):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    attendee = conference.attendees.filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404
    try:
        actions.do_record_agreement(request=request, membership=m, conference=conference, attendee=attendee)
    except ValidationError as error:
        return _bad(error)
    return _conference_out(m, conference, log=False)


@router.post("/{conference_id}/actions", response={201: ItemOut, 400: Error, 404: Error}, summary="宿題を加える")
def add_item(request, conference_id: Id, payload: ItemIn):
    m = _m(request)
    conference = access.get_conference_for_manager(m, conference_id)
    owner = next((u for u in actions.owner_choices(conference) if u.pk == payload.owner_id), None)
    try:
        item = actions.do_add_action_item(request=request, membership=m, conference=conference,
                                          description=payload.description, owner=owner, due_date=payload.due_date)
    except ValidationError as error:
        return _bad(error)
    return Status(201, _item_out(item))


@router.get("/actions/mine", response=list[ItemOut], summary="わたしの未完了の宿題")
def my_items(request):
    m = _m(request)
    items = list(access.open_items_owned_by(request.user).select_related("conference__case"))
    actions.log_listing(request, m, "action_item.listed", [], items)
    return [_item_out(i) for i in items]


@router.post("/actions/{item_id}/status", response={200: ItemOut, 400: Error, 404: Error}, summary="宿題の状態を変える")
def set_status(request, item_id: Id, payload: StatusIn):
    m = _m(request)
    item = access.get_action_item_for_user(m, item_id)
    try:
        actions.do_set_action_status(request=request, membership=m, item=item, status=payload.status)
    except ValidationError as error:
        return _bad(error)
    return _item_out(item)
