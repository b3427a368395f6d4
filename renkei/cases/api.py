"""JSON API for persons, consultations, cases and records: the same access and action functions as the
pages. Missing and forbidden both answer 404; a stale version answers 409 with both versions."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from renkei.accounts.models import Membership, Organisation, User
from renkei.audit import reads
from renkei.core.api_errors import Conflict, DuplicateOut, Error, bad_request
from renkei.core.api_types import (
    BirthDate,
    DateTime,
    FiscalYearNumber,
    FollowUpDate,
    Id,
    Ids,
    SearchText,
    Text,
    codes,
)
from renkei.core.dates import FiscalYear

from . import access, actions, reference, search, stats
from .access import BASIC, RECORDS
from .models import Case, Consultation, Person
from .versioning import StaleVersion

router = Router(tags=["cases"])


def _codes(name):
    return codes(code for code, _label in reference.choices(name))


ERRORS = {400: Error, 404: Error, 409: Conflict}


def _membership(request, edit=False):
    m = request.membership
    if m is None or not any(m.has_perm(perm) for perm in access.READ_PERMS):
        raise Http404
    if edit:
        access.require_edit(m)
    return m


def _bad(error: ValidationError):
    return Status(400, bad_request(error))


def _conflict(stale: StaleVersion, out, payload: Schema):
    return Status(409, {"detail": StaleVersion.message, "theirs": out(stale.current),
                        "yours": payload.dict() | {"version": getattr(payload, "version", None)}})


def _versioned(change, out, payload: Schema):
    """Run a versioned save: the saved object through `out`; 409 with both versions when someone saved
    first; 400 with the Japanese message when invalid."""
    try:
        return out(change())
    except StaleVersion as stale:
        return _conflict(stale, out, payload)
    except ValidationError as error:
        return _bad(error)


def _user(user_id):
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError("指定した職員が見つかりません。")
    return user


# --- persons -----------------------------------------------------------------------------------------
class PersonIn(Schema):
    name: Text.of(Person, "name")
    kana: Text.of(Person, "kana") = ""
    birth_date: BirthDate | None = None
    sex: _codes("sexes") = "unknown"
    municipality_id: Id | None = None
    address: Text(300) = ""
    phone: Text.of(Person, "phone") = ""
    contact_notes: Text(2000) = ""


class PersonCreate(PersonIn):
    confirm_duplicate: bool = False


class PersonUpdate(PersonIn):
    version: Id


class PersonOut(Schema):
    id: int
    name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    municipality_id: int | None
    municipality: str | None
    address: str
    phone: str
    contact_notes: str
    organisation: str
    version: int


class PersonBrief(Schema):
    id: int
    name: str
    kana: str
    birth_date: dt.date | None


def person_out(p, membership=None) -> dict:
    """The person as the acting member may see them (no contact details where the role's reach has none)."""
    contact = membership is None or access.sees_contact_details(membership, p)
    return {"id": p.pk, "name": p.name, "kana": p.kana, "birth_date": p.birth_date, "sex": p.sex,
            "municipality_id": p.municipality_id, "municipality": p.municipality.name if p.municipality else None,
            "address": (p.address or "") if contact else "", "phone": (p.phone or "") if contact else "",
            "contact_notes": (p.contact_notes or "") if contact else "",
            "organisation": p.organisation.name, "version": p.version}


def _brief(p) -> dict:
    return {"id": p.pk, "name": p.name, "kana": p.kana, "birth_date": p.birth_date}


def _person_data(payload: PersonIn) -> dict:
    data = payload.dict(exclude={"confirm_duplicate", "version", "municipality_id"})
    data["municipality"] = None
    if payload.municipality_id is not None:
        data["municipality"] = Organisation.objects.filter(pk=payload.municipality_id,
                                                           type__code="municipality").first()
        if data["municipality"] is None:
            raise ValidationError("居住市町村が見つかりません。")
    return data


@router.get("/persons", response={200: list[PersonBrief], 404: Error}, summary="本人を探す（氏名・フリガナ・ケース番号）")
def list_persons(request, q: SearchText = ""):
    m = _membership(request)
    query = search.clean_query(q)
    persons = search.find_persons(m, q, limit=100) if query else list(
        access.persons_visible_to(m).order_by("-created_at")[:50])
    reads.log_listing(request, "search.performed" if query else "person.listed", persons, field_groups=[BASIC],
                      membership=m, data={"query": query} if query else None, always=bool(query))
    return [_brief(p) for p in persons]


@router.post("/persons", response={201: PersonOut, 400: Error, 404: Error, 409: DuplicateOut},
             summary="本人を登録（重複の可能性があれば 409 と候補。確認後 confirm_duplicate=true）")
def create_person(request, payload: PersonCreate):
    m = _membership(request, edit=True)
    try:
        person = actions.do_register_person(request=request, membership=m, data=_person_data(payload),
                                            confirm_duplicate=payload.confirm_duplicate)
    except actions.DuplicateWarning as warning:
        return Status(409, {"detail": warning.messages[0], "duplicates": [_brief(p) for p in warning.candidates]})
    except ValidationError as error:
        return _bad(error)
    return Status(201, person_out(person))


@router.get("/persons/{person_id}", response={200: PersonOut, 404: Error}, summary="本人の基本情報")
def get_person(request, person_id: Id):
    m = _membership(request)
    person = access.get_person_for_user(m, person_id)
    actions.log_read(request, m, "person.viewed", person, person, [BASIC])
    return person_out(person, m)


@router.put("/persons/{person_id}", response={200: PersonOut, **ERRORS}, summary="本人情報を更新（version 必須）")
def update_person(request, person_id: Id, payload: PersonUpdate):
    m = _membership(request, edit=True)
    person = access.get_person_for_user(m, person_id)
    return _versioned(lambda: actions.do_update_person(request=request, membership=m, person=person, version=payload.version,
                                                       data=_person_data(payload)), person_out, payload)


# --- consultations -------------------------------------------------------------------------------------
class ConsultationIn(Schema):
    occurred_at: DateTime | None = None
    channel: _codes("channels") = "phone"
    consulter: _codes("consulters") = "self"
    category: codes(reference.all_category_names())  # of every version; the action checks the one in force
    factors: Annotated[list[codes(reference.all_factor_names())], Field(max_length=50)] = []
    person_id: Id | None = None
    subject_label: Text.of(Consultation, "subject_label") = ""
    is_anonymous: bool = False
    staff_id: Id | None = None
    duration_minutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    content: Text()


class ConsultationOut(Schema):
    id: int
    occurred_at: dt.datetime
    channel: str
    consulter: str
    category: str
    factors: list[str]
    person_id: int | None
    subject: str
    is_anonymous: bool
    staff_id: int
    duration_minutes: int | None
    content: str
    version: int


class LinkIn(Schema):
    person_id: Id
    version: Id


def consultation_out(c) -> dict:
    return {"id": c.pk, "occurred_at": c.occurred_at, "channel": c.channel, "consulter": c.consulter,
            "category": c.category, "factors": c.factors, "person_id": c.person_id, "subject": c.subject,
            "is_anonymous": c.is_anonymous, "staff_id": c.staff_id, "duration_minutes": c.duration_minutes,
            "content": c.content, "version": c.version}


@router.get("/consultations", response={200: list[ConsultationOut], 404: Error}, summary="最近の相談")
def list_consultations(request, person_id: Id | None = None):
    m = _membership(request)
    qs, person = access.consultations_visible_to(m), None
    if person_id is not None:
        person = access.get_person_for_user(m, person_id)
        qs = qs.filter(person=person)
    else:
        qs = qs.filter(Q(staff=request.user) | Q(created_by=request.user))
    consultations = list(qs[:100])
    reads.log_listing(request, "consultation.listed", [person] + [c.person for c in consultations],
                      field_groups=[RECORDS], membership=m, data={"consultations": [c.pk for c in consultations]})
    return [consultation_out(c) for c in consultations]


@router.post("/consultations", response={201: ConsultationOut, 400: Error, 404: Error}, summary="相談を記録")
def create_consultation(request, payload: ConsultationIn):
    m = _membership(request, edit=True)
    data = payload.dict(exclude={"person_id", "staff_id"})
    data["occurred_at"] = payload.occurred_at or timezone.now()
    data["person"] = access.get_person_for_user(m, payload.person_id) if payload.person_id else None
    try:
        data["staff"] = _user(payload.staff_id)
        consultation = actions.do_log_consultation(request=request, membership=m, data=data)
    except ValidationError as error:
        return _bad(error)
    return Status(201, consultation_out(consultation))


@router.get("/consultations/{consultation_id}", response={200: ConsultationOut, 404: Error}, summary="相談の詳細")
def get_consultation(request, consultation_id: Id):
    m = _membership(request)
    c = access.get_consultation_for_user(m, consultation_id)
    actions.log_read(request, m, "consultation.viewed", c, c.person, [RECORDS])
    return consultation_out(c)


@router.post("/consultations/{consultation_id}/link", response={200: ConsultationOut, **ERRORS},
             summary="未登録の対象者の相談を本人に結びつける")
def link_consultation(request, consultation_id: Id, payload: LinkIn):
    m = _membership(request, edit=True)
    c = access.get_consultation_for_user(m, consultation_id)
    person = access.get_person_for_user(m, payload.person_id)
    return _versioned(lambda: actions.do_link_consultation(request=request, membership=m, consultation=c, person=person,
                                                           version=payload.version), consultation_out, payload)


# --- cases ---------------------------------------------------------------------------------------------
Needs = Annotated[dict[Text(40), Text(40)], Field(max_length=50)]


class CaseIn(Schema):
    person_id: Id
    lead_id: Id | None = None
    co_worker_ids: Ids = []  # users: each gets the membership the case form would (forms.pick_membership)
    co_worker_membership_ids: Ids = []  # or the memberships themselves (the form's choices)
    complexity: _codes("complexities") = "normal"
    needs: Needs = {}
    summary: Text() = ""


class CaseUpdate(Schema):
    version: Id
    lead_id: Id
    co_worker_ids: Ids = []
    co_worker_membership_ids: Ids = []
    complexity: _codes("complexities")
    needs: Needs = {}
    summary: Text() = ""


class StatusIn(Schema):
    version: Id
    to_status: _codes("statuses")
    closure_reason: Text.of(Case, "closure_reason") = ""
    note: Text(500) = ""


class CaseOut(Schema):
    id: int
    number: str
    person_id: int
    person_name: str
    organisation: str
    status: str
    status_name: str
    closure_reason: str
    complexity: str
    needs: dict[str, str]
    summary: str
    lead_id: int
    co_worker_ids: list[int]
    co_worker_membership_ids: list[int]
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    version: int


def case_out(c) -> dict:
    return {"id": c.pk, "number": c.number, "person_id": c.person_id, "person_name": c.person.name,
            "organisation": c.organisation.name, "status": c.status, "status_name": c.status_name,
            "closure_reason": c.closure_reason, "complexity": c.complexity, "needs": c.needs, "summary": c.summary,
            "lead_id": c.lead_id, "co_worker_ids": sorted(p.user_id for p in c.co_worker_places.all()),
            "co_worker_membership_ids": sorted(p.membership_id for p in c.co_worker_places.all() if p.membership_id),
            "opened_at": c.opened_at, "closed_at": c.closed_at, "version": c.version}


def _co_workers(payload):
    """Co-workers as users (`co_worker_ids`) and as memberships (`co_worker_membership_ids`); the action
    checks each against the case form's candidates and picks a user's membership as the form would."""
    ids, membership_ids = payload.co_worker_ids, payload.co_worker_membership_ids
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    memberships = list(Membership.objects.filter(pk__in=membership_ids))
    if len(users) != len(set(ids)) or len(memberships) != len(set(membership_ids)):
        raise ValidationError("指定した協働者が見つかりません。")
    return users + memberships


@router.get("/cases", response={200: list[CaseOut], 404: Error}, summary="担当しているケース")
def list_cases(request, open_only: bool = True):
    m = _membership(request)
    qs = access.cases_visible_to(m).filter(access.led_or_worked_on_by(request.user))
    if open_only:
        from .reference import open_statuses

        qs = qs.filter(status__in=open_statuses())
    cases = list(qs.prefetch_related("co_worker_places")[:200])
    reads.log_listing(request, "case.listed", [c.person for c in cases], field_groups=[BASIC, RECORDS],
                      membership=m, data={"cases": [c.pk for c in cases]})
    return [case_out(c) for c in cases]


@router.post("/cases", response={201: CaseOut, 400: Error, 404: Error}, summary="ケースを開始")
def create_case(request, payload: CaseIn):
    m = _membership(request, edit=True)
    person = access.get_person_for_case(m, payload.person_id)
    try:
        case = actions.do_open_case(request=request, membership=m, person=person, lead=_user(payload.lead_id),
                                    co_workers=_co_workers(payload), complexity=payload.complexity,
                                    needs=payload.needs, summary=payload.summary)
    except ValidationError as error:
        return _bad(error)
    return Status(201, case_out(case))


@router.get("/cases/{case_id}", response={200: CaseOut, 404: Error}, summary="ケースの詳細")
def get_case(request, case_id: Id):
    m = _membership(request)
    case = access.get_case_for_user(m, case_id)
    actions.log_read(request, m, "case.viewed", case, case.person, [RECORDS])
    return case_out(case)


@router.put("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="担当・ニーズ評価・複雑さを更新（version 必須）")
def update_case(request, case_id: Id, payload: CaseUpdate):
    m = _membership(request, edit=True)
    case = access.get_case_for_user(m, case_id)
    return _versioned(lambda: actions.do_update_case(request=request, membership=m, case=case, version=payload.version,
                                                     lead=_user(payload.lead_id), co_workers=_co_workers(payload),
                                                     complexity=payload.complexity, needs=payload.needs, summary=payload.summary), case_out, payload)


@router.post("/cases/{case_id}/status", response={200: CaseOut, **ERRORS}, summary="状態を変更（終結・再開を含む）")
def change_status(request, case_id: Id, payload: StatusIn):
    m = _membership(request, edit=True)
    case = access.get_case_for_user(m, case_id)
    return _versioned(lambda: actions.do_change_case_status(request=request, membership=m, case=case, version=payload.version,
                                                            to_status=payload.to_status, closure_reason=payload.closure_reason,
                                                            note=payload.note), case_out, payload)


# --- record entries ------------------------------------------------------------------------------------
class EntryIn(Schema):
    kind: _codes("entry_kinds")
    body: Text()
    occurred_at: DateTime | None = None
    follow_up_on: FollowUpDate | None = None


class AmendIn(Schema):
    version: Id
    body: Text()
    reason: Text(300)
    kind: _codes("entry_kinds") | None = None
    occurred_at: DateTime | None = None


class ErrorIn(Schema):
    version: Id
    reason: Text(300)


class RevisionOut(Schema):
    number: int
    kind: str
    occurred_at: dt.datetime
    body: str
    reason: str
    by: str
    at: dt.datetime


class EntryOut(Schema):
    id: int
    case_id: int
    kind: str
    occurred_at: dt.datetime
    author: str
    body: str
    follow_up_on: dt.date | None
    version: int
    revision_count: int
    entered_in_error: bool
    error_reason: str
    revisions: list[RevisionOut]


def entry_out(e) -> dict:
    return {"id": e.pk, "case_id": e.case_id, "kind": e.kind, "occurred_at": e.occurred_at, "author": str(e.author),
            "body": e.body, "follow_up_on": e.follow_up_on, "version": e.version, "revision_count": e.revision_count,
            "entered_in_error": e.entered_in_error, "error_reason": e.error_reason,
            "revisions": [{"number": r.number, "kind": r.kind, "occurred_at": r.occurred_at, "body": r.body,
                           "reason": r.reason, "by": str(r.by), "at": r.at}
                          for r in e.revisions.select_related("by").order_by("number")]}


@router.get("/cases/{case_id}/entries", response={200: list[EntryOut], 404: Error}, summary="経過記録（履歴つき）")
def list_entries(request, case_id: Id):
    m = _membership(request)
    case = access.get_case_for_user(m, case_id)
    actions.log_read(request, m, "record.listed", case, case.person, [RECORDS])
    return [entry_out(e) for e in access.entries_visible_to(m).filter(case=case)]


@router.post("/cases/{case_id}/entries", response={201: EntryOut, 400: Error, 404: Error}, summary="経過記録を追加")
def create_entry(request, case_id: Id, payload: EntryIn):
    m = _membership(request, edit=True)
    case = access.get_case_for_user(m, case_id)
    try:
        entry = actions.do_add_entry(request=request, membership=m, case=case, kind=payload.kind, body=payload.body,
                                     occurred_at=payload.occurred_at, follow_up_on=payload.follow_up_on)
    except ValidationError as error:
        return _bad(error)
    return Status(201, entry_out(entry))


@router.get("/entries/{entry_id}", response={200: EntryOut, 404: Error}, summary="経過記録の詳細と修正履歴")
def get_entry(request, entry_id: Id):
    m = _membership(request)
    entry = access.get_entry_for_user(m, entry_id)
    actions.log_read(request, m, "record.viewed", entry, entry.case.person, [RECORDS])
    return entry_out(entry)


@router.put("/entries/{entry_id}", response={200: EntryOut, **ERRORS},
            summary="経過記録を修正（新しい版になり、修正前の記載は履歴に残る）")
def amend_entry(request, entry_id: Id, payload: AmendIn):
    m = _membership(request, edit=True)
    entry = access.get_entry_for_user(m, entry_id)
    return _versioned(lambda: actions.do_amend_entry(request=request, membership=m, entry=entry, version=payload.version,
                                                     body=payload.body, reason=payload.reason, kind=payload.kind,
                                                     occurred_at=payload.occurred_at), entry_out, payload)


@router.post("/entries/{entry_id}/entered-in-error", response={200: EntryOut, **ERRORS}, summary="誤記入とする（削除はしない）")
def mark_entry_in_error(request, entry_id: Id, payload: ErrorIn):
    m = _membership(request, edit=True)
    entry = access.get_entry_for_user(m, entry_id)
    return _versioned(lambda: actions.do_mark_entry_in_error(request=request, membership=m, entry=entry, version=payload.version,
                                                             reason=payload.reason), entry_out, payload)


# --- search and statistics -----------------------------------------------------------------------------
class HitOut(Schema):
    document_id: int
    kind: str
    occurred_at: dt.datetime
    person_id: int | None
    case_id: int | None
    consultation_id: int | None
    entry_id: int | None
    snippet_html: str


class SearchOut(Schema):
    query: str
    persons: list[PersonBrief]
    hits: list[HitOut]


@router.get("/search", response={200: SearchOut, 404: Error}, summary="本人と相談・経過記録の全文検索（新しい順、一致箇所を <mark>）")
def search_all(request, q: SearchText = ""):
    m = _membership(request)
    query = search.clean_query(q)
    hits = search.search_records(m, query)
    persons = search.find_persons(m, query)
    if query:
        search.log_results(request, m, query, persons, hits)
    return {"query": query, "persons": [_brief(p) for p in persons],
            "hits": [{"document_id": h.document.pk, "kind": "entry" if h.document.entry_id else "consultation",
                      "occurred_at": h.document.occurred_at, "person_id": h.document.person_id,
                      "case_id": h.document.case_id, "consultation_id": h.document.consultation_id,
                      "entry_id": h.document.entry_id, "snippet_html": str(h.snippet)} for h in hits]}


@router.get("/stats", response={200: dict, 404: Error},
            summary="年度の報告表（地域保健・健康増進事業報告: 相談の種類×区分の実人員・延人員、再掲、数え方）")
def consultation_stats(request, fiscal_year: FiscalYearNumber | None = None, organisation_id: Id | None = None):
    organisation = access.get_statistics_organisation(request.membership, organisation_id)
    fy = FiscalYear(fiscal_year) if fiscal_year else FiscalYear.of(timezone.now())
    return stats.report_table(organisation, fy)


@router.get("/stats/rollup", response={200: dict, 404: Error},
            summary="年度の報告表の機関別一覧と合計（管内・都道府県: 件数のみ）")
def consultation_stats_rollup(request, fiscal_year: FiscalYearNumber | None = None):
    organisations = access.statistics_organisations(request.membership)
    if not organisations:
        raise Http404
    fy = FiscalYear(fiscal_year) if fiscal_year else FiscalYear.of(timezone.now())
    rollup = stats.roll_up(organisations, fy)
    return {key: value for key, value in rollup.items() if key != "tables"}
