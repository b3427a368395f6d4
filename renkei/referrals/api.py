"""JSON API of referrals (`/api/referrals/`) and the FHIR R4 read interchange (`/api/fhir/`): the same
access and action functions as the pages. Missing and forbidden both answer 404; reads are audited."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from ninja import Field, Router, Schema, Status

from renkei.accounts.models import Organisation
from renkei.cases import access as cases_access
from renkei.cases.access import BASIC
from renkei.core.api_errors import Error, bad_request
from renkei.core.api_types import Id, Ids, Text, codes
from renkei.directory import reference as directory_reference
from renkei.directory.models import Service, TaxonomyTerm

from . import access, actions, fhir, present, reference, sharing, stats
from . import inbox as boxes

router = Router(tags=["連携依頼"])
fhir_router = Router(tags=["FHIR"])
FHIR_JSON = "application/fhir+json"


def _codes(name):
    return codes(code for code, _label in reference.choices(name))




class ReferralOut(Schema):
    id: int
    kind: str
    status: str
    status_name: str
    case_id: int
    from_organisation: str
    to_organisation: str
    service_id: str | None
    need: str | None
    asks: list[str]
    urgency: str
    scopes: list[str]
    basis: str
    status_reason: str
    status_reason_text: str
    outcome: str
    requested_at: dt.datetime | None
    last_modified: dt.datetime


class ReferralIn(Schema):
    case_id: Id
    to_organisation: Text(40) | None = None
    service_id: uuid.UUID | None = None
    need: codes(t["code"] for t in directory_reference.planned_terms()
                if t["taxonomy"] == directory_reference.SERVICE_KIND) | None = None
    purpose: Text(2000)
    urgency: _codes("urgencies") = "routine"
    asks: Annotated[list[_codes("asks")], Field(max_length=20)]
    scopes: Annotated[list[codes(code for code, _ in sharing.scope_choices())], Field(max_length=20)] = []
    basis: Literal["consent", "legal"] = "consent"
    consent_ids: Ids = []
    legal_basis: codes((b["code"] for b in sharing.disclosure_bases()), blank=True) = ""
    justification: Text(2000) = ""
    send: bool = True


class TransitionIn(Schema):
    to_status: _codes("statuses")
    reason: codes((code for code, _ in reference.selectable_reasons()), blank=True) = ""
    reason_text: Text(2000) = ""
    outcome: Text(2000) = ""
    note: Text(2000) = ""
    expected_status: _codes("statuses") | None = None


class RebaseIn(Schema):
    """A new basis for a referral held because its basis ended (the same fields as the page's form)."""

    basis: Literal["consent", "legal"]
    consent_ids: Ids = []
    legal_basis: codes((b["code"] for b in sharing.disclosure_bases()), blank=True) = ""
    justification: Text(2000) = ""
    note: Text(2000) = ""


class FiguresOut(Schema):
    organisation: str
    sent_to: int
    accepted: int
    refused: int
    acceptance_rate: float | None
    median_hours_to_receive: float | None
    median_hours_to_accept: float | None
    median_hours_to_complete: float | None


def _m(request):
    m = getattr(request, "membership", None)
    if not (access.can_send(m) or access.can_respond(m)):
        raise Http404
    return m


def _out(r) -> dict:
    return {"id": r.pk, "kind": r.kind, "status": r.status, "status_name": r.status_name, "case_id": r.case_id,
            "from_organisation": r.from_organisation.code, "to_organisation": r.to_organisation.code,
            "service_id": str(r.service_id) if r.service_id else None, "need": r.need.code if r.need else None,
            "asks": r.asks, "urgency": r.urgency, "scopes": r.scopes, "basis": r.basis,
            "status_reason": r.status_reason, "status_reason_text": r.status_reason_text, "outcome": r.outcome,
            "requested_at": r.requested_at, "last_modified": r.last_modified}


@router.get("/", response={200: list[ReferralOut], 404: Error}, summary="受信箱・送った依頼（box=received|sent）")
def list_referrals(request, box: Literal["received", "sent"] = "received"):
    m = _m(request)
    referrals = boxes.referrals_in(boxes.received(m) if box == "received" else boxes.sent(m))
    actions.log_listing(request, m, "referral.listed", referrals, data={"box": box})
    return [_out(r) for r in referrals]


@router.post("/", response={201: ReferralOut, 400: Error, 404: Error}, summary="連携依頼を作る（send=true で送る）")
def create_referral(request, payload: ReferralIn):
    m = _m(request)
    case = cases_access.get_case_for_user(m, payload.case_id)
    try:
        to = Organisation.objects.filter(code=payload.to_organisation).first() if payload.to_organisation else None
        if payload.to_organisation and to is None:
            raise ValidationError("依頼先の機関が見つかりません。")
        service = Service.objects.filter(pk=payload.service_id).first() if payload.service_id else None
        if payload.service_id and service is None:
            raise ValidationError("サービスが見つかりません。")
        need = TaxonomyTerm.objects.filter(taxonomy__code="service-kind", code=payload.need).first() \
            if payload.need else None
        if payload.need and need is None:
            raise ValidationError("ニーズ（サービスの種類）が見つかりません。")
        referral = actions.do_create_referral(
            request=request, membership=m, case=case, to_organisation=to, service=service, need=need,
            purpose=payload.purpose, urgency=payload.urgency, asks=payload.asks, scopes=payload.scopes,
            basis=payload.basis, consent_ids=payload.consent_ids, legal_basis=payload.legal_basis,
            justification=payload.justification, send=payload.send)
    except ValidationError as error:
        return Status(400, bad_request(error))
    return Status(201, _out(referral))


@router.get("/stats", response={200: list[FiguresOut], 404: Error}, summary="機関ごとの実績")
def agency_figures(request):
    m = getattr(request, "membership", None)
    if m is None or not m.has_perm("report.view"):
        raise Http404
    return [{**{k: getattr(f, k) for k in FiguresOut.model_fields if k != "organisation"},
             "organisation": f.organisation.code} for f in stats.all_figures()]


@router.get("/{int:referral_id}", response={200: ReferralOut, 404: Error}, summary="連携依頼")
def get_referral(request, referral_id: Id):
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    actions.log_read(request, m, "referral.viewed", referral, groups=present.shared_view(m, referral)["groups"])
    return _out(referral)


@router.post("/{int:referral_id}/transition", response={200: ReferralOut, 400: Error, 404: Error},
             summary="状態を変更（依頼元: requested/cancelled、依頼先: received/accepted/rejected/in-progress/"
                     "on-hold/completed/failed）")
def transition(request, referral_id: Id, payload: TransitionIn):
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    try:
        referral = actions.do_transition(request=request, membership=m, referral=referral,
                                         to_status=payload.to_status, reason=payload.reason,
                                         reason_text=payload.reason_text, outcome=payload.outcome,
                                         note=payload.note, expected_status=payload.expected_status)
    except ValidationError as error:
        return Status(400, bad_request(error))
    return _out(referral)


@router.post("/{int:referral_id}/rebase", response={200: ReferralOut, 400: Error, 404: Error},
             summary="共有の根拠が終了して保留中の依頼に新しい根拠を記録する（依頼元。有効な同意か法的根拠。"
                     "依頼は保留前の状態に戻る）")
def rebase(request, referral_id: Id, payload: RebaseIn):
    """The page's next step (referrals:rebase) as an operation: only the sending organisation's staff who
    may send (others, and a referral not visible, 404 alike); a basis that does not hold — a consent
    withdrawn, expired or not covering the receiver or the scopes, a legal basis not usable between the
    two — answers 400 in Japanese and changes nothing; a referral not on hold for its basis, 400."""
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    if access.side_of(m, referral) != reference.REQUESTER:
        raise Http404
    try:
        referral = actions.do_rebase(request=request, membership=m, referral=referral, basis=payload.basis,
                                     consent_ids=payload.consent_ids, legal_basis=payload.legal_basis,
                                     justification=payload.justification, note=payload.note)
    except ValidationError as error:
        return Status(400, bad_request(error))
    return _out(referral)


# --- FHIR R4 --------------------------------------------------------------------------------------------
def _fhir(request, referral_id: Id, build, resource: str):
    m = _m(request)
    referral = access.get_referral_for_user(m, referral_id)
    view = present.shared_view(m, referral)
    actions.log_read(request, m, f"referral.fhir_{resource.lower()}_read", referral, groups=view["groups"])
    return JsonResponse(build(referral, BASIC in view["groups"]), content_type=FHIR_JSON,
                        json_dumps_params={"ensure_ascii": False})


@fhir_router.get("/ServiceRequest/{int:referral_id}", response={200: dict, 404: Error},
                 openapi_extra={"x-media-type": FHIR_JSON},
                 summary="連携依頼を FHIR R4 ServiceRequest（SDOH Clinical Care IG）として")
def fhir_service_request(request, referral_id: Id):
    return _fhir(request, referral_id, fhir.service_request, "ServiceRequest")


@fhir_router.get("/Task/{int:referral_id}", response={200: dict, 404: Error},
                 openapi_extra={"x-media-type": FHIR_JSON},
                 summary="連携依頼の進捗を FHIR R4 Task（TaskForReferralManagement）として")
def fhir_task(request, referral_id: Id):
    return _fhir(request, referral_id, fhir.task, "Task")
