"""Every change of 地域づくり records: one transaction with its audit entry. Records hold no person data, so
the entries name no person; they name the record and the offices."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.audit.actions import log_event

from . import access, reference
from .models import ActionItem, Group, GroupSupport, Meeting, MeetingAttendance, Outreach

GROUP_FIELDS = ["kind", "name", "directory_organisation", "area", "member_count", "contact", "note"]
SUPPORT_FIELDS = ["date", "kind", "summary", "member_count", "participant_count"]
OUTREACH_FIELDS = ["kind", "title", "status", "date", "place", "school", "grade", "themes", "audiences", "partners",
                   "sessions", "participants", "note"]
MEETING_FIELDS = ["kind", "title", "date", "place", "agenda", "decisions"]


def _require_edit(membership):
    if not access.may_edit(membership):
        raise ValidationError("地域づくりの記録を登録・更新する権限がありません。")


def _check_code(value, vocabulary: str, label: str):
    if value not in reference.codes(vocabulary):
        raise ValidationError(f"「{label}」に指定できない値です。")


def _check_codes(values, vocabulary: str, label: str):
    if not isinstance(values, list) or any(v not in reference.codes(vocabulary) for v in values):
        raise ValidationError(f"「{label}」に指定できない値があります。")


def _co_organisers(obj, membership, co_organisers):
    if co_organisers is not None:
        obj.co_organisers.set([o for o in co_organisers if o.pk != membership.organisation_id])


def _save(obj, membership, values: dict, fields: list[str], co_organisers):
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])
    obj.full_clean(exclude=["organisation", "created_by", "co_organisers", "group"])
    obj.save()
    _co_organisers(obj, membership, co_organisers)
    return obj


def _log(action, request, membership, obj, **data):
    log_event(action, request=request, actor=membership.user, organisation=membership.organisation, obj=obj,
              data={"co_organisers": sorted(obj.co_organisers.values_list("pk", flat=True)), **data})


# --- groups ----------------------------------------------------------------------------------------------
@transaction.atomic
def do_save_group(membership, values: dict, *, group=None, co_organisers=None, request=None) -> Group:
    _require_edit(membership)
    _check_code(values.get("kind", group.kind if group else None), "group_kinds", "種別")
    created = group is None
    group = group or Group(organisation=membership.organisation, created_by=membership.user)
    _save(group, membership, values, GROUP_FIELDS, co_organisers)
    _log("network.group_created" if created else "network.group_updated", request, membership, group)
    return group


@transaction.atomic
def do_record_support(membership, group, values: dict, *, co_organisers=None, request=None) -> GroupSupport:
    _require_edit(membership)
    _check_code(values.get("kind"), "support_kinds", "支援の種類")
    support = GroupSupport(group=group, organisation=membership.organisation, created_by=membership.user)
    _save(support, membership, values, SUPPORT_FIELDS, co_organisers)
    _log("network.support_recorded", request, membership, support, group=group.pk)
    return support


# --- 普及啓発 ----------------------------------------------------------------------------------------------
def _check_outreach(values):
    _check_code(values.get("kind"), "outreach_kinds", "種類")
    _check_code(values.get("status"), "outreach_statuses", "状態")
    _check_codes(values.get("themes", []), "themes", "テーマ")
    _check_codes(values.get("audiences", []), "audiences", "対象")
    if not values.get("themes"):
        raise ValidationError("「テーマ」を一つ以上選んでください。")
    if values.get("kind") in reference.school_kinds() and not values.get("school"):
        raise ValidationError("学校での授業・講話には「学校名」を入力してください。")
    if values.get("status") == "held" and values.get("participants") is None:
        raise ValidationError("実施済みの活動には「参加者数」を入力してください。")
    if values.get("status") == "held" and values.get("date") and values["date"] > timezone.localdate():
        raise ValidationError("実施済みの活動の実施日に未来の日付は指定できません。")
    if not values.get("sessions"):
        raise ValidationError("「回数」は1以上で入力してください。")


@transaction.atomic
def do_save_outreach(membership, values: dict, *, outreach=None, co_organisers=None, request=None) -> Outreach:
    _require_edit(membership)
    if outreach is not None:
        values = {**{name: getattr(outreach, name) for name in OUTREACH_FIELDS}, **values}
    _check_outreach(values)
    created = outreach is None
    outreach = outreach or Outreach(organisation=membership.organisation, created_by=membership.user)
    _save(outreach, membership, values, OUTREACH_FIELDS, co_organisers)
    _log("network.outreach_created" if created else "network.outreach_updated", request, membership, outreach,
         status=outreach.status)
    return outreach


# --- meetings --------------------------------------------------------------------------------------------
@transaction.atomic
def do_save_meeting(membership, values: dict, *, meeting=None, co_organisers=None, request=None) -> Meeting:
    _require_edit(membership)
    _check_code(values.get("kind", meeting.kind if meeting else None), "meeting_kinds", "種類")
    created = meeting is None
    meeting = meeting or Meeting(organisation=membership.organisation, created_by=membership.user)
    _save(meeting, membership, values, MEETING_FIELDS, co_organisers)
    _log("network.meeting_created" if created else "network.meeting_updated", request, membership, meeting)
    return meeting


@transaction.atomic
def do_add_attendance(membership, meeting, *, organisation=None, organisation_label="", department="", headcount=1,
                      request=None) -> MeetingAttendance:
    _require_edit(membership)
    if organisation is None and not organisation_label.strip():
        raise ValidationError("「機関」を選ぶか、「機関名（登録外）」を入力してください。")
    if headcount is None or headcount < 1:
        raise ValidationError("「人数」は1以上で入力してください。")
    row = MeetingAttendance(meeting=meeting, organisation=organisation, organisation_label=organisation_label.strip(),
                            department=department.strip(), headcount=headcount)
    row.full_clean()
    row.save()
    log_event("network.attendance_added", request=request, actor=membership.user,
              organisation=membership.organisation, obj=meeting,
              data={"organisation": organisation.pk if organisation else organisation_label, "headcount": headcount})
    return row


# --- action items ----------------------------------------------------------------------------------------
def owner_choices(membership, parent):
    """Who may own an action item: the active staff of the record's offices (the owner and co-organisers)."""
    from renkei.accounts.models import Membership

    orgs = [parent.organisation_id, *parent.co_organisers.values_list("pk", flat=True)]
    return (Membership.objects.filter(organisation_id__in=orgs, is_active=True, user__is_active=True)
            .select_related("user", "organisation").order_by("organisation__name", "user__kana", "id"))


