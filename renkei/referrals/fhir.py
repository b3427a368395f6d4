"""A referral as FHIR R4 resources in the shape of the HL7 SDOH Clinical Care IG: the ServiceRequest
(what is asked, for whom) and the TaskForReferralManagement (the closed loop: status, owner, reason,
outcome). Person details appear only within the viewer's shared scopes (the name needs 基本情報)."""

from django.utils import timezone

from . import reference

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
PROFILE_SR = f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"
PROFILE_TASK = f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"
RENKEI = "urn:renkei"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
REASON_SYSTEM = f"{RENKEI}:referral-reason"
ASK_SYSTEM = f"{RENKEI}:referral-ask"
NEED_SYSTEM = f"{RENKEI}:directory:service-kind"


def _instant(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _org(org):
    return {"reference": f"Organization/{org.code}", "display": org.name}


def _person(referral, show_name: bool):
    ref = {"reference": f"Patient/{referral.person_id}"}
    if show_name:
        ref["display"] = referral.person.name
    return ref


def _clean(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if v not in (None, [], {}, "")}


def service_request(referral, show_name: bool) -> dict:
    asks = reference.ask_names()
    code = {"coding": [{"system": ASK_SYSTEM, "code": a, "display": asks.get(a, a)} for a in referral.asks],
            "text": "・".join(referral.ask_names)}
    category = [{"coding": [{"system": NEED_SYSTEM, "code": referral.need.code, "display": referral.need.name}]}] \
        if referral.need else []
    return _clean({
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": {"profile": [PROFILE_SR], "lastUpdated": _instant(referral.last_modified)},
        "status": reference.service_request_status(referral.status),
        "intent": "order",
        "priority": reference.fhir_priority(referral.urgency),
        "category": category,
        "code": code,
        "subject": _person(referral, show_name),
        "authoredOn": _instant(referral.requested_at or referral.created_at),
        "requester": _org(referral.from_organisation) | {"display": f"{referral.from_organisation.name} "
                                                                    f"{referral.requester}"},
        "performer": [_org(referral.to_organisation)],
        "reasonCode": [{"text": referral.purpose}] if show_name else [],
        "note": [{"text": f"根拠（指針）: {referral.citation}"}] if referral.citation else [],
    })


STATUS_REASON_REQUIRED = ("rejected", "cancelled", "on-hold", "failed")  # SDOHCC: statusReason.text SHALL be there


def _status_reason(referral):
    """statusReason for the current status: the coded reason when there is one, and always a text for
    rejected, cancelled, on-hold and failed (the reason's detail, its name, the transition's note, or the
    status's default sentence)."""
    task_status = reference.task_status(referral.status)
    if not referral.status_reason and task_status not in STATUS_REASON_REQUIRED:
        return None
    text = referral.status_reason_text or referral.reason_name
    if not text:
        event = referral.events.filter(to_status=referral.status).order_by("-at", "-id").first()
        text = (event.note if event is not None else "") or reference.status_reason_default(referral.status)
    reason = {"text": text}
    if referral.status_reason:
        reason["coding"] = [{"system": REASON_SYSTEM, "code": referral.status_reason,
                             "display": referral.reason_name}]
    return reason


def task(referral, show_name: bool) -> dict:
    output = []
    if referral.status == "completed" and referral.outcome:
        output.append({"type": {"coding": [{"system": f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes",
                                            "code": "resulting-activity", "display": "Resulting Activity"}]},
                       "valueCodeableConcept": {"text": referral.outcome}})
    return _clean({
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": {"profile": [PROFILE_TASK], "lastUpdated": _instant(referral.last_modified)},
        "status": reference.task_status(referral.status),
        "statusReason": _status_reason(referral),
        "businessStatus": {"text": referral.status_name},
        "intent": "order",
        "priority": reference.fhir_priority(referral.urgency),
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill", "display": "Fulfill the focal request"}]},
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "for": _person(referral, show_name),
        "authoredOn": _instant(referral.requested_at or referral.created_at),
        "lastModified": _instant(referral.last_modified),
        "requester": _org(referral.from_organisation),
        "owner": _org(referral.to_organisation) | ({"display": f"{referral.to_organisation.name} {referral.owner}"}
                                                   if referral.owner_id else {}),
        "output": output,
    })
