"""JSON API of the consent register: the same access and action functions as the pages.
Missing and forbidden both answer 404; invalid input answers 400 with a Japanese message; a withdrawal
based on an older version than the stored one answers 409 with both (renkei.cases.versioning)."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from renkei.accounts.models import Organisation, OrganisationType
from renkei.accounts.reference import load_json as accounts_data
from renkei.audit import reads
from renkei.cases.access import BASIC
from renkei.cases.versioning import StaleVersion
from renkei.core.api_errors import Conflict, Error, bad_request
from renkei.core.api_types import BirthDate, Date, DateTime, Days, Id, Text, codes

from . import access, actions, breakglass, reference

router = Router(tags=["consent"])

Scopes = Annotated[list[codes(reference.scope_codes())], Field(max_length=20)]


class ConsentOut(Schema):
    id: int
    person_id: Id
    owner: str
    recipient_kind: str
    recipient_organisation_id: int | None
    recipient_type: str | None
    recipient_team_id: int | None
    recipient_name: str
    purpose: str
    scopes: list[str]
    valid_from: dt.date
    valid_until: dt.date
    method: str
    obtained_by: str
    obtained_at: dt.datetime
    has_attachment: bool
    note: str
    status: str
    is_active: bool
    withdrawn_at: dt.datetime | None
    withdrawal_method: str
    withdrawal_note: str
    version: int


class DisclosureOut(Schema):
    id: int
    person_id: Id
    owner: str
    recipient_id: int
    recipient: str
    scopes: list[str]
    legal_basis: str
    legal_basis_name: str
    justification: str
    disclosed_by: str
    at: dt.datetime
    valid_until: dt.date
    is_active: bool
    status: str
    ended_at: dt.datetime | None
    end_reason: str


class RegisterOut(Schema):
    person_id: Id
    shared_scopes: list[str]
    consents: list[ConsentOut]
    disclosures: list[DisclosureOut]


class ConsentIn(Schema):
    recipient_kind: codes(code for code, _ in reference.recipient_kind_choices()) = "organisation"
    recipient_organisation_id: Id | None = None
    recipient_type: codes(t["code"] for t in accounts_data("organisation_types.json")["types"]) | None = None
    recipient_team_id: Id | None = None
    purpose: Text(2000)
    scopes: Scopes
    valid_from: Date
    valid_until: Date
    method: codes(code for code, _ in reference.method_choices())
    obtained_at: DateTime | None = None
    note: Text(2000) = ""


class WithdrawIn(Schema):
    version: Id
    method: codes(code for code, _ in reference.withdrawal_method_choices())
    note: Text(2000) = ""


class DisclosureIn(Schema):
    recipient_id: Id
    legal_basis: codes(b["code"] for b in reference.disclosure_bases())
    justification: Text(2000) = ""
    scopes: Scopes
    valid_until: Date


class EndDisclosureIn(Schema):
    reason: Text(2000)


class EndBreakGlassIn(Schema):
    reason: Text(1000)


class BreakGlassSearchIn(Schema):
    name: Text(100)
    birth_date: BirthDate


class BreakGlassIn(BreakGlassSearchIn):
    legal_basis: codes(b["code"] for b in reference.breakglass_bases())
    reason: Text(2000)


class FoundOut(Schema):
    id: int
    name: str
    kana: str
    birth_date: dt.date | None
    organisation: str


class BreakGlassOut(Schema):
    id: int
    person_id: Id
    legal_basis: str
    started_at: dt.datetime
    expires_at: dt.datetime


class EndedBreakGlassOut(BreakGlassOut):
    ended_at: dt.datetime
    end_reason: str


def consent_out(c) -> dict:
    return {"id": c.pk, "person_id": c.person_id, "owner": c.owner.name, "recipient_kind": c.recipient_kind,
            "recipient_organisation_id": c.recipient_organisation_id,
            "recipient_type": c.recipient_type.code if c.recipient_type_id else None,
            "recipient_team_id": c.recipient_team_id,
            "recipient_name": c.recipient_name, "purpose": c.purpose, "scopes": c.scopes,
            "valid_from": c.valid_from, "valid_until": c.valid_until, "method": c.method,
            "obtained_by": str(c.obtained_by), "obtained_at": c.obtained_at, "has_attachment": c.attachment_id is not None,
            "note": c.note, "status": c.status_name, "is_active": c.is_active, "withdrawn_at": c.withdrawn_at,
            "withdrawal_method": c.withdrawal_method, "withdrawal_note": c.withdrawal_note, "version": c.version}


def disclosure_out(d) -> dict:
    return {"id": d.pk, "person_id": d.person_id, "owner": d.owner.name, "recipient_id": d.recipient_id,
            "recipient": d.recipient.name, "scopes": d.scopes, "legal_basis": d.legal_basis,
            "legal_basis_name": d.legal_basis_name, "justification": d.justification,
            "disclosed_by": str(d.disclosed_by), "at": d.at, "valid_until": d.valid_until, "is_active": d.is_active,
            "status": d.status_name, "ended_at": d.ended_at, "end_reason": d.end_reason}


def _bad(error: ValidationError):
    return 400, bad_request(error)


def _read(request, action, obj, person):
    reads.log_read(request, action, obj=obj, person=person, field_groups=[BASIC], purpose="同意・情報提供の確認")


def _manager(request):
    if not access.can_manage(request.membership):
        raise Http404
    return request.membership


def _team_of(person, team_id):
    """A support team of one of `person`'s cases (the person is already visible to the member)."""
    if team_id is None:
        return None
    team = access.support_teams("of_person")(person).filter(pk=team_id).first()
    if team is None:
        raise ValidationError("提供先の支援チームが見つかりません（この本人のケースの支援チームを指定してください）。")
    return team


