"""Every demo referral's ServiceRequest and Task validate as FHIR R4B resources (fhir.resources, a third-party
library) and follow the HL7 SDOH Clinical Care IG's profiles: the Task status from its value set
(task-status without `ready` and `received`), intent `order`, code `fulfill`, a statusReason.text when
rejected, cancelled, on-hold or failed, and an output when completed."""

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from renkei.demo.loader import load_demo
from renkei.referrals import fhir, reference
from renkei.referrals.models import Referral

# SDOHCC-ValueSetReferralTaskStatus: http://hl7.org/fhir/task-status minus ready and received.
TASK_STATUSES = {"draft", "requested", "accepted", "rejected", "cancelled", "in-progress", "on-hold", "failed",
                 "completed", "entered-in-error"}
REASON_REQUIRED = {"rejected", "cancelled", "on-hold", "failed"}
SR_STATUSES = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}


def check_task(resource: dict) -> list[str]:
    problems = []
    Task.model_validate(resource)  # raises on anything that is not an R4B Task
    if resource["status"] not in TASK_STATUSES:
        problems.append(f"status {resource['status']!r} is not in the SDOHCC referral task status value set")
    if resource.get("intent") != "order":
        problems.append("intent must be order")
    codings = resource.get("code", {}).get("coding", [])
    if not any(c.get("system") == "http://hl7.org/fhir/CodeSystem/task-code" and c.get("code") == "fulfill"
               for c in codings):
        problems.append("code must be task-code#fulfill")
    for key in ("focus", "for", "requester"):
        if not resource.get(key, {}).get("reference"):
            problems.append(f"{key} is required")
    if resource["status"] in REASON_REQUIRED and not (resource.get("statusReason") or {}).get("text"):
        problems.append(f"{resource['status']} without statusReason.text")
    if resource.get("statusReason") and not resource["statusReason"].get("text"):
        problems.append("statusReason without text")
    if resource["status"] == "completed":
        outputs = resource.get("output") or []
        if not outputs or not all(o.get("valueCodeableConcept") or o.get("valueReference") for o in outputs):
            problems.append("completed without an output (resulting activity as CodeableConcept or Reference)")
    return problems


def check_service_request(resource: dict) -> list[str]:
    problems = []
    ServiceRequest.model_validate(resource)
    if resource["status"] not in SR_STATUSES:
        problems.append(f"status {resource['status']!r}")
    if resource.get("intent") != "order":
        problems.append("intent must be order")
    for key in ("code", "subject", "requester"):
        if not resource.get(key):
            problems.append(f"{key} is required")
    return problems


def test_the_check_refuses_a_received_task_and_an_on_hold_one_without_a_reason():
    base = {"resourceType": "Task", "intent": "order", "focus": {"reference": "ServiceRequest/1"},
            "for": {"reference": "Patient/1"}, "requester": {"reference": "Organization/a"},
            "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]}}
    assert check_task(base | {"status": "received"})
    assert check_task(base | {"status": "on-hold"}) == ["on-hold without statusReason.text"]
    assert check_task(base | {"status": "accepted"}) == []


def test_every_status_maps_into_the_sdohcc_value_sets():
    for status in reference.status_names():
        assert reference.task_status(status) in TASK_STATUSES
        assert reference.service_request_status(status) in SR_STATUSES


@pytest.mark.parametrize("show_name", [True, False])
def test_every_demo_referrals_resources_validate_and_follow_the_sdohcc_profiles(db, show_name):
    load_demo()
    referrals = list(Referral.objects.select_related("person", "from_organisation", "to_organisation", "requester",
                                                     "owner", "need"))
    assert {r.status for r in referrals} >= {"received", "on-hold", "cancelled", "rejected", "completed", "failed"}
    problems = []
    for r in referrals:
        problems += [f"Task/{r.pk} ({r.status}): {p}" for p in check_task(fhir.task(r, show_name))]
        problems += [f"ServiceRequest/{r.pk} ({r.status}): {p}" for p in
                     check_service_request(fhir.service_request(r, show_name))]
    assert problems == []


def test_a_received_referral_is_a_requested_task_whose_business_status_says_received(db):
    load_demo()
    r = Referral.objects.filter(status="received").first()
    task = fhir.task(r, True)
    assert task["status"] == "requested" and task["businessStatus"]["text"] == "受付済み"