@transaction.atomic
def do_add_item(membership, parent, *, description, owner, due_date, request=None) -> ActionItem:
    _require_edit(membership)
    if not description or not description.strip():
        raise ValidationError("「内容」を入力してください。")
    if owner is None or not owner_choices(membership, parent).filter(pk=owner.pk).exists():
        raise ValidationError("担当は、記録した機関か共催の機関の職員から選んでください。")
    if due_date is None:
        raise ValidationError("「期限」を入力してください。")
    item = ActionItem(description=description.strip(), owner=owner, due_date=due_date, created_by=membership.user,
                      **({"meeting": parent} if isinstance(parent, Meeting) else {"support": parent}))
    item.full_clean()
    item.save()
    log_event("network.item_added", request=request, actor=membership.user, organisation=membership.organisation,
              obj=item, data={"owner": owner.pk, "due": due_date.isoformat(), "parent": parent._meta.model_name,
                              "parent_id": parent.pk})
    return item


@transaction.atomic
def do_set_item_status(membership, item, status, *, request=None) -> ActionItem:
    _check_code(status, "item_statuses", "状態")
    before = item.status
    item.status = status
    item.completed_at = None if status in reference.open_statuses() else (item.completed_at or timezone.now())
    item.save(update_fields=["status", "completed_at"])
    log_event("network.item_status_changed", request=request, actor=membership.user,
              organisation=membership.organisation, obj=item, data={"from": before, "to": status})
    return item