def _other_org(m, org_id):
    if org_id is None:
        return None
    org = Organisation.objects.filter(pk=org_id, is_active=True).exclude(pk=m.organisation_id).first()
    if org is None:
        raise ValidationError("提供先の機関が見つかりません。")
    return org


@router.get("/legal-bases", response=list[dict], summary="法的根拠の一覧（データファイル）")
def list_legal_bases(request):
    return reference.legal_bases()


@router.get("/scopes", response=list[dict], summary="共有できる情報の範囲の一覧（データファイル）")
def list_scopes(request):
    return reference.scopes()


@router.get("/expiring", response={200: list[ConsentOut], 404: Error}, summary="期限が近い同意（自組織が得たもの）")
def expiring(request, days: Days | None = None):
    m = _manager(request)
    consents = list(access.expiring_consents(m.organisation, days))
    reads.log_listing(request, "consent.register_viewed", [c.person for c in consents], field_groups=[BASIC],
                      purpose="同意の管理", always=True, data={"status": "expiring", "consents": [c.pk for c in consents]})
    return [consent_out(c) for c in consents]


@router.get("/persons/{person_id}", response={200: RegisterOut, 404: Error}, summary="本人の同意と情報提供の記録")
def person_register(request, person_id: Id):
    m = request.membership
    person = access.get_person_for_consent(m, person_id)
    _read(request, "consent.listed", person, person)
    return {"person_id": person.pk,
            "shared_scopes": sorted(access.scopes_shared_with(m, person), key=reference.scope_codes().index),
            "consents": [consent_out(c) for c in access.consents_visible_to(m).filter(person=person)],
            "disclosures": [disclosure_out(d) for d in access.disclosures_visible_to(m).filter(person=person)]}


@router.post("/persons/{person_id}/consents", response={201: ConsentOut, 400: Error, 404: Error},
             summary="同意を記録（添付は画面から。API ではメモが必須）")
def record_consent(request, person_id: Id, payload: ConsentIn):
    m = _manager(request)
    person = access.get_person_for_sharing(m, person_id)
    try:
        recipient_type = None
        if payload.recipient_type:
            recipient_type = OrganisationType.objects.filter(code=payload.recipient_type).first()
            if recipient_type is None:
                raise ValidationError("提供先の機関の種別が見つかりません。")
        consent = actions.do_record_consent(
            request=request, membership=m, person=person, recipient_kind=payload.recipient_kind,
            recipient_organisation=_other_org(m, payload.recipient_organisation_id), recipient_type=recipient_type,
            recipient_team=_team_of(person, payload.recipient_team_id),
            purpose=payload.purpose, scopes=payload.scopes, valid_from=payload.valid_from,
            valid_until=payload.valid_until, method=payload.method,
            obtained_at=payload.obtained_at or timezone.now(), note=payload.note)
    except ValidationError as error:
        return _bad(error)
    return 201, consent_out(consent)


@router.get("/consents/{consent_id}", response={200: ConsentOut, 404: Error}, summary="同意の詳細")
def get_consent(request, consent_id: Id):
    consent = access.get_consent_for_user(request.membership, consent_id)
    _read(request, "consent.viewed", consent, consent.person)
    return consent_out(consent)


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, 400: Error, 404: Error, 409: Conflict},
             summary="同意の撤回を記録（version 必須。直ちにすべての共有が止まる）")
