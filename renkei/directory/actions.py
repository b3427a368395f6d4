"""State changes of the directory. Each runs in one transaction and writes its audit entry.

Directory data is not personal data: entries name no person (no `person`, no field groups)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.audit.actions import log_event

from .importer import import_payload
from .models import Schedule, Service, ServiceArea, ServiceCapacity, ServiceTerm, Unit
from .tabular_import import import_package

ORG_FIELDS = ["name", "alternate_name", "description", "email", "website", "legal_status", "last_verified"]
SERVICE_FIELDS = ["name", "alternate_name", "description", "status", "eligibility_description", "minimum_age",
                  "maximum_age", "application_process", "fees_description", "wait_time", "alert",
                  "interpretation_services", "accepting_referrals", "last_verified"]


def _apply(obj, data: dict, fields: list[str]) -> dict:
    changes = {}
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            changes[name] = {"from": getattr(obj, name), "to": data[name]}
            setattr(obj, name, data[name])
    return changes


@transaction.atomic
def do_import_hsds(*, payload, request=None, maintainer=None):
    """All or nothing; raises importer.DirectoryImportError with one Japanese line per problem.
    With `maintainer` (an upload through the UI) only entries that organisation maintains may change."""
    return import_payload(payload, request=request, maintainer=maintainer)


@transaction.atomic
def do_import_hsds_tabular(*, source, request=None, maintainer=None):
    """The same import from a tabular data package (ZIP bytes, or a directory or ZIP `Path`)."""
    return import_package(source, request=request, maintainer=maintainer)


@transaction.atomic
def do_update_organization(*, request, organization, data: dict):
    changes = _apply(organization, data, ORG_FIELDS)
    if changes:
        organization.last_modified = timezone.now()
        organization.full_clean()
        organization.save()
        log_event("directory.organization_updated", request=request, obj=organization, data={"changes": changes})
    return organization


@transaction.atomic
def do_mark_verified(*, request, organization):
    """The maintainer confirmed the entry today: the organisation and all its services."""
    today = timezone.localdate()
    organization.last_verified = today
    organization.last_modified = timezone.now()
    organization.save(update_fields=["last_verified", "last_modified"])
    organization.services.update(last_verified=today, last_modified=timezone.now())
    log_event("directory.verified", request=request, obj=organization, data={"date": today})
    return organization


@transaction.atomic
def do_save_service(*, request, organization, service: Service | None, data: dict, kinds, areas,
                    capacity: dict | None):
    """Create or update a service with its kinds (taxonomy terms), areas and one capacity figure."""
    created = service is None
    if created:
        service = Service(organization=organization)
    if data.get("minimum_age") is not None and data.get("maximum_age") is not None \
            and data["minimum_age"] > data["maximum_age"]:
        raise ValidationError("対象年齢の上限が下限より小さくなっています。")
    changes = _apply(service, data, SERVICE_FIELDS)
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    wanted = {t.pk for t in kinds}
    have = set(service.service_terms.values_list("taxonomy_term_id", flat=True))
    if wanted != have:
        service.service_terms.exclude(taxonomy_term_id__in=wanted).delete()
        for term in kinds:
            if term.pk not in have:
                ServiceTerm.objects.create(service=service, taxonomy_term=term)
        changes["kinds"] = {"from": sorted(map(str, have)), "to": sorted(map(str, wanted))}
    wanted_areas = {a.pk: a for a in areas}
    have_areas = set(service.service_areas.values_list("area_id", flat=True))
    if set(wanted_areas) != have_areas:
        service.service_areas.exclude(area_id__in=wanted_areas).delete()
        for pk, area in wanted_areas.items():
            if pk not in have_areas:
                ServiceArea.objects.create(service=service, area=area,
                                           name="みどり県全域" if area.type.code == "prefecture" else area.name)
        changes["areas"] = {"from": sorted(have_areas, key=str), "to": sorted(wanted_areas)}
    if capacity and capacity.get("available") is not None:
        _set_capacity(service, capacity, changes)
    log_event("directory.service_created" if created else "directory.service_updated", request=request,
              obj=service, data={"organization": str(organization.pk), "changes": changes})
    return service


def _set_capacity(service, capacity: dict, changes: dict):
    current = service.capacities.first()
    if current is None:
        unit, _ = Unit.objects.get_or_create(name=capacity.get("unit") or "受入枠")
        current = ServiceCapacity(service=service, unit=unit, available=capacity["available"],
                                  maximum=capacity.get("maximum"), updated=timezone.now())
    elif (current.available, current.maximum) == (capacity["available"], capacity.get("maximum")):
        return
    if capacity.get("maximum") is not None and capacity["available"] > capacity["maximum"]:
        raise ValidationError("空きが定員を超えています。")
    changes["capacity"] = {"from": [current.available, current.maximum] if current.pk else None,
                           "to": [capacity["available"], capacity.get("maximum")]}
    current.available, current.maximum, current.updated = capacity["available"], capacity.get("maximum"), \
        timezone.now()
    current.save()


@transaction.atomic
def do_add_schedule(*, request, service, byday: list[str], opens_at, closes_at, closed_on_holidays: bool,
                    description: str = ""):
    if not byday:
        raise ValidationError("曜日を一つ以上選んでください。")
    if opens_at == closes_at:
        raise ValidationError("開始と終了が同じ時刻です。")
    schedule = Schedule.objects.create(service=service, byday=",".join(byday), opens_at=opens_at,
                                       closes_at=closes_at, closed_on_holidays=closed_on_holidays,
                                       description=description)
    service.last_modified = timezone.now()
    service.save(update_fields=["last_modified"])
    log_event("directory.schedule_added", request=request, obj=service,
              data={"schedule": str(schedule.pk), "byday": schedule.byday, "opens_at": opens_at,
                    "closes_at": closes_at, "closed_on_holidays": closed_on_holidays})
    return schedule


@transaction.atomic
def do_delete_schedule(*, request, service, schedule_id):
    schedule = service.schedules.filter(pk=schedule_id).first()
    if schedule is None:
        raise ValidationError("その受付時間は見つかりません。")
    data = {"schedule": str(schedule.pk), "byday": schedule.byday, "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at}
    schedule.delete()
    service.last_modified = timezone.now()
    service.save(update_fields=["last_modified"])
    log_event("directory.schedule_deleted", request=request, obj=service, data=data)