def withdraw_consent(request, consent_id: Id, payload: WithdrawIn):
    m = _manager(request)
    consent = access.get_managed_consent(m, consent_id)
    try:
        consent = actions.do_withdraw_consent(request=request, membership=m, consent=consent,
                                              version=payload.version, method=payload.method, note=payload.note)
    except StaleVersion as stale:
        return Status(409, {"detail": stale.messages[0], "theirs": consent_out(stale.current),
                            "yours": payload.dict()})
    except ValidationError as error:
        return _bad(error)
    return consent_out(consent)


@router.post("/persons/{person_id}/disclosures", response={201: DisclosureOut, 400: Error, 404: Error},
             summary="法的根拠による提供を記録（同意によらない共有）")
def record_disclosure(request, person_id: Id, payload: DisclosureIn):
    m = _manager(request)
    person = access.get_person_for_sharing(m, person_id)
    try:
        disclosure = actions.do_record_disclosure(
            request=request, membership=m, person=person, recipient=_other_org(m, payload.recipient_id),
            scopes=payload.scopes, legal_basis=payload.legal_basis, justification=payload.justification,
            valid_until=payload.valid_until)
    except ValidationError as error:
        return _bad(error)
    return 201, disclosure_out(disclosure)


@router.post("/disclosures/{disclosure_id}/end", response={200: DisclosureOut, 400: Error, 404: Error},
             summary="法的根拠による提供を期限前に終了（理由が必要。提供先は直ちに見られなくなる）")
def end_disclosure(request, disclosure_id: Id, payload: EndDisclosureIn):
    m = _manager(request)
    disclosure = access.get_managed_disclosure(m, disclosure_id)
    try:
        disclosure = actions.do_end_disclosure(request=request, membership=m, disclosure=disclosure,
                                               reason=payload.reason)
    except ValidationError as error:
        return _bad(error)
    return disclosure_out(disclosure)


@router.post("/breakglass/search", response={200: list[FoundOut], 404: Error},
             summary="緊急アクセスのための本人の検索（氏名またはフリガナの完全一致＋生年月日）")
def breakglass_search(request, payload: BreakGlassSearchIn):
    m = request.membership
    if m is None or not m.has_perm("breakglass.use"):
        raise Http404
    persons = breakglass.find_for_breakglass(m, payload.name, payload.birth_date)
    reads.log_listing(request, "breakglass.searched", persons, field_groups=[BASIC], always=True,
                      purpose="緊急アクセスのための本人の検索", data={"found": len(persons)})
    return [{"id": p.pk, "name": p.name, "kana": p.kana, "birth_date": p.birth_date,
             "organisation": p.organisation.name} for p in persons]


@router.post("/breakglass/{person_id}", response={201: BreakGlassOut, 400: Error, 404: Error},
             summary="緊急アクセスを開始（理由と法的根拠。時間制限つき、管理者に通知）")
def breakglass_open(request, person_id: Id, payload: BreakGlassIn):
    m = request.membership
    person = breakglass.get_person_for_breakglass(m, person_id, payload.name, payload.birth_date)
    try:
        glass = actions.do_open_breakglass(request=request, membership=m, person=person, reason=payload.reason,
                                           legal_basis=payload.legal_basis)
    except ValidationError as error:
        return _bad(error)
    return 201, {"id": glass.pk, "person_id": person.pk, "legal_basis": glass.legal_basis,
                 "started_at": glass.started_at, "expires_at": glass.expires_at}


@router.post("/breakglass/accesses/{access_id}/end", response={200: EndedBreakGlassOut, 400: Error, 404: Error},
             summary="緊急アクセスを時間前に終了（本人の記録を持つ組織。理由が必要。相手は直ちに見られなくなる）")
def end_breakglass(request, access_id: Id, payload: EndBreakGlassIn):
    m = _manager(request)
    glass = access.get_breakglass_for_ending(m, access_id)
    try:
        glass = actions.do_end_breakglass(request=request, membership=m, access=glass, reason=payload.reason)
    except ValidationError as error:
        return _bad(error)
    return {"id": glass.pk, "person_id": glass.person_id, "legal_basis": glass.legal_basis,
            "started_at": glass.started_at, "expires_at": glass.expires_at, "ended_at": glass.ended_at,
            "end_reason": glass.end_reason}
